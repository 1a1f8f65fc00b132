"""Reads of the catalog, shared by the public pages, the admin and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Prefetch, Q
from django.utils import timezone

from courses import trainee_home
from courses.models import (
    Attendance,
    Certificate,
    Course,
    CourseEvaluation,
    Enrollment,
    LeaveKind,
    Modality,
    Offering,
    Session,
)


def roster_enrollments(*, offering: Offering, session: Session | None) -> list[Enrollment]:
    """The offering's enrolments that hold or await a place, each with `current`: its current
    attendance of `session` (or None)."""
    enrollments = list(
        offering.enrollments.exclude(status__in=[Enrollment.Status.CANCELLED, Enrollment.Status.REJECTED])
        .select_related("person__agency")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.filter(is_current=True)))
        .order_by("status", "created_at")
    )
    for enrollment in enrollments:
        current = {a.session_id: a for a in enrollment.attendances.all()}
        enrollment.current = current.get(session.pk) if session else None
    return enrollments


def nomination_state(*, offering: Offering, people, officer_user) -> tuple[set[int], object]:
    """For the officer's nomination page: which of `people` already hold an active enrolment in
    the offering (ids), and the enrolments this officer nominated."""
    taken = set(
        offering.enrollments.exclude(status__in=[Enrollment.Status.CANCELLED, Enrollment.Status.REJECTED])
        .filter(person__in=[p.pk for p in people])
        .values_list("person_id", flat=True)
    )
    nominated = offering.enrollments.filter(nominated_by=officer_user).select_related("person")
    return taken, nominated


def upcoming_offerings(*, course: Course, today=None):
    """A course's offerings that have not ended, with `seats_left` annotated, soonest first."""
    return Offering.objects.filter(course=course).upcoming_with_seats(today)


DESK_PERIODS = ("upcoming", "past", "all")


def desk_offerings(*, query: str = "", modality: str = "", period: str = "upcoming", today=None):
    """The training desk's offerings: by code or course title, modality and period, with seats annotated.

    Upcoming (not ended, not cancelled) soonest first; past and all latest first.
    """
    today = today or timezone.localdate()
    offerings = Offering.objects.select_related("course").with_seats()
    if query.strip():
        offerings = offerings.filter(Q(code__icontains=query.strip()) | Q(course__title__icontains=query.strip()))
    if modality in Modality.values:
        offerings = offerings.filter(modality=modality)
    if period == "past":
        return offerings.filter(end_date__lt=today).order_by("-start_date", "code")
    if period == "all":
        return offerings.order_by("-start_date", "code")
    return offerings.upcoming(today).order_by("start_date", "code")


# --- Learning records ---------------------------------------------------------------------------


def learning_record_in_year(*, person, year: int) -> list[trainee_home.RecordLine]:
    """A person's credited learning of `year` (Taipei time) as the reports count it: the projection,
    through the source reports registers (courses/trainee_home.py, docs/trainee-home.md)."""
    return trainee_home.learning_record(person=person, year=year)


def hours_summary(lines) -> dict:
    """Total hours and hours per modality and per category (competency axis) of a year's record lines."""
    by_modality: dict[str, Decimal] = {}
    by_category: dict[str, Decimal] = {}
    total = Decimal(0)
    for line in lines:
        total += line.credited_hours
        by_modality[line.modality_label] = by_modality.get(line.modality_label, Decimal(0)) + line.credited_hours
        category = line.category or "其他"
        by_category[category] = by_category.get(category, Decimal(0)) + line.credited_hours
    return {"total": total, "by_modality": by_modality, "by_category": by_category}


CURRENT_STATUSES = (Enrollment.Status.ENROLLED, Enrollment.Status.PENDING_APPROVAL, Enrollment.Status.WAITLISTED)
FINISHED_STATUSES = (Enrollment.Status.COMPLETED, Enrollment.Status.NOT_COMPLETED)


def my_enrollments(*, person, statuses=CURRENT_STATUSES, year: int | None = None):
    """A person's enrolments in `statuses` (by default the running ones: enrolled, pending, waitlisted),
    newest offering first, with the waitlist position and whether the evaluation is still to fill in.
    `year` keeps the offerings that ended in that year (the history of past years)."""
    enrollments = Enrollment.objects.filter(person=person, status__in=statuses)
    if year is not None:
        enrollments = enrollments.filter(offering__end_date__year=year)
    enrollments = list(
        enrollments.select_related("offering__course")
        .prefetch_related("offering__sessions")
        .order_by("-offering__start_date")
    )
    evaluated = set(Enrollment.objects.filter(person=person, evaluation__isnull=False).values_list("pk", flat=True))
    for enrollment in enrollments:
        enrollment.waitlist_position = waitlist_position(enrollment)
        completed = enrollment.status == Enrollment.Status.COMPLETED
        enrollment.needs_evaluation = completed and enrollment.pk not in evaluated
    return enrollments


