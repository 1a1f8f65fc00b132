"""Builders of the statements the LMS issues about learning: one function per kind, following courses/vocabulary.py.

Builders are pure: they read the rows they are given and return a statement dict without an
id (the LRS assigns it) and with the timestamp of when the learning happened. Services record
them with xapi.api.record_statements inside their own transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from courses import vocabulary as v
from courses.models import (
    AssessmentResult,
    Attendance,
    Certificate,
    Completion,
    Course,
    Enrollment,
    Offering,
)
from lms.people.models import Person

_VERB_DISPLAY = {
    v.Verbs.REGISTERED: ("報名", "registered"),
    v.Verbs.UNREGISTERED: ("取消報名", "unregistered"),
    v.Verbs.WAITLISTED: ("候補", "waitlisted"),
    v.Verbs.APPROVED: ("錄取", "approved"),
    v.Verbs.REJECTED: ("未錄取", "rejected"),
    v.Verbs.ATTENDED: ("出席", "attended"),
    v.Verbs.COMPLETED: ("完成", "completed"),
    v.Verbs.PASSED: ("通過", "passed"),
    v.Verbs.FAILED: ("未通過", "failed"),
    v.Verbs.EARNED: ("取得", "earned"),
}


def actor(person: Person) -> dict:
    """The learner as an account (employee number); never a national ID, name or e-mail."""
    return {"objectType": "Agent", "account": {"homePage": v.HOME_PAGE, "name": person.employee_number}}


def verb(verb_id: str) -> dict:
    zh, en = _VERB_DISPLAY[verb_id]
    return {"id": verb_id, "display": {"zh-TW": zh, "en-US": en}}


def course_activity(course: Course) -> dict:
    return {
        "objectType": "Activity",
        "id": v.COURSE_ACTIVITY.format(code=course.code),
        "definition": {"type": v.TYPE_COURSE, "name": {"zh-TW": course.title}},
    }


def offering_activity(offering: Offering) -> dict:
    return {
        "objectType": "Activity",
        "id": v.OFFERING_ACTIVITY.format(code=offering.code),
        "definition": {"type": v.TYPE_OFFERING, "name": {"zh-TW": f"{offering.course.title}（{offering.code}）"}},
    }


def iso_timestamp(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def iso_duration(minutes: int | Decimal) -> str:
    """ISO 8601 duration from minutes (xAPI 1.0.3 §2.4.5 result.duration), e.g. 330 → "PT5H30M"."""
    total = int(minutes)
    hours, rest = divmod(total, 60)
    if hours and rest:
        return f"PT{hours}H{rest}M"
    return f"PT{hours}H" if hours else f"PT{rest}M"


def hours_number(value: Decimal) -> int | float:
    """Hours as a JSON number: 6 not 6.0, 2.5 as 2.5."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _offering_context(offering: Offering, *, registration=None, extra: dict | None = None) -> dict:
    context = {
        "contextActivities": {"parent": [course_activity(offering.course)]},
        "language": v.LANGUAGE,
        "extensions": {
            v.Extensions.OFFERING: offering.code,
            v.Extensions.COURSE: offering.course.code,
            v.Extensions.MODALITY: offering.modality,
            **(extra or {}),
        },
    }
    if registration is not None:
        context["registration"] = str(registration)
    return context


def _enrollment_statement(enrollment: Enrollment, verb_id: str, *, at: dt.datetime, extra: dict | None = None) -> dict:
    extensions = {v.Extensions.ENROLLMENT_STATUS: enrollment.status, **(extra or {})}
    if enrollment.nominated_by_id and getattr(enrollment.nominated_by, "agency_officer", None):
        extensions[v.Extensions.NOMINATED_BY_AGENCY] = enrollment.nominated_by.agency_officer.agency.code
    return {
        "actor": actor(enrollment.person),
        "verb": verb(verb_id),
        "object": offering_activity(enrollment.offering),
        "context": _offering_context(enrollment.offering, registration=enrollment.registration, extra=extensions),
        "timestamp": iso_timestamp(at),
    }


def registered(enrollment: Enrollment, *, at: dt.datetime, promoted: bool = False) -> dict:
    """Enrolled (or awaiting approval); a waitlist promotion says so with PREVIOUS_STATUS."""
    extra = {v.Extensions.PREVIOUS_STATUS: Enrollment.Status.WAITLISTED.value} if promoted else None
    return _enrollment_statement(enrollment, v.Verbs.REGISTERED, at=at, extra=extra)


def waitlisted(enrollment: Enrollment, *, at: dt.datetime, position: int) -> dict:
    return _enrollment_statement(
        enrollment, v.Verbs.WAITLISTED, at=at, extra={v.Extensions.WAITLIST_POSITION: position}
    )


def approved(enrollment: Enrollment, *, at: dt.datetime) -> dict:
    return _enrollment_statement(enrollment, v.Verbs.APPROVED, at=at)


def rejected(enrollment: Enrollment, *, at: dt.datetime) -> dict:
    return _enrollment_statement(enrollment, v.Verbs.REJECTED, at=at)


def unregistered(enrollment: Enrollment, *, at: dt.datetime, previous_status: str) -> dict:
    return _enrollment_statement(
        enrollment, v.Verbs.UNREGISTERED, at=at, extra={v.Extensions.PREVIOUS_STATUS: previous_status}
    )


