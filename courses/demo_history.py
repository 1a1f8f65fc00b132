"""A year and a half of demo learning history, made through the same doors real records come in by.

- Outside e-learning platforms post completion statements to the LRS (`xapi.api.record_statements`
  with the platform's own credential); staff have mapped their activities to catalog courses, so
  `courses/services/external.py` credits them as it does in production.
- Classroom offerings that have ended get a roster file (員工編號, 日期, 出席狀態, 出席分鐘數) imported by
  `courses/services/imports.import_roster_file`; remote offerings get one Microsoft Teams or Zoom
  attendance report per session day through `import_meeting_report` (guests who match no learner go
  to the review list). Completions, certificates (研習證明) and statements follow from those services.
- The procurement exam's result file is imported with `import_assessment_results`; the cyber-security
  written test is entered as staff do on the results page (`record_assessment_result`).
- Evaluations (訓後滿意度) are stored for part of the completed enrolments.
- Four extra cohorts of the yearly cyber-security certificate class (CERTIFICATE_COHORTS) are dated
  so that certificates have expired, were renewed before expiry, and expire within 30 and within 90
  days of today: the expiring-certificates report and 我的學習 show every state.

The history describes the past: `load_demo` loads it inside `notices.suppression.notices_suppressed`
(courses does not import notices), then `load_present` (the demo trainee's running enrolments),
whose notices do go out.

Deterministic: every draw comes from seeded generators keyed on the person, course or offering, and
dates are counted from `today`. Idempotent: each offering, batch of statements and exam is skipped
once it is in the database, so a rerun (or a run after an interruption) adds only what is missing.
The figures it aims at (docs/demo.md): compliance between about 60% and 98% by agency and rule.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import random
import uuid
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from courses import vocabulary as v
from courses.models import (
    Assessment,
    AssessmentResult,
    Attendance,
    Certificate,
    Course,
    CourseEvaluation,
    Enrollment,
    ExternalActivity,
    Modality,
    Offering,
)
from courses.services.certification import barred_reasons, record_assessment_result
from courses.services.enrollment import eligibility_problems
from courses.services.external import map_external_activity
from courses.services.imports import import_assessment_results, import_meeting_report, import_roster_file
from courses.services.renewal import renew_certificate, renewal_progress
from lms.people.models import Person
from xapi import api as xapi_api

logger = logging.getLogger(__name__)

NAMESPACE = uuid.UUID("5b0a6a52-9d51-4c43-9a1e-2c4b3f6e1d15")
HISTORY_MONTHS = 18

# (credential name, account homePage of the platform's learners, activity IRI prefix)
PLATFORMS = [
    ("e等公務園+學習平臺", "https://elearn.hrd.gov.tw", "https://elearn.hrd.gov.tw/mooc/course/"),
    ("臺北e大數位學習網", "https://elearning.taipei", "https://elearning.taipei/mpage/course/"),
]

# The city's annual compulsory e-learning bundle, taken by most diligent people, then one elective
# (weights) that brings their work-related hours to 20; the less diligent pick single courses instead.
BUNDLE = ("ANN-101", 0)
ELECTIVES = [("AI-104", 0, 50), ("ENG-103", 1, 35), ("PROC-102", 0, 10), ("LAW-A2", 1, 5)]
ELECTIVE_SHARE = 0.93
PIECEMEAL = [("GM-101", 0, 0.55), ("POL-101", 0, 0.6), ("CYB-102", 1, 0.5), ("NZ-102", 0, 0.3)]
# The demo trainee met every rule last year and has gaps this year, so 我的學習 has something to suggest
# (False: the history's first year, True: the running year).
DEMO_TRAINEE = "E0000001"
TRAINEE_PLAN = {False: [BUNDLE, ("AI-104", 0)], True: [("GM-101", 0), ("POL-101", 0)]}
MAPPED = [BUNDLE, *[(c, p) for c, p, _w in ELECTIVES], *[(c, p) for c, p, _s in PIECEMEAL]]

# An activity no one has mapped yet (staff's review queue) and one accepted as an outside course.
PENDING_ACTIVITY = ("https://elearn.hrd.gov.tw/mooc/course/ltc-2030", "高齡社會與長期照顧 2.0")
PENDING_LEARNER = "E0000002"  # whatever the city's size, someone has taken the unmapped course
ACCEPTED_ACTIVITY = ("https://elearning.taipei/mpage/course/reading-club", "公務人員讀書會：閱讀推廣", Decimal(2))

# The cyber-security certificate (CYB-GEN) is valid 12 months from its test, taken on the class's
# last day. Cohorts of its class whose last day is (12 months - N days) ago hold certificates that
# expire N days from today: (term, N). Of the -60 cohort, those who had earned the 3 hours were
# renewed 25 days before expiry (renew_certificate, as staff do: 已換證 and a new 有效 one), the others
# expired two months ago; the -20 cohort was left unrenewed, so its certificates expired 20 days
# ago (the expired notice is still due). The demo trainee is in the 30-day cohort (即將到期).
CYBER_CLASS = "CYB-101"
CERTIFICATE_COHORTS = [(91, -60), (92, -20), (93, 20), (94, 60)]
RENEWED_COHORT = 91
TRAINEE_COHORT = 93


def _rng(*key) -> random.Random:
    return random.Random(":".join(str(k) for k in key))  # noqa: S311 — demo data, not security


def _agency_diligence(agency_code: str) -> float:
    """How keen an agency's staff are: 0.62–0.99, so agency compliance rates spread from ~60% to ~98%."""
    return 0.62 + 0.37 * _rng("agency", agency_code).random()


