"""Completions: credit hours with one LMS statement, void and replace on correction, decide classroom/remote outcomes.

Whatever the source (attendance, a meeting tool's report, an outside platform, an exam), a
credited completion is one Completion row plus one `completed` statement carrying the offering,
modality and credited hours (courses/vocabulary.py). Corrections void the statement and add a
new row; nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from courses import statements
from courses.models import Attendance, Completion, CompletionSource, Course, Enrollment, Modality, Offering
from lms.people.models import Person
from lms.people.roles import is_training_staff
from xapi import api as xapi_api

Status = Enrollment.Status
TENTH = Decimal("0.1")


def record_completion(
    *,
    person: Person,
    modality: str,
    source: str,
    credited_hours: Decimal,
    scheduled_hours: Decimal,
    completed_at: dt.datetime,
    course: Course | None = None,
    offering: Offering | None = None,
    enrollment: Enrollment | None = None,
    source_statement_id: uuid.UUID | None = None,
    external_title: str = "",
    external_activity: dict | None = None,
    attendance_percent: Decimal | None = None,
) -> Completion:
    """Store a completion and its `completed` statement together; the completion certificate follows."""
    from courses.services.certification import issue_completion_certificate

    completion = Completion(
        person=person,
        course=course or (offering.course if offering else None),
        offering=offering,
        enrollment=enrollment,
        modality=modality,
        source=source,
        credited_hours=Decimal(credited_hours).quantize(TENTH, rounding=ROUND_DOWN),
        scheduled_hours=Decimal(scheduled_hours).quantize(TENTH, rounding=ROUND_DOWN),
        completed_at=completed_at,
        source_statement_id=source_statement_id,
        external_title=external_title,
        statement_id=uuid.uuid4(),
    )
    completion.full_clean(validate_constraints=False)
    statement = statements.completed(
        completion, attendance_percent=attendance_percent, external_activity=external_activity
    )
    statement["id"] = str(completion.statement_id)
    with transaction.atomic():
        completion.save()
        xapi_api.record_statements([statement], authority=xapi_api.LMS_AUTHORITY)
        if offering is not None:
            issue_completion_certificate(completion=completion)
    return completion


def void_completion(
    *, completion: Completion, now: dt.datetime | None = None, statement_already_voided: bool = False
) -> Completion:
    """Void the completion's statement in the LRS and mark the row voided; its certificate is revoked.

    `statement_already_voided`: the LRS already voided it (a voiding statement from elsewhere),
    so only the row and its certificate follow.
    """
    now = now or timezone.now()
    with transaction.atomic():
        completion = Completion.objects.select_for_update().get(pk=completion.pk)
        if completion.voided_at:
            return completion
        if not statement_already_voided:
            xapi_api.void_statement(completion.statement_id, timestamp=now)
        completion.voided_at = now
        completion.save(update_fields=["voided_at"])
        completion.certificates.filter(revoked_at__isnull=True).update(revoked_at=now)
    return completion


def revoke_completion(*, completion: Completion, by_user, now: dt.datetime | None = None) -> Completion:
    """Staff correct a wrong credit (e.g. an outside statement about the wrong person): void it, no replacement.

    The enrolment, if any, is no longer completed. Re-marking attendance decides it again.
    """
    if not is_training_staff(by_user):
        raise PermissionDenied
    with transaction.atomic():
        completion = void_completion(completion=completion, now=now)
        enrollment = completion.enrollment
        if enrollment is not None and not enrollment.completions.filter(voided_at__isnull=True).exists():
            enrollment.status = Status.NOT_COMPLETED
            enrollment.save(update_fields=["status", "updated_at"])
    return completion


def attendance_summary(enrollment: Enrollment) -> dict:
    """Scheduled and attended minutes over the offering's sessions, and whether every session has a record."""
    sessions = list(enrollment.offering.sessions.all())
    current = {a.session_id: a for a in Attendance.objects.filter(enrollment=enrollment, is_current=True)}
    scheduled = sum(s.minutes for s in sessions)
    attended = sum(current[s.pk].minutes for s in sessions if s.pk in current)
    return {
        "scheduled_minutes": scheduled,
        "attended_minutes": attended,
        "complete": bool(sessions) and all(s.pk in current for s in sessions),
        "percent": (Decimal(attended * 100) / scheduled).quantize(TENTH, rounding=ROUND_DOWN) if scheduled else None,
    }


def evaluate_enrollment(*, enrollment: Enrollment, now: dt.datetime | None = None) -> Completion | None:
    """Decide a classroom or remote enrolment once every session day has attendance.

    Completion needs the offering's attendance threshold (percent of scheduled hours); the hours
    credited are the hours attended, never more than the offering's hours. Re-deciding after a
    correction voids the previous completion only if the outcome or the hours changed.
    """
    now = now or timezone.now()
    enrollment = Enrollment.objects.select_related("offering__course", "person").get(pk=enrollment.pk)
    if enrollment.status not in (Status.ENROLLED, Status.COMPLETED, Status.NOT_COMPLETED):
        return None
    summary = attendance_summary(enrollment)
    if not summary["complete"]:
        return None
    offering = enrollment.offering
    passed = summary["percent"] >= offering.attendance_threshold
    credited = min(Decimal(summary["attended_minutes"]) / 60, offering.hours).quantize(TENTH, rounding=ROUND_DOWN)
    current = enrollment.completions.filter(voided_at__isnull=True).first()
    with transaction.atomic():
        if current is not None and passed and current.credited_hours == credited:
            return current
        if current is not None:
            void_completion(completion=current, now=now)
        completion = None
        if passed:
            last_session = offering.sessions.order_by("-date", "-end_time").first()
            # Never later than the recording: a session still running completes when recorded.
            completed_at = min(timezone.make_aware(dt.datetime.combine(last_session.date, last_session.end_time)), now)
            completion = record_completion(
                person=enrollment.person,
                offering=offering,
                enrollment=enrollment,
                modality=offering.modality,
                source=CompletionSource.REMOTE if offering.modality == Modality.REMOTE else CompletionSource.ATTENDANCE,
                credited_hours=credited,
                scheduled_hours=offering.hours,
                completed_at=completed_at,
                attendance_percent=summary["percent"],
            )
        enrollment.status = Status.COMPLETED if passed else Status.NOT_COMPLETED
        enrollment.save(update_fields=["status", "updated_at"])
    return completion
