import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from courses.models import (
    AssessmentResult,
    Attendance,
    Certificate,
    CertificationTrack,
    Completion,
    CompletionSource,
    Course,
    CourseEvaluation,
    Enrollment,
    ExternalActivity,
    LearningPath,
    Modality,
    Offering,
    RemoteAttendanceReview,
    Topic,
)
from lms.people.demo import DEMO_LEARNER_COUNT
from lms.people.models import Agency, AgencyKind, Person
from reports import builders
from reports.models import LearningRecord
from xapi import api as xapi_api

# Real commits: the LRS consumers (crediting the platforms' statements, the projection) run on commit,
# as they do when load_demo runs from the command line.
pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> dict:
    from wagtail.models import Page, Revision

    counts = {
        model.__name__: model.objects.count()
        for model in (
            Agency,
            Person,
            Course,
            Offering,
            Topic,
            LearningPath,
            CertificationTrack,
            Enrollment,
            get_user_model(),
            Page,
            Revision,
            Attendance,
            Completion,
            Certificate,
            AssessmentResult,
            CourseEvaluation,
            ExternalActivity,
            RemoteAttendanceReview,
            LearningRecord,
        )
    }
    counts["statements"] = xapi_api.count_statements()
    from notices.models import Notice

    counts["notices"] = Notice.objects.count()
    return counts


# The tests build a city of 300 of the same learners (the demo has 2,400): the history is made the
# same way, through the same services, at an eighth of the time.
LEARNERS = 300


def test_load_demo_builds_the_catalog_the_issue_asks_for_and_a_rerun_changes_nothing(client):
    out = io.StringIO()
    call_command("load_demo", "--learners", LEARNERS, stdout=out)
    first = _counts()
    call_command("load_demo", "--learners", LEARNERS, stdout=io.StringIO())
    assert _counts() == first
    _check_history()
    # Completion, the LRS and the projection agree on the demo data (issue 9, docs/integrity.md).
    reconciled = io.StringIO()
    call_command("reconcile_records", stdout=reconciled)
    assert reconciled.getvalue().strip().endswith("0 difference(s)")

    assert Agency.objects.count() >= 30
    assert Agency.objects.filter(kind=AgencyKind.DISTRICT_OFFICE).count() == 38
    assert Agency.objects.filter(kind=AgencyKind.SCHOOL).exists()
    assert Person.objects.count() == LEARNERS and DEMO_LEARNER_COUNT >= 2000
    assert Course.objects.published().count() >= 40
    topics_without_courses = Topic.objects.filter(courses__isnull=True)
    assert not topics_without_courses.exists()
    assert {"AI", "淨零", "性別主流化", "CEDAW", "政府採購", "資通安全", "英語", "職場霸凌防治", "人權", "法制"} <= set(
        Topic.objects.values_list("name", flat=True)
    )
    assert set(Offering.objects.values_list("modality", flat=True)) == set(Modality.values)
    assert set(CertificationTrack.objects.values_list("code", flat=True)) == {"PROC-BASIC", "PROC-ADV", "CYB-GEN"}
    assert LearningPath.objects.get(code="LAW-MAP").steps.values("module_code").distinct().count() == 8

    printed = out.getvalue()
    for username in ("admin", "staff", "officer", "trainee"):
        assert f"  {username} / " in printed
        password = next(line for line in printed.splitlines() if line.startswith(f"  {username} / ")).split(" / ")[1]
        assert client.login(username=username, password=password)
    assert client.get("/").status_code == 200
    assert client.get("/catalog/").status_code == 200