def history_start(today: dt.date) -> dt.date:
    month = today.month - HISTORY_MONTHS % 12
    year = today.year - HISTORY_MONTHS // 12 - (1 if month <= 0 else 0)
    return dt.date(year, month + 12 if month <= 0 else month, 1)


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def load_history(*, staff_user, today: dt.date | None = None) -> dict[str, int]:
    """Load what is missing of the history; returns counts of what this run added.

    Everything here happened before today: load it with notices suppressed (load_demo does).
    """
    today = today or timezone.localdate()
    start = history_start(today)
    counts = {"offerings": _ensure_past_offerings(today, start) + _ensure_certificate_cohorts(today)}
    counts["classes"] = _load_classes(today, start, staff_user)
    counts["statements"] = _load_platform_statements(today, start, staff_user)
    counts["results"] = _load_exam_results(today, staff_user)
    counts["renewed"] = _renew_cohort(today)
    return counts


def load_present(*, today: dt.date | None = None) -> None:
    """What happens today, after the history: the demo trainee enrols in a course and a class."""
    _load_trainee_enrolments(today or timezone.localdate())


# --- Catalog of the past year ------------------------------------------------------------------


def _ensure_past_offerings(today: dt.date, start: dt.date) -> int:
    """Offerings of last year's second half (the catalog in courses/demo.py covers this year)."""
    from courses.demo import _create_offering

    created = 0
    last_year = today.year - 1
    roc = last_year - 1911
    for index, course in enumerate(Course.objects.order_by("code")):
        code = f"{roc}-{course.code}-01"
        if Offering.objects.filter(code=code).exists():
            continue
        first = max(start, dt.date(last_year, 1, 1))
        span = (dt.date(last_year, 11, 20) - first).days
        begin = first + dt.timedelta(days=(index * 37) % max(span, 1))
        # An e-learning offering runs the whole year (_create_offering moves it to 1 January).
        _create_offering(course, code=code, term=1, start=begin, rng=_rng("offering", code))
        created += 1
    return created


def _cohort(term: int, today: dt.date) -> tuple[str, dt.date]:
    """A cohort's offering code (ROC year of its last day) and the latest its last day may be."""
    days_to_expiry = dict(CERTIFICATE_COHORTS)[term]
    last_day = today - relativedelta(months=12) + dt.timedelta(days=days_to_expiry)
    return f"{last_day.year - 1911}-{CYBER_CLASS}-{term}", last_day


def _ensure_certificate_cohorts(today: dt.date) -> int:
    """The cyber-security classes whose certificates expire at CERTIFICATE_COHORTS' distances from today."""
    from courses.demo import _create_offering, _sessions_for

    course = Course.objects.filter(code=CYBER_CLASS).first()
    if course is None:
        return 0
    created = 0
    for term, _days_to_expiry in CERTIFICATE_COHORTS:
        code, last_day = _cohort(term, today)
        if Offering.objects.filter(code=code).exists():
            continue
        begin = last_day
        while _sessions_for(begin, course.credit_hours)[-1][0] > last_day:
            begin -= dt.timedelta(days=1)
        _create_offering(course, code=code, term=term, start=begin, rng=_rng("offering", code))
        created += 1
    return created


