"""Attendance per session day: the roster page, roster files and meeting-tool reports all end here.

A record stores the minutes attended (present = the whole session, absent = 0, late or left
early = what the staff or the report say). A correction supersedes the current row and voids
its `attended` statement. After each change the enrolment is re-decided (completion.py).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import statements
from courses.models import Attendance, AttendanceSource, AttendanceStatus, Enrollment, LeaveKind, Offering, Session
from courses.services import RowErrors
from courses.services.completion import evaluate_enrollment
from xapi import api as xapi_api

ATTENDING_STATUSES = (Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED, Enrollment.Status.NOT_COMPLETED)


def attendance_minutes(*, session: Session, status: str, minutes: int | None) -> int:
    """Present counts the whole session and absent nothing; late / left early need the minutes attended."""
    if minutes is not None:
        try:
            minutes = int(minutes)
        except (TypeError, ValueError):
            raise ValidationError({"minutes": _("出席分鐘數須為非負整數。")}) from None
        if minutes < 0:
            raise ValidationError({"minutes": _("出席分鐘數須為非負整數。")})
    if status == AttendanceStatus.PRESENT:
        return session.minutes if minutes is None else minutes
    if status == AttendanceStatus.ABSENT:
        return 0
    if minutes is None:
        raise ValidationError({"minutes": _("遲到或早退請填寫實際出席分鐘數。")})
    return minutes


def session_starts_at(session: Session) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(session.date, session.start_time))


def _build(*, enrollment, session, status, minutes, source, recorded_by, now, leave_kind="") -> Attendance:
    if enrollment.status not in ATTENDING_STATUSES:
        raise ValidationError({"enrollment": _("此學員未錄取本班期。")})
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": _("未知的出席狀態。")})
    leave_kind = leave_kind or ""
    if leave_kind not in LeaveKind.values and leave_kind != "":
        raise ValidationError({"leave_kind": _("假別須為事假、病假、公假、喪假或缺課。")})
    starts_at = session_starts_at(session)
    if starts_at > now:
        # A roster or meeting report for next week would credit hours and certificates in the future.
        raise ValidationError(
            {
                "session": _("%(date)s 的場次尚未開始（%(time)s 開始），不能記錄出席。")
                % {"date": session.date.isoformat(), "time": session.start_time.strftime("%H:%M")}
            }
        )
    attendance = Attendance(
        enrollment=enrollment,
        session=session,
        status=status,
        minutes=attendance_minutes(session=session, status=status, minutes=minutes),
        leave_kind=leave_kind,
        source=source,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    attendance.full_clean(validate_constraints=False)
    return attendance


def _store(attendance: Attendance, *, now: dt.datetime) -> Attendance:
    """Supersede the current row (voiding its statement) unless it already says the same; caller holds atomic."""
    current = (
        Attendance.objects.select_for_update()
        .filter(enrollment=attendance.enrollment, session=attendance.session, is_current=True)
        .first()
    )
    if current is not None:
        if (current.status, current.minutes, current.leave_kind) == (
            attendance.status,
            attendance.minutes,
            attendance.leave_kind,
        ):
            return current  # a double submission or an unchanged row: nothing to correct
        if current.statement_id:
            xapi_api.void_statement(current.statement_id, timestamp=now)
        current.is_current = False
        current.save(update_fields=["is_current"])
    statement = None
    if attendance.status != AttendanceStatus.ABSENT:
        attendance.statement_id = uuid.uuid4()
        statement = statements.attended(attendance)
        statement["id"] = str(attendance.statement_id)
    attendance.save()
    if statement is not None:
        xapi_api.record_statements([statement], authority=xapi_api.LMS_AUTHORITY)
    return attendance


def record_attendance(
    *,
    enrollment: Enrollment,
    session: Session,
    status: str,
    minutes: int | None = None,
    leave_kind: str = "",
    source: str = AttendanceSource.ROSTER,
    recorded_by=None,
    now: dt.datetime | None = None,
) -> Attendance:
    """Record one person's attendance of one session day (and the kind of leave for hours missed).

    Raises ValidationError keyed by field.
    """
    now = now or timezone.now()
    attendance = _build(
        enrollment=enrollment,
        session=session,
        status=status,
        minutes=minutes,
        source=source,
        recorded_by=recorded_by,
        now=now,
        leave_kind=leave_kind,
    )
    with transaction.atomic():
        _lock_offerings([session.offering_id])
        attendance = _store(attendance, now=now)
        evaluate_enrollment(enrollment=enrollment, now=now)
    return attendance


def _lock_offerings(offering_ids) -> None:
    """Attendance of one offering is recorded one import at a time.

    Two imports of the same file at the same moment would both find no current row and both
    insert; the second to commit would hit attendance_one_current (a 500). Holding the offering's
    row lock makes the second wait, then find the rows already there (unchanged: nothing to do).
    """
    list(Offering.objects.select_for_update().filter(pk__in=sorted(set(offering_ids))).values_list("pk", flat=True))


def record_session_roster(
    *,
    session: Session | None,
    entries: list[dict],
    recorded_by,
    source: str = AttendanceSource.ROSTER,
    now: dt.datetime | None = None,
) -> list[Attendance]:
    """Record a whole roster: entries are {"enrollment", "session"?, "status", "minutes", "leave_kind"?, "row"?}.

    All or nothing: every entry is checked first and errors are raised keyed by row (RowErrors);
    then all are stored in one transaction.
    """
    now = now or timezone.now()
    built, errors = [], {}
    for index, entry in enumerate(entries, start=1):
        row = entry.get("row", index)
        try:
            built.append(
                _build(
                    enrollment=entry["enrollment"],
                    session=entry.get("session", session),
                    status=entry["status"],
                    minutes=entry.get("minutes"),
                    source=source,
                    recorded_by=recorded_by,
                    now=now,
                    leave_kind=entry.get("leave_kind", ""),
                )
            )
        except ValidationError as error:
            errors[row] = error.message_dict
    if errors:
        raise RowErrors(errors)
    with transaction.atomic():
        _lock_offerings([attendance.session.offering_id for attendance in built])
        stored = [_store(attendance, now=now) for attendance in built]
        for enrollment in {a.enrollment_id: a.enrollment for a in stored}.values():
            evaluate_enrollment(enrollment=enrollment, now=now)
    return stored