@dataclass
class JoinLink:
    """How a trainee reaches a class online: the e-learning platform's course page or a session's meeting."""

    url: str
    is_elearning: bool
    session: Session | None = None
    opens_at: dt.datetime | None = None  # the meeting link shows from this moment (None: shown now)

    @property
    def is_open(self) -> bool:
        return self.opens_at is None


def join_link(enrollment, *, now: dt.datetime | None = None, lead_minutes: int | None = None) -> JoinLink | None:
    """The launch link of an enrolled e-learning class, or the meeting link of a remote class's next session.

    A meeting link is shown from `LMS_JOIN_LINK_LEAD_MINUTES` before the session until it ends; before
    that the page says when it will appear. Classroom classes and finished or unconfirmed enrolments have none.
    """
    offering = enrollment.offering
    if enrollment.status != Enrollment.Status.ENROLLED or not offering.meeting_url or offering.is_cancelled:
        return None
    if offering.modality == Modality.ELEARNING:
        return JoinLink(url=offering.meeting_url, is_elearning=True)
    now = now or timezone.now()
    lead = dt.timedelta(minutes=settings.LMS_JOIN_LINK_LEAD_MINUTES if lead_minutes is None else lead_minutes)
    tz = timezone.get_current_timezone()
    for session in sorted(offering.sessions.all(), key=lambda s: (s.date, s.start_time)):
        starts = dt.datetime.combine(session.date, session.start_time, tzinfo=tz)
        ends = dt.datetime.combine(session.date, session.end_time, tzinfo=tz)
        if ends < now:
            continue
        opens = starts - lead
        return JoinLink(
            url=offering.meeting_url, is_elearning=False, session=session, opens_at=None if now >= opens else opens
        )
    return None


def upcoming_sessions(*, person, today=None):
    today = today or timezone.localdate()
    return (
        Session.objects.filter(
            offering__enrollments__person=person,
            offering__enrollments__status=Enrollment.Status.ENROLLED,
            date__gte=today,
        )
        .select_related("offering__course")
        .order_by("date", "start_time")
    )


def my_certificates(*, person):
    return Certificate.objects.filter(person=person, revoked_at__isnull=True).select_related("track")


def satisfaction_by_offering(*, year: int | None = None, people=None):
    """Average satisfaction and response count per offering (訓後滿意度), for the center's reports.

    `year` keeps offerings that started in that year; `people` (a Person queryset) keeps the
    evaluations of those people only, so an agency's figure is about its own staff.
    """
    evaluations = CourseEvaluation.objects.all()
    if year is not None:
        evaluations = evaluations.filter(enrollment__offering__start_date__year=year)
    if people is not None:
        evaluations = evaluations.filter(enrollment__person__in=people)
    return (
        evaluations.values("enrollment__offering__code", "enrollment__offering__course__title")
        .annotate(average=Avg("satisfaction"), responses=Count("pk"))
        .order_by("enrollment__offering__code")
    )


def waitlist_position(enrollment) -> int | None:
    """1-based position on the offering's waitlist (first come, first served), or None."""
    if enrollment.status != Enrollment.Status.WAITLISTED:
        return None
    ahead = enrollment.offering.enrollments.filter(
        status=Enrollment.Status.WAITLISTED, created_at__lt=enrollment.created_at
    )
    same_time_ahead = enrollment.offering.enrollments.filter(
        status=Enrollment.Status.WAITLISTED, created_at=enrollment.created_at, pk__lt=enrollment.pk
    )
    return ahead.count() + same_time_ahead.count() + 1


def missed_hours_by_kind(*, offering_ids, person_ids) -> dict[tuple[int, int], dict[str, Decimal]]:
    """Hours missed per (offering, person) and leave kind, from the current attendance rows.

    A row without a leave kind (recorded before kinds existed, or left blank) counts as 缺課
    (docs/national-upload.md, 出勤上課狀況).
    """
    out: dict[tuple[int, int], dict[str, Decimal]] = {}
    rows = Attendance.objects.filter(
        is_current=True,
        enrollment__offering_id__in=set(offering_ids),
        enrollment__person_id__in=set(person_ids),
    ).select_related("session", "enrollment")
    for attendance in rows:
        missed = attendance.missed_hours
        if missed <= 0:
            continue
        kinds = out.setdefault((attendance.enrollment.offering_id, attendance.enrollment.person_id), {})
        kind = attendance.leave_kind or LeaveKind.ABSENCE
        kinds[kind] = kinds.get(kind, Decimal("0")) + missed
    return out