def _renew_cohort(today: dt.date) -> int:
    """RENEWED_COHORT's certificates were renewed 25 days before expiry where the holder had the hours."""
    offering = Offering.objects.filter(code=_cohort(RENEWED_COHORT, today)[0]).first()
    if offering is None:
        return 0
    taken_on = offering.end_date
    certificates = Certificate.objects.filter(
        kind=Certificate.Kind.CERTIFICATION,
        track__code="CYB-GEN",
        person__enrollments__offering=offering,
        valid_until=taken_on + relativedelta(months=12),
        superseded_at__isnull=True,
        revoked_at__isnull=True,
    ).select_related("track")
    now = _aware(taken_on + relativedelta(months=12) - dt.timedelta(days=25), 10)
    renewed = 0
    for certificate in certificates.order_by("number"):
        progress = renewal_progress(certificate)
        if progress is not None and progress.is_met():
            renew_certificate(certificate=certificate, now=now)
            renewed += 1
    return renewed


# --- Classroom and remote classes: rosters and meeting reports -----------------------------------

ROSTER_STATUS = [("出席", 86), ("遲到", 6), ("早退", 4), ("缺席", 4)]


def _class_size(offering: Offering) -> int:
    rng = _rng("size", offering.code)
    if offering.hours > 24:
        return min(offering.capacity, 16 + rng.randint(0, 6))
    return min(offering.capacity, rng.randint(14, 26))


def _pick_people(offering: Offering, people: list[Person], size: int) -> list[Person]:
    rng = _rng("pick", offering.code)
    chosen: list[Person] = []
    seen: set[int] = set()
    restricted = bool(
        offering.course.eligible_rank_series
        or offering.course.min_grade
        or offering.course.supervisors_only
        or offering.course.eligible_agency_kinds
        or offering.course.prerequisites.exists()
    )
    trainee = next((p for p in people if p.employee_number == DEMO_TRAINEE), None)
    if trainee is not None and offering.code.endswith(f"-{CYBER_CLASS}-{TRAINEE_COHORT}"):
        # The demo trainee holds a certificate about to expire (我的學習 shows 即將到期 and the hours to renew).
        chosen.append(trainee)
        seen.add(trainee.pk)
    for _attempt in range(size * (40 if restricted else 3)):
        person = people[rng.randrange(len(people))]
        if person.pk in seen:
            continue
        seen.add(person.pk)
        if restricted and eligibility_problems(person=person, course=offering.course):
            continue
        chosen.append(person)
        if len(chosen) >= size:
            break
    return chosen


def _load_classes(today: dt.date, start: dt.date, staff_user) -> int:
    people = list(Person.objects.filter(is_active=True).select_related("agency").order_by("employee_number"))
    offerings = (
        Offering.objects.filter(start_date__gte=start, end_date__lt=today, is_cancelled=False)
        .exclude(modality=Modality.ELEARNING)
        .select_related("course")
        .order_by("start_date", "code")
    )
    loaded = 0
    for offering in offerings:
        if Attendance.objects.filter(session__offering=offering).exists():
            continue
        with transaction.atomic():
            enrollments = list(offering.enrollments.filter(status=Enrollment.Status.ENROLLED).select_related("person"))
            if not enrollments:
                opens = offering.enrollment_opens
                enrollments = Enrollment.objects.bulk_create(
                    Enrollment(
                        person=p,
                        offering=offering,
                        status=Enrollment.Status.ENROLLED,
                        created_at=opens + dt.timedelta(hours=i),
                    )
                    for i, p in enumerate(_pick_people(offering, people, _class_size(offering)))
                )
            if not enrollments:
                continue
            if offering.modality == Modality.REMOTE:
                for number, session in enumerate(offering.sessions.order_by("date", "start_time")):
                    report = _teams_report if number % 2 == 0 else _zoom_report
                    import_meeting_report(
                        session=session, uploaded=report(session, enrollments), recorded_by=staff_user
                    )
            else:
                import_roster_file(
                    offering=offering, uploaded=_roster_file(offering, enrollments), recorded_by=staff_user
                )
            _evaluations(offering)
        loaded += 1
    return loaded


def _roster_file(offering: Offering, enrollments: list[Enrollment]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["員工編號", "日期", "出席狀態", "出席分鐘數"])
    for session in offering.sessions.order_by("date", "start_time"):
        for enrollment in enrollments:
            rng = _rng("roster", offering.code, session.date, enrollment.person.employee_number)
            status = rng.choices([s for s, _w in ROSTER_STATUS], weights=[w for _s, w in ROSTER_STATUS])[0]
            minutes = session.minutes - rng.choice([20, 30, 45, 60]) if status in ("遲到", "早退") else ""
            roc_date = f"{session.date.year - 1911}/{session.date.month:02d}/{session.date.day:02d}"
            writer.writerow([enrollment.person.employee_number, roc_date, status, minutes])
    return SimpleUploadedFile(f"roster-{offering.code}.csv", ("\ufeff" + out.getvalue()).encode("utf-8"))