def _check_history():
    """A year and a half of learning made through the real doors, with realistic report figures."""
    today = timezone.localdate()
    # Every door: outside platforms' statements, roster files, meeting reports, exams, evaluations.
    sources = set(Completion.objects.values_list("source", flat=True))
    assert {CompletionSource.EXTERNAL, CompletionSource.ATTENDANCE, CompletionSource.REMOTE} <= sources
    # Each platform's statements are stored with its own credential as authority.
    for iri, platform in (
        ("https://elearn.hrd.gov.tw/mooc/course/ANN-101", "e等公務園+學習平臺"),
        ("https://elearning.taipei/mpage/course/ENG-103", "臺北e大數位學習網"),
    ):
        statements = xapi_api.query_statements(activity=iri, limit=5)
        assert statements and all(s["authority"]["name"] == platform for s in statements)
    assert Attendance.objects.filter(source="file").exists() and Attendance.objects.filter(source="remote").exists()
    assert RemoteAttendanceReview.objects.exists()  # guests in the meeting reports wait for staff
    assert ExternalActivity.objects.filter(status=ExternalActivity.Status.PENDING).exists()
    assert {True, False} <= set(AssessmentResult.objects.values_list("passed", flat=True))
    assert CourseEvaluation.objects.exists()
    assert Certificate.objects.filter(kind=Certificate.Kind.CERTIFICATION).exists()
    first = Completion.objects.order_by("completed_at").first().completed_at
    assert (today - timezone.localdate(first)).days > 365  # history reaches back into last year
    # Everything credited reached the reports' projection.
    assert (
        LearningRecord.objects.filter(verb="completed").count()
        == Completion.objects.filter(voided_at__isnull=True).count()
    )

    report = builders.build_compliance_report(year=today.year)
    roots = [row for row in report.agencies if row["level"] == 0]
    shares = {}
    for i, rule in enumerate(report.rules):
        figures = [row["rules"][i] for row in roots if row["rules"][i]]
        eligible = sum(f["eligible"] for f in figures)
        shares[rule.code] = sum(f["compliant"] for f in figures) / eligible
    assert all(0.5 <= share <= 0.99 for share in shares.values()), shares
    assert max(shares.values()) - min(shares.values()) > 0.1  # rules differ
    # Agencies differ, most visibly on the hardest rule (work-related 20 hours).
    hardest = min(range(len(report.rules)), key=lambda i: shares[report.rules[i].code])
    figures = [row["rules"][hardest] for row in report.agencies if row["level"] >= 1 and row["rules"][hardest]]
    agency_shares = [f["compliant"] / f["eligible"] for f in figures if f["eligible"] >= 8]
    assert len(agency_shares) >= 3 and max(agency_shares) - min(agency_shares) > 0.15, agency_shares

    center = builders.build_center_report(year=today.year)
    assert center.total["classes"] > 10 and center.total["completions"] > LEARNERS
    assert len(center.by_month) >= 10  # a figure for (nearly) every month
    assert center.satisfaction
    certification = builders.build_certification_report(year=today.year)
    assert any(row["sat"] and 0 < row["pass_rate_sat"] < 1 for row in certification.by_track)

    # The demo trainee: last year complete, gaps this year, an e-learning course and a remote class to join.
    trainee = Person.objects.get(employee_number="E0000001")
    assert Completion.objects.filter(person=trainee, completed_at__year=today.year - 1).exists()
    assert trainee.enrollments.filter(status=Enrollment.Status.ENROLLED, offering__modality=Modality.ELEARNING).exists()

    _check_certificate_states(today, trainee)
    _check_notices(today)


def _check_certificate_states(today, trainee):
    """Certificates have expired, were renewed, and expire within 30 and within 90 days (docs/demo.md)."""
    from courses.services.renewal import CertificateState, certificate_state

    certification = Certificate.objects.filter(kind=Certificate.Kind.CERTIFICATION, track__code="CYB-GEN")
    states = {certificate_state(c, today=today) for c in certification}
    assert {CertificateState.VALID, CertificateState.EXPIRING, CertificateState.EXPIRED} <= states
    assert CertificateState.RENEWED in states and certification.filter(renews__isnull=False).exists()
    within_30 = builders.build_expiring_certificates(agency=None, days=30, today=today)
    within_90 = builders.build_expiring_certificates(agency=None, days=90, today=today)
    assert within_30 and all(row["days_left"] <= 30 for row in within_30)
    assert len(within_90) > len(within_30) and any(30 < row["days_left"] <= 90 for row in within_90)
    # The demo trainee's own certificate is about to expire: 我的學習 says so.
    [own] = [c for c in certification.filter(person=trainee) if certificate_state(c, today=today) != "renewed"]
    assert certificate_state(own, today=today) == CertificateState.EXPIRING and 0 < (own.valid_until - today).days <= 30


def _check_notices(today):
    """Nobody is told about the past: only what describes today becomes a notice (docs/notices.md)."""
    from notices.models import Notice, NoticeKind

    notices = Notice.objects.all()
    assert notices.count() < 200, notices.count()  # the history used to queue a notice per record
    assert not notices.filter(kind=NoticeKind.ASSESSMENT_RESULT).exists()  # every exam is in the past
    # The certificates expiring or expired now are told so, as the daily run would tell them today.
    expiring = notices.filter(kind=NoticeKind.CERTIFICATE_EXPIRING)
    assert expiring.filter(key__endswith=":expiring:30").exists() and expiring.filter(key__endswith=":expiring:90")
    assert notices.filter(kind=NoticeKind.CERTIFICATE_EXPIRED).exists()
    # The demo trainee's enrolments of today are confirmed to them.
    assert notices.filter(recipient__employee_number="E0000001", kind=NoticeKind.ENROLLMENT_CONFIRMED).exists()