def attended(attendance: Attendance) -> dict:
    """One session day attended, with the minutes as result.duration (absences issue no statement)."""
    session = attendance.session
    offering = session.offering
    return {
        "actor": actor(attendance.enrollment.person),
        "verb": verb(v.Verbs.ATTENDED),
        "object": {
            "objectType": "Activity",
            "id": v.SESSION_ACTIVITY.format(offering_code=offering.code, session_id=session.pk),
            "definition": {"type": v.TYPE_SESSION, "name": {"zh-TW": f"{offering.code} {session.date:%Y-%m-%d}"}},
        },
        "result": {"duration": iso_duration(attendance.minutes)},
        "context": _offering_context(
            offering,
            registration=attendance.enrollment.registration,
            extra={v.Extensions.ATTENDANCE_STATUS: attendance.status},
        ),
        "timestamp": iso_timestamp(timezone.make_aware(dt.datetime.combine(session.date, session.end_time))),
    }


def completed(
    completion: Completion, *, attendance_percent: Decimal | None = None, external_activity: dict | None = None
) -> dict:
    """The one statement that credits hours, whatever the source (vocabulary.py, module docstring).

    The object is the offering, else the course; an accepted external course that maps to no
    catalog course keeps the platform's own activity (`external_activity`).
    """
    extensions = {
        v.Extensions.CREDITED_HOURS: hours_number(completion.credited_hours),
        v.Extensions.SCHEDULED_HOURS: hours_number(completion.scheduled_hours),
        v.Extensions.COMPLETION_SOURCE: completion.source,
        v.Extensions.MODALITY: completion.modality,
    }
    leave = completion.scheduled_hours - completion.credited_hours
    if completion.offering_id and leave > 0:
        extensions[v.Extensions.LEAVE_HOURS] = hours_number(leave)
    if attendance_percent is not None:
        extensions[v.Extensions.ATTENDANCE_PERCENT] = hours_number(attendance_percent)
    if completion.offering_id:
        offering = completion.offering
        obj = offering_activity(offering)
        context = _offering_context(
            offering,
            registration=completion.enrollment.registration if completion.enrollment_id else None,
            extra=extensions,
        )
    elif completion.course_id:
        obj = course_activity(completion.course)
        context = {
            "language": v.LANGUAGE,
            "extensions": {v.Extensions.COURSE: completion.course.code, **extensions},
        }
    else:
        obj = external_activity
        context = {
            "language": v.LANGUAGE,
            "extensions": {v.Extensions.EXTERNAL_COURSE_TITLE: completion.external_title, **extensions},
        }
    if completion.source_statement_id:
        context["statement"] = {"objectType": "StatementRef", "id": str(completion.source_statement_id)}
    statement = {
        "actor": actor(completion.person),
        "verb": verb(v.Verbs.COMPLETED),
        "object": obj,
        "result": {"completion": True, "duration": iso_duration(completion.credited_hours * 60)},
        "context": context,
        "timestamp": iso_timestamp(completion.completed_at),
    }
    return statement


def assessment_result(result: AssessmentResult) -> dict:
    """passed / failed with the score (scaled to 0–1 by the assessment's maximum)."""
    assessment = result.assessment
    track = assessment.track
    max_score = assessment.max_score
    score = {
        "raw": hours_number(result.score),
        "min": 0,
        "max": hours_number(max_score),
        "scaled": float((result.score / max_score).quantize(Decimal("0.0001"))),
    }
    return {
        "actor": actor(result.person),
        "verb": verb(v.Verbs.PASSED if result.passed else v.Verbs.FAILED),
        "object": {
            "objectType": "Activity",
            "id": v.ASSESSMENT_ACTIVITY.format(track_code=track.code, assessment_id=assessment.pk),
            "definition": {"type": v.TYPE_ASSESSMENT, "name": {"zh-TW": assessment.name}},
        },
        "result": {"success": result.passed, "completion": True, "score": score},
        "context": {
            "contextActivities": {"parent": [certification_activity(track)]},
            "language": v.LANGUAGE,
            "extensions": {v.Extensions.CERTIFICATION: track.code},
        },
        "timestamp": iso_timestamp(timezone.make_aware(dt.datetime.combine(result.taken_on, dt.time(12, 0)))),
    }


def certification_activity(track) -> dict:
    return {
        "objectType": "Activity",
        "id": v.CERTIFICATION_ACTIVITY.format(track_code=track.code),
        "definition": {"type": "https://w3id.org/xapi/tla/activity-types/credential", "name": {"zh-TW": track.name}},
    }


def earned(certificate: Certificate) -> dict:
    """A certification certificate was issued (completion certificates ride on the completion statement)."""
    return {
        "actor": actor(certificate.person),
        "verb": verb(v.Verbs.EARNED),
        "object": certification_activity(certificate.track),
        "context": {
            "language": v.LANGUAGE,
            "extensions": {
                v.Extensions.CERTIFICATION: certificate.track.code,
                v.Extensions.CERTIFICATE_NUMBER: certificate.number,
            },
        },
        "timestamp": iso_timestamp(certificate.issued_at),
    }