def _attended_minutes(session, person: Person) -> int:
    rng = _rng("meeting", session.pk, person.employee_number)
    draw = rng.random()
    if draw < 0.05:
        return 0
    if draw < 0.13:
        return session.minutes - rng.choice([25, 40, 70])
    return session.minutes + rng.randint(0, 8)  # joined a little early: capped at the session by the import


def _teams_report(session, enrollments: list[Enrollment]) -> SimpleUploadedFile:
    lines = [
        "1. Summary",
        f"Meeting title\t{session.offering.course.title}",
        "",
        "2. Participants",
        "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tRole",
    ]
    begin = dt.datetime.combine(session.date, session.start_time)
    for enrollment in enrollments:
        minutes = _attended_minutes(session, enrollment.person)
        if not minutes:
            continue
        end = begin + dt.timedelta(minutes=minutes)
        lines.append(
            f"{enrollment.person.name}\t{begin:%m/%d/%y, %I:%M:%S %p}\t{end:%m/%d/%y, %I:%M:%S %p}\t"
            f"{minutes // 60}h {minutes % 60}m 0s\t{enrollment.person.email}\tAttendee"
        )
    lines.append(f"訪客 (iPhone)\t{begin:%m/%d/%y, %I:%M:%S %p}\t{begin:%m/%d/%y, %I:%M:%S %p}\t0h 35m 0s\t\tAttendee")
    lines += ["", "3. In-Meeting Activities", "Name\tJoin Time\tLeave Time\tDuration"]
    data = "\n".join(lines).encode("utf-16")
    return SimpleUploadedFile(f"teams-{session.offering.code}-{session.date}.csv", data)


def _zoom_report(session, enrollments: list[Enrollment]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest"])
    begin = dt.datetime.combine(session.date, session.start_time)
    for enrollment in enrollments:
        minutes = _attended_minutes(session, enrollment.person)
        if not minutes:
            continue
        # Some learners reconnect once: Zoom lists each join on its own row.
        first = minutes // 2 if _rng("reconnect", session.pk, enrollment.pk).random() < 0.2 else minutes
        for part_start, part in ((0, first), (first, minutes - first)):
            if part <= 0:
                continue
            joined = begin + dt.timedelta(minutes=part_start)
            writer.writerow(
                [
                    enrollment.person.name,
                    enrollment.person.email,
                    f"{joined:%m/%d/%Y %I:%M:%S %p}",
                    f"{joined + dt.timedelta(minutes=part):%m/%d/%Y %I:%M:%S %p}",
                    part,
                    "No",
                ]
            )
    return SimpleUploadedFile(f"zoom-{session.offering.code}-{session.date}.csv", out.getvalue().encode("utf-8"))


COMMENTS = ["課程內容實用，講座講解清楚。", "希望增加實作時間。", "案例貼近業務，收穫很多。", "", "", "場地冷氣太冷。"]


def _evaluations(offering: Offering) -> None:
    """About two thirds of those who completed fill in the satisfaction survey."""
    rows = []
    for enrollment in offering.enrollments.filter(status=Enrollment.Status.COMPLETED, evaluation__isnull=True):
        rng = _rng("evaluation", enrollment.pk)
        if rng.random() > 0.68:
            continue
        evaluation = CourseEvaluation(
            enrollment=enrollment,
            satisfaction=rng.choices([5, 4, 3, 2], weights=[48, 38, 11, 3])[0],
            comment=rng.choice(COMMENTS),
            submitted_at=_aware(offering.end_date + dt.timedelta(days=rng.randint(0, 6)), 18),
        )
        evaluation.full_clean(validate_unique=False, validate_constraints=False)
        rows.append(evaluation)
    CourseEvaluation.objects.bulk_create(rows)


# --- Outside platforms' statements ---------------------------------------------------------------


def _activity_iri(course_code: str, platform: int) -> str:
    return f"{PLATFORMS[platform][2]}{course_code}"


def _map_activities(staff_user) -> None:
    """Staff have mapped the platforms' activities to catalog courses (and decided on two more)."""
    for code, platform in MAPPED:
        course = Course.objects.get(code=code)
        activity, _created = ExternalActivity.objects.get_or_create(
            activity_iri=_activity_iri(code, platform),
            defaults={"title": course.title, "platform": PLATFORMS[platform][0]},
        )
        if activity.status != ExternalActivity.Status.MAPPED:
            map_external_activity(
                activity=activity, status=ExternalActivity.Status.MAPPED, by_user=staff_user, course=course
            )
    iri, title, hours = ACCEPTED_ACTIVITY
    activity, _created = ExternalActivity.objects.get_or_create(
        activity_iri=iri, defaults={"title": title, "platform": PLATFORMS[1][0]}
    )
    if activity.status != ExternalActivity.Status.ACCEPTED:
        map_external_activity(
            activity=activity, status=ExternalActivity.Status.ACCEPTED, by_user=staff_user, hours=hours
        )


def _statement(*, person: Person, platform: int, iri: str, title: str, hours: Decimal, at: dt.datetime) -> dict:
    name, home_page, _prefix = PLATFORMS[platform]
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"{iri}|{person.employee_number}|{at.year}")),
        "actor": {
            "objectType": "Agent",
            "name": person.name,
            "account": {"homePage": home_page, "name": person.employee_number},
        },
        "verb": {"id": v.Verbs.COMPLETED, "display": {"zh-TW": "完成", "en-US": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": iri,
            "definition": {"name": {"zh-TW": title}, "type": "http://adlnet.gov/expapi/activities/course"},
        },
        "result": {"completion": True, "success": True, "duration": f"PT{int(hours * 60)}M"},
        "context": {"platform": name, "language": "zh-TW"},
        "timestamp": at.isoformat(),
    }


