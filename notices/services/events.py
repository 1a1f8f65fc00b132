"""What the LMS tells people when something happens to their enrolment, class, results or certificates.

Called by notices/receivers.py after the courses change has been committed. Notices about an
offering the person holds a seat in carry the calendar invitation (notices/calendar.py);
cancellations carry METHOD:CANCEL with a higher SEQUENCE.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from courses.models import AssessmentResult, Certificate, Completion, Enrollment, Offering
from notices import calendar
from notices.context import certificate_context, offering_context
from notices.models import NoticeKind, OfferingCalendar
from notices.services.queueing import Draft, queue_notices

Status = Enrollment.Status

CHANGE_KINDS = {
    "received": NoticeKind.ENROLLMENT_RECEIVED,
    "confirmed": NoticeKind.ENROLLMENT_CONFIRMED,
    "waitlisted": NoticeKind.WAITLISTED,
    "promoted": NoticeKind.PROMOTED,
    "approved": NoticeKind.APPROVED,
    "rejected": NoticeKind.REJECTED,
    "cancelled": NoticeKind.CANCELLED,
}


def offering_schedule(offering: Offering) -> dict:
    """What an invitation announces: compared with the last announced schedule to detect a change."""
    return {
        "venue": offering.venue,
        "meeting_url": offering.meeting_url,
        "cancelled": offering.is_cancelled,
        "sessions": {
            str(s.pk): [s.date.isoformat(), s.start_time.strftime("%H:%M"), s.end_time.strftime("%H:%M")]
            for s in offering.sessions.order_by("date", "start_time")
        },
    }


def offering_calendar(offering: Offering) -> OfferingCalendar:
    cal, _created = OfferingCalendar.objects.get_or_create(
        offering=offering, defaults={"schedule": offering_schedule(offering)}
    )
    return cal


def _sessions(offering: Offering) -> list:
    return list(offering.sessions.order_by("date", "start_time"))


def _enrollment_draft(
    enrollment: Enrollment,
    *,
    kind: str,
    key: str,
    sessions,
    sequence: int,
    extra: dict,
    invite: bool = False,
    cancel: bool = False,
) -> Draft:
    offering = enrollment.offering
    ics = ""
    if (invite or cancel) and sessions:
        ics = calendar.build_invitation(enrollment=enrollment, sessions=sessions, sequence=sequence, cancel=cancel)

    def context(language: str) -> dict:
        with override(language):
            status = str(Status(enrollment.status).label)
        return {**offering_context(offering, sessions, language), "enrollment_status": status, **extra}

    return Draft(
        kind=kind,
        key=key,
        recipient=enrollment.person,
        context=context,
        ics=ics,
        ics_method=("CANCEL" if cancel else "REQUEST") if ics else "",
    )


def notify_enrollment_change(*, enrollment_id: int, change: str, by_user=None, reason: str = "", position=None) -> int:
    """Tell the trainee (and, for a nomination, the officer) what happened to an enrolment."""
    from lms.people.roles import is_training_staff

    enrollment = Enrollment.objects.select_related("person", "offering__course", "nominated_by").get(pk=enrollment_id)
    offering = enrollment.offering
    cal = offering_calendar(offering)
    sessions = _sessions(offering)
    holds_seat = enrollment.status == Status.ENROLLED
    extra = {
        "position": position,
        "reason": reason,
        "by_staff": bool(
            by_user is not None
            and is_training_staff(by_user)
            and getattr(by_user, "pk", None) != enrollment.person.user_id
        ),
        "awaiting_approval": enrollment.status == Status.PENDING_APPROVAL,
    }
    kind = CHANGE_KINDS[change]
    if enrollment.nominated_by_id and change in ("received", "confirmed", "waitlisted"):
        officer = enrollment.nominated_by
        extra["officer_name"] = (
            getattr(getattr(officer, "person", None), "name", "") or officer.get_full_name() or officer.username
        )
        extra["trainee_name"] = enrollment.person.name
        kind = NoticeKind.NOMINATED
    drafts = [
        _enrollment_draft(
            enrollment,
            kind=kind,
            key=f"enrollment:{enrollment.pk}:{change}",
            sessions=sessions,
            sequence=cal.sequence + (1 if change == "cancelled" else 0),
            extra=extra,
            invite=holds_seat and change in ("confirmed", "promoted", "approved"),
            cancel=change == "cancelled",
        )
    ]
    officer_person = getattr(enrollment.nominated_by, "person", None) if kind == NoticeKind.NOMINATED else None
    if officer_person is not None:
        draft = _enrollment_draft(
            enrollment,
            kind=NoticeKind.NOMINATION_COPY,
            key=f"enrollment:{enrollment.pk}:nomination",
            sessions=sessions,
            sequence=cal.sequence,
            extra=extra,
        )
        draft.recipient = officer_person
        drafts.append(draft)
    return queue_notices(drafts)


def _describe_changes(before: dict, after: dict, language: str) -> str:
    with override(language):
        changes = []
        if before.get("sessions") != after["sessions"]:
            changes.append(_("上課日期或時間"))
        if before.get("venue") != after["venue"]:
            changes.append(_("上課地點"))
        if before.get("meeting_url") != after["meeting_url"]:
            changes.append(_("線上會議連結"))
        return "、".join(changes) if language == "zh-hant" else ", ".join(changes)


def announce_offering_changes(*, offering_id: int) -> int:
    """After an offering is saved: if what was announced changed, raise SEQUENCE and tell everyone enrolled."""
    offering = Offering.objects.select_related("course").filter(pk=offering_id).first()
    if offering is None:  # deleted in the same transaction (a draft offering nobody enrolled in)
        return 0
    with transaction.atomic():
        cal = OfferingCalendar.objects.select_for_update().filter(offering=offering).first()
        if cal is None:
            # Nothing was ever announced for this offering: remember the schedule, nobody to update.
            offering_calendar(offering)
            return 0
        before, after = cal.schedule, offering_schedule(offering)
        if before == after:
            return 0
        cal.sequence += 1
        cal.schedule = after
        cal.save(update_fields=["sequence", "schedule", "updated_at"])
        sequence = cal.sequence
    cancelled = after["cancelled"] and not before.get("cancelled")
    if not cancelled and after["cancelled"]:
        return 0
    sessions = _sessions(offering)
    enrollments = offering.enrollments.filter(status__in=Enrollment.ACTIVE_STATUSES).select_related(
        "person", "offering__course"
    )
    drafts = []
    for enrollment in enrollments:
        holds_seat = enrollment.status == Status.ENROLLED
        drafts.append(
            _enrollment_draft(
                enrollment,
                kind=NoticeKind.OFFERING_CANCELLED if cancelled else NoticeKind.OFFERING_CHANGED,
                key=f"offering:{offering.pk}:cancelled" if cancelled else f"offering:{offering.pk}:sequence:{sequence}",
                sessions=sessions,
                sequence=sequence,
                extra={},
                invite=holds_seat and not cancelled,
                cancel=holds_seat and cancelled,
            )
        )
        base = drafts[-1].context
        drafts[-1].context = lambda language, base=base: {
            **base(language),
            "changes": _describe_changes(before, after, language),
        }
    return queue_notices(drafts)


def notify_completion(*, completion_id: int) -> int:
    completion = Completion.objects.select_related("person", "course").get(pk=completion_id)
    if completion.voided_at is not None:
        return 0
    from notices.context import absolute

    def context(language: str) -> dict:
        from django.urls import reverse

        return {
            "course_title": completion.title,
            "hours": str(completion.credited_hours),
            "link": absolute(reverse("learning:my")),
        }

    return queue_notices(
        [
            Draft(
                kind=NoticeKind.COMPLETION_RECORDED,
                key=f"completion:{completion.pk}",
                recipient=completion.person,
                context=context,
            )
        ]
    )


def notify_certificate_issued(*, certificate_id: int) -> int:
    certificate = Certificate.objects.select_related("person").get(pk=certificate_id)
    if certificate.revoked_at is not None:
        return 0
    return queue_notices(
        [
            Draft(
                kind=NoticeKind.CERTIFICATE_ISSUED,
                key=f"certificate:{certificate.pk}:issued",
                recipient=certificate.person,
                context=lambda language: certificate_context(certificate, language),
            )
        ]
    )


def notify_assessment_result(*, result_id: int) -> int:
    result = AssessmentResult.objects.select_related("person", "assessment").get(pk=result_id)
    if not result.is_current:
        return 0
    from notices.context import absolute

    def context(language: str) -> dict:
        from django.urls import reverse

        return {
            "assessment_name": result.assessment.name,
            "score": f"{result.score.normalize():f}",
            "passed": result.passed,
            "link": absolute(reverse("learning:my")),
        }

    return queue_notices(
        [Draft(kind=NoticeKind.ASSESSMENT_RESULT, key=f"result:{result.pk}", recipient=result.person, context=context)]
    )
