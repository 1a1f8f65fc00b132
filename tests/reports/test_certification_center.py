"""Certification pass rates and the center's statistics, hand-computed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from courses.models import Modality
from reports.builders import build_center_report, build_certification_report
from tests.lms.people.factories import AgencyFactory, PersonFactory
from tests.reports.factories import CourseFactory, OfferingFactory, TrackFactory
from tests.reports.statements import make_statement, record

pytestmark = pytest.mark.django_db
TAIPEI = ZoneInfo("Asia/Taipei")


def at(m, d):
    return dt.datetime(2025, m, d, 17, tzinfo=TAIPEI)


@pytest.fixture
def procurement(django_capture_on_commit_callbacks):
    """4 trained in one basic class; 3 sat the exam, 2 passed, 2 certificates (one issued in 2020, valid 60 months)."""
    agency, other = AgencyFactory(code="X"), AgencyFactory(code="Y")
    course = CourseFactory(code="PCC-B", title="採購基礎班")
    track = TrackFactory(code="PCC", name="政府採購專業人員", validity_months=60)
    track.required_courses.add(course)
    track.save()
    offering = OfferingFactory(
        code="PCC-114-01", course=course, start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 7)
    )
    elearning = OfferingFactory(
        code="EL-114",
        course=CourseFactory(code="EL", modality=Modality.ELEARNING),
        modality=Modality.ELEARNING,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
    )
    people = [PersonFactory(agency=agency) for _ in range(3)] + [PersonFactory(agency=other)]
    statements = [make_statement(p, offering=offering, hours=30, at=at(3, 7)) for p in people]
    statements += [
        make_statement(people[0], "passed", track=track, offering=offering, score=85, at=at(4, 1)),
        make_statement(people[1], "passed", track=track, offering=offering, score=72, at=at(4, 1)),
        make_statement(people[3], "failed", track=track, offering=offering, score=50, at=at(4, 1)),
        make_statement(people[0], "earned", track=track, certificate_number="PCC-1", at=at(5, 1)),
        make_statement(people[1], "earned", track=track, certificate_number="PCC-2", at=at(5, 1)),
        make_statement(
            people[2], "earned", track=track, certificate_number="PCC-0", at=dt.datetime(2020, 6, 1, tzinfo=TAIPEI)
        ),
        make_statement(people[0], offering=elearning, hours=2, at=at(6, 1)),
        make_statement(people[1], offering=elearning, hours=2, at=at(6, 2)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements)
    return agency, other, track


def test_pass_rates_per_track_and_agency(procurement):
    agency, other, track = procurement
    report = build_certification_report(year=2025)
    (row,) = report.by_track
    assert (row["trained"], row["sat"], row["passed"], row["certificates"], row["expiring"]) == (4, 3, 2, 2, 1)
    assert row["pass_rate_sat"] == pytest.approx(0.6667, abs=1e-4)
    assert row["pass_rate_trained"] == 0.5
    by_agency = {r["agency_name"]: (r["trained"], r["sat"], r["passed"]) for r in report.by_agency}
    assert by_agency == {agency.name: (3, 2, 2), other.name: (1, 1, 0)}
    assert {r["offering_code"] for r in report.by_offering} >= {"PCC-114-01"}


def test_certification_report_is_scoped_to_the_agency(procurement):
    agency, other, track = procurement
    (row,) = build_certification_report(year=2025, agency=other).by_track
    assert (row["trained"], row["sat"], row["passed"]) == (1, 1, 0)


def test_center_statistics_count_classes_completions_and_person_days(procurement):
    report = build_center_report(year=2025)
    assert report.total == {"classes": 2, "completions": 6, "person_days": 20, "hours": 124}
    by_modality = {r["modality"]: (r["classes"], r["completions"], r["person_days"]) for r in report.by_modality}
    assert by_modality == {"classroom": (1, 4, 20), "elearning": (1, 2, 0)}
    assert [m["completions"] for m in report.by_month][2:6] == [4, 0, 0, 2]


def test_center_report_averages_satisfaction_per_offering_and_scopes_it_to_the_agency():
    from courses.models import CourseEvaluation, Enrollment

    mine, theirs = AgencyFactory(code="M"), AgencyFactory(code="T")
    offering = OfferingFactory(
        code="SAT-114-01",
        course=CourseFactory(code="SAT", title="滿意度課程"),
        start_date=dt.date(2025, 5, 5),
        end_date=dt.date(2025, 5, 5),
    )
    for agency, score in ((mine, 5), (mine, 4), (theirs, 1)):
        enrollment = Enrollment.objects.create(
            person=PersonFactory(agency=agency), offering=offering, status=Enrollment.Status.COMPLETED
        )
        CourseEvaluation.objects.create(enrollment=enrollment, satisfaction=score)

    city_wide = build_center_report(year=2025).satisfaction
    expected = {"offering_code": "SAT-114-01", "course_title": "滿意度課程"}
    assert city_wide == [{**expected, "average": 3.33, "responses": 3}]
    agency_only = build_center_report(year=2025, agency=mine).satisfaction
    assert agency_only == [{**expected, "average": 4.5, "responses": 2}]
    assert build_center_report(year=2024).satisfaction == []


def test_the_barred_are_shown_and_left_out_of_the_pass_rates(django_capture_on_commit_callbacks):
    """5 trained, 90% attendance needed: one attended 25 of 30 hours (barred) yet passed by staff override."""
    course = CourseFactory(code="PCC-B", title="採購基礎班")
    track = TrackFactory(code="PCC", name="政府採購專業人員", min_attendance_percent=90)
    track.required_courses.add(course)
    track.save()
    offering = OfferingFactory(
        code="PCC-114-01", course=course, start_date=dt.date(2025, 3, 3), end_date=dt.date(2025, 3, 7)
    )
    people = [PersonFactory() for _ in range(5)]
    attended = [30, 30, 28, 27, 25]  # 27 of 30 is exactly 90%: not barred; 25 is barred
    statements = [
        make_statement(p, offering=offering, hours=h, scheduled=30, at=at(3, 7))
        for p, h in zip(people, attended, strict=True)
    ]
    statements += [
        make_statement(people[0], "passed", track=track, offering=offering, score=85, at=at(4, 1)),
        make_statement(people[1], "failed", track=track, offering=offering, score=60, at=at(4, 1)),
        make_statement(people[4], "passed", track=track, offering=offering, score=90, at=at(4, 1)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        record(statements)

    (row,) = build_certification_report(year=2025).by_track
    assert (row["trained"], row["barred"], row["sat"], row["passed"]) == (5, 1, 3, 2)
    assert row["pass_rate_sat"] == 0.5  # 1 passed of 2 who sat, the barred one left out
    assert row["pass_rate_trained"] == 0.25  # 1 of the 4 not barred