def _person_plan(
    person: Person, year: int, start: dt.date, end: dt.date, courses: dict[str, Course], *, running: bool
) -> list[dict]:
    """The outside completions one person has in one year, between start and end."""
    rng = _rng("plan", person.employee_number, year)
    diligence = min(1.0, _agency_diligence(person.agency.code) * (0.92 + 0.14 * rng.random()))
    if not running:
        diligence *= 0.92  # the history's first year holds only its second half
    span = (end - start).days
    picks = []
    if person.employee_number == DEMO_TRAINEE:
        picks = list(TRAINEE_PLAN[running])
    elif rng.random() < diligence:
        picks.append(BUNDLE)
        if rng.random() < ELECTIVE_SHARE:
            code, platform, _weight = rng.choices(ELECTIVES, weights=[w for _c, _p, w in ELECTIVES])[0]
            picks.append((code, platform))
    else:
        picks += [(code, platform) for code, platform, share in PIECEMEAL if rng.random() < share * diligence]
    if rng.random() < 0.04:
        picks.append((None, 1))  # the accepted outside course (reading club)
    if rng.random() < 0.01 or person.employee_number == PENDING_LEARNER:
        picks.append(("pending", 0))
    statements = []
    for code, platform in picks:
        day = start + dt.timedelta(days=rng.randint(0, max(span, 0)))
        at = _aware(day, rng.randint(8, 21), rng.randint(0, 59))
        if code is None:
            iri, title, hours = ACCEPTED_ACTIVITY
        elif code == "pending":
            (iri, title), hours = PENDING_ACTIVITY, Decimal(2)
        else:
            iri, title, hours = _activity_iri(code, platform), courses[code].title, courses[code].credit_hours
        statements.append(_statement(person=person, platform=platform, iri=iri, title=title, hours=hours, at=at))
    return statements


BATCH = 250


def _load_platform_statements(today: dt.date, start: dt.date, staff_user) -> int:
    _map_activities(staff_user)
    credentials = [
        xapi_api.get_or_create_credential(name, ["statements/write", "statements/read"])[0]
        for name, _home, _prefix in PLATFORMS
    ]
    codes = {code for code, _p in MAPPED}
    courses = {c.code: c for c in Course.objects.filter(code__in=codes)}
    people = list(Person.objects.filter(is_active=True).select_related("agency").order_by("employee_number"))
    yesterday = today - dt.timedelta(days=1)
    posted = 0
    for year in range(start.year, today.year + 1):
        first, last = max(start, dt.date(year, 1, 1)), min(yesterday, dt.date(year, 12, 31))
        by_platform: dict[int, list[dict]] = {0: [], 1: []}
        for person in people:
            for statement in _person_plan(person, year, first, last, courses, running=year == today.year):
                platform = 0 if statement["actor"]["account"]["homePage"] == PLATFORMS[0][1] else 1
                by_platform[platform].append(statement)
        for platform, statements in by_platform.items():
            statements.sort(key=lambda s: s["timestamp"])
            for begin in range(0, len(statements), BATCH):
                batch = statements[begin : begin + BATCH]
                if xapi_api.get_statement(batch[0]["id"]) or xapi_api.get_statement(batch[-1]["id"]):
                    continue  # posted by an earlier run
                # Crediting runs when this transaction commits (the receivers of statements_stored).
                with transaction.atomic():
                    xapi_api.record_statements(batch, authority=credentials[platform].authority)
                posted += len(batch)
    return posted


# --- Exams -------------------------------------------------------------------------------------


def _load_exam_results(today: dt.date, staff_user) -> int:
    recorded = 0
    procurement = Assessment.objects.filter(track__code="PROC-BASIC").first()
    if procurement is not None and not AssessmentResult.objects.filter(assessment=procurement).exists():
        enrollments = (
            Enrollment.objects.filter(offering__course__code="PROC-101", status=Enrollment.Status.COMPLETED)
            .select_related("person", "offering")
            .order_by("offering__end_date", "person__employee_number")
        )
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["員工編號", "分數", "測驗日期", "科目分數"])
        rows = 0
        for enrollment in enrollments:
            taken_on = enrollment.offering.end_date + dt.timedelta(days=14)
            if taken_on >= today:
                continue
            if barred_reasons(person=enrollment.person, track=procurement.track):
                continue  # missed more than 1/10 of the hours: barred from the exam (docs/domain.md §6)
            rng = _rng("procurement", enrollment.person.employee_number)
            law, practice = min(100, int(rng.gauss(76, 12))), min(100, int(rng.gauss(74, 14)))
            if rng.random() < 0.05:
                practice = 0  # a zero in any subject fails whatever the total (shared rules of 工程會)
            writer.writerow(
                [
                    enrollment.person.employee_number,
                    (law + practice) // 2,
                    taken_on.isoformat(),
                    f"採購法規:{max(law, 0)};採購實務:{max(practice, 0)}",
                ]
            )
            rows += 1
        if rows:
            uploaded = SimpleUploadedFile("pcc-results.csv", ("\ufeff" + out.getvalue()).encode("utf-8"))
            recorded += import_assessment_results(assessment=procurement, uploaded=uploaded, recorded_by=staff_user)
    cyber = Assessment.objects.filter(track__code="CYB-GEN").first()
    if cyber is not None:
        # Per person, so classes added to the history later (the certificate cohorts) get their test.
        tested = set(AssessmentResult.objects.filter(assessment=cyber).values_list("person_id", "taken_on"))
        enrollments = (
            Enrollment.objects.filter(offering__course__code="CYB-101", status=Enrollment.Status.COMPLETED)
            .select_related("person", "offering")
            .order_by("offering__end_date", "person__employee_number")
        )
        for enrollment in enrollments:
            taken_on = enrollment.offering.end_date
            if (enrollment.person_id, taken_on) in tested:
                continue
            if barred_reasons(person=enrollment.person, track=cyber.track):
                continue  # attended too little to sit the test
            rng = _rng("cyber", enrollment.person.employee_number)
            with transaction.atomic():
                record_assessment_result(
                    person=enrollment.person,
                    assessment=cyber,
                    score=Decimal(min(100, int(rng.gauss(80, 11)))),
                    taken_on=taken_on,
                    recorded_by=staff_user,
                    now=_aware(taken_on, 17),
                )
            recorded += 1
    return recorded


# --- The demo trainee's running enrolments -------------------------------------------------------


def _load_trainee_enrolments(today: dt.date) -> None:
    """An e-learning course (launch link) and the next remote class (meeting link) for the demo trainee."""
    from courses.services.enrollment import enroll_person

    person = Person.objects.filter(employee_number=DEMO_TRAINEE).select_related("agency").first()
    if person is None:
        return
    now = timezone.now()
    wanted = [
        Offering.objects.filter(course__code="CYB-102", start_date__year=today.year).first(),
        Offering.objects.filter(
            modality=Modality.REMOTE,
            start_date__gt=today,
            is_cancelled=False,
            enrollment_opens__lte=now,
            enrollment_closes__gte=now,
        )
        .order_by("start_date", "code")
        .first(),
    ]
    for offering in wanted:
        if offering is None or offering.enrollments.filter(person=person).exists():
            continue
        if offering.is_open_for_enrollment(now) and not eligibility_problems(person=person, course=offering.course):
            enroll_person(offering=offering, person=person)
