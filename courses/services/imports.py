"""File imports: classroom roster files, meeting-tool attendance reports and outside bodies' result files.

Every import reads the whole file first and reports each bad row by its row number in the
file (header = row 1); if any row is bad nothing is stored (RowErrors). A file that cannot be
read at all raises ValidationError keyed "file".

Meeting-tool formats supported (remote classes):
- Microsoft Teams attendance report (.csv, UTF-16 tab-separated as Teams downloads it, or
  UTF-8): the "2. Participants" section with Name, First Join, Last Leave, In-Meeting Duration,
  Email (durations like "1h 5m 12s"). The older single-table Teams export
  (Full Name, User Action, Timestamp) is also read: Joined/Left pairs are summed.
- Zoom participants report (.csv): Name (Original Name) / User Email / Join Time / Leave Time /
  Duration (Minutes), with or without the meeting summary block above it; one row per join.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    Assessment,
    AttendanceSource,
    AttendanceStatus,
    Enrollment,
    LeaveKind,
    Offering,
    RemoteAttendanceReview,
    Session,
)
from courses.services import RowErrors
from courses.services.attendance import ATTENDING_STATUSES, record_session_roster
from courses.services.certification import barred_reasons, record_assessment_result
from lms.people.models import Person
from tabular import reading

MAX_ROWS = 20_000

STATUS_WORDS = {
    "出席": AttendanceStatus.PRESENT,
    "present": AttendanceStatus.PRESENT,
    "遲到": AttendanceStatus.LATE,
    "late": AttendanceStatus.LATE,
    "早退": AttendanceStatus.LEFT_EARLY,
    "left_early": AttendanceStatus.LEFT_EARLY,
    "left early": AttendanceStatus.LEFT_EARLY,
    "缺席": AttendanceStatus.ABSENT,
    "absent": AttendanceStatus.ABSENT,
}

# 假別 in its own column (for 遲到/早退 rows), or in 出席狀態 for a whole day missed (= 缺席 of that kind).
LEAVE_WORDS = {str(label): value for value, label in LeaveKind.choices} | {value: value for value in LeaveKind.values}

ROSTER_COLUMNS = {
    "employee_number": ("員工編號", "employee_number"),
    "date": ("日期", "date"),
    "status": ("出席狀態", "status"),
    "minutes": ("出席分鐘數", "minutes"),
    "leave_kind": ("假別", "leave_kind"),
}
RESULT_COLUMNS = {
    "employee_number": ("員工編號", "employee_number"),
    "score": ("分數", "score"),
    "taken_on": ("測驗日期", "taken_on"),
    "subjects": ("科目分數", "subject_scores"),
    "override": ("缺課仍予登錄理由", "barred_override_reason"),
}


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp950"):  # cp950: Big5 as Excel on a Taiwanese Windows saves CSV
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": _("無法辨識檔案編碼，請存成 UTF-8 CSV 或 XLSX。")})


def read_rows(uploaded) -> list[list[str]]:
    """All rows of a CSV (comma or tab) or XLSX file as lists of stripped strings."""
    name = (getattr(uploaded, "name", "") or "").lower()
    data = uploaded.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        # Streamed, with the row limit enforced while reading; zip bombs refused (tabular.reading).
        try:
            return reading.read_xlsx_rows(data, max_rows=MAX_ROWS, cell=_cell)
        except reading.UnreadableFile as error:
            raise ValidationError({"file": str(error)}) from error
    text = _decode(data)
    head = "\n".join(text.splitlines()[:30])  # Teams puts a one-column title line first
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    rows = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append([c.strip() for c in row])
        if len(rows) > MAX_ROWS:
            raise ValidationError({"file": _("檔案超過 %(n)s 列。") % {"n": MAX_ROWS}})
    return rows


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(rows: list[list[str]], columns: dict[str, tuple[str, ...]], required: set[str]) -> list[tuple[int, dict]]:
    """Rows under a header row as dicts keyed by our column names, with their 1-based row numbers."""
    if not rows:
        raise ValidationError({"file": _("檔案是空的。")})
    header = [h.strip().lower() for h in rows[0]]
    index = {}
    for key, names in columns.items():
        for name in names:
            if name.lower() in header:
                index[key] = header.index(name.lower())
    missing = [columns[key][0] for key in required if key not in index]
    if missing:
        raise ValidationError({"file": _("缺少欄位：%(cols)s") % {"cols": "、".join(missing)}})
    table = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        table.append((number, {key: (row[i] if i < len(row) else "") for key, i in index.items()}))
    return table


def _parse_date(text: str) -> dt.date:
    text = text.strip().split(" ")[0]
    for pattern in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    roc = re.fullmatch(r"(\d{2,3})[/.-](\d{1,2})[/.-](\d{1,2})", text)  # ROC dates such as 115/03/05
    if roc:
        return dt.date(int(roc.group(1)) + 1911, int(roc.group(2)), int(roc.group(3)))
    raise ValueError(text)


def import_roster_file(*, offering: Offering, uploaded, recorded_by) -> int:
    """A classroom roster: 員工編號, 日期, 出席狀態 (出席/遲到/早退/缺席, or a leave kind for a day missed),
    出席分鐘數 (for 遲到/早退) and, optionally, 假別 (事假/病假/公假/喪假/缺課) for the hours missed.

    Returns how many rows were stored. Raises RowErrors (nothing stored) or ValidationError("file").
    """
    table = _table(read_rows(uploaded), ROSTER_COLUMNS, {"employee_number", "date", "status"})
    sessions = {s.date: s for s in offering.sessions.all()}
    enrollments = {
        e.person.employee_number: e
        for e in offering.enrollments.filter(status__in=ATTENDING_STATUSES).select_related("person")
    }
    entries, errors = [], {}
    seen = set()
    for number, row in table:
        problems: dict[str, list[str]] = {}
        enrollment = enrollments.get(row["employee_number"])
        if enrollment is None:
            problems["employee_number"] = [_("不是本班期錄取學員：%(v)s") % {"v": row["employee_number"]}]
        session = None
        try:
            session = sessions.get(_parse_date(row["date"]))
            if session is None:
                problems["date"] = [_("本班期沒有這一天的課：%(v)s") % {"v": row["date"]}]
        except ValueError:
            problems["date"] = [_("日期格式錯誤：%(v)s") % {"v": row["date"]}]
        status_word = row["status"].strip().lower()
        status = STATUS_WORDS.get(status_word)
        leave_kind = LEAVE_WORDS.get(status_word, "")
        if leave_kind:
            status = AttendanceStatus.ABSENT
        if status is None:
            problems["status"] = [_("出席狀態須為出席、遲到、早退、缺席或假別（事假、病假、公假、喪假、缺課）。")]
        if row.get("leave_kind"):
            leave_kind = LEAVE_WORDS.get(row["leave_kind"].strip().lower())
            if leave_kind is None:
                problems["leave_kind"] = [_("假別須為事假、病假、公假、喪假或缺課。")]
        minutes = None
        if row.get("minutes"):
            try:
                minutes = int(Decimal(row["minutes"]))
                if minutes < 0:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                problems["minutes"] = [_("出席分鐘數須為非負整數。")]
        if enrollment and session and (enrollment.pk, session.pk) in seen:
            problems["employee_number"] = [_("同一學員同一天重複出現。")]
        if problems:
            errors[number] = problems
            continue
        seen.add((enrollment.pk, session.pk))
        entries.append(
            {
                "row": number,
                "enrollment": enrollment,
                "session": session,
                "status": status,
                "minutes": minutes,
                "leave_kind": leave_kind,
            }
        )
    if errors:
        raise RowErrors(errors)
    # The service re-checks each row (minutes within the session, etc.) and reports by the same row numbers.
    return len(
        record_session_roster(session=None, entries=entries, recorded_by=recorded_by, source=AttendanceSource.FILE)
    )


# --- Meeting-tool reports -------------------------------------------------------------------------


@dataclass
class Participant:
    name: str
    email: str
    minutes: int = 0
    rows: list[int] = field(default_factory=list)


def _duration_minutes(text: str) -> int:
    """Teams "1h 5m 12s" / "45m 3s" / "1:05:12", or a plain number of minutes (Zoom)."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return int(Decimal(text))
    parts = {unit: number for number, unit in re.findall(r"(\d+)\s*([hms])", text)}
    if parts:
        seconds = int(parts.get("h", 0)) * 3600 + int(parts.get("m", 0)) * 60 + int(parts.get("s", 0))
        return seconds // 60
    clock = re.fullmatch(r"(\d+):(\d{2}):(\d{2})", text)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    raise ValueError(text)


TEAMS_TIME_FORMATS = (
    "%m/%d/%y, %I:%M:%S %p",
    "%m/%d/%Y, %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
)


def _parse_time(text: str) -> dt.datetime:
    for pattern in TEAMS_TIME_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    raise ValueError(text)


def parse_meeting_report(rows: list[list[str]]) -> tuple[str, dict[str, Participant], dict[int, dict]]:
    """Detect the format; sum minutes per participant (keyed by e-mail, else name): (format, people, errors)."""
    lowered = [[c.strip().lower() for c in row] for row in rows]
    for start, header in enumerate(lowered):
        if "in-meeting duration" in header and "name" in header:
            return "teams", *_sum_rows(rows, start, header, name="name", email="email", duration="in-meeting duration")
        if "duration (minutes)" in header and "join time" in header:  # not Zoom's meeting summary line
            name = next(h for h in header if h.startswith("name") or h == "participant")
            email = "user email" if "user email" in header else "email"
            return "zoom", *_sum_rows(rows, start, header, name=name, email=email, duration="duration (minutes)")
        if {"full name", "user action", "timestamp"} <= set(header):
            return "teams-legacy", *_sum_teams_legacy(rows, start, header)
    raise ValidationError({"file": _("無法辨識的出席報表格式（支援 Microsoft Teams 出席報告與 Zoom 參與者報表）。")})


def _sum_rows(rows, start, header, *, name, email, duration):
    people: dict[str, Participant] = {}
    errors: dict[int, dict] = {}
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(row):
            if people:
                break  # the Teams report's next section ("3. In-Meeting Activities") follows a blank line
            continue
        cells = dict(zip(header, row, strict=False))
        if not cells.get(name):
            continue
        try:
            minutes = _duration_minutes(cells.get(duration, ""))
        except ValueError:
            errors[number] = {"duration": [_("無法解讀的時長：%(v)s") % {"v": cells.get(duration, "")}]}
            continue
        address = (cells.get(email) or "").strip().lower()
        key = address or cells[name].strip()
        person = people.setdefault(key, Participant(name=cells[name].strip(), email=address))
        person.minutes += minutes
        person.rows.append(number)
    return people, errors


def _sum_teams_legacy(rows, start, header):
    people: dict[str, Participant] = {}
    errors: dict[int, dict] = {}
    joined: dict[str, dt.datetime] = {}
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        cells = dict(zip(header, row, strict=False))
        who = (cells.get("full name") or "").strip()
        if not who:
            continue
        try:
            at = _parse_time(cells.get("timestamp", ""))
        except ValueError:
            errors[number] = {"timestamp": [_("無法解讀的時間：%(v)s") % {"v": cells.get("timestamp", "")}]}
            continue
        person = people.setdefault(who, Participant(name=who, email=""))
        person.rows.append(number)
        if cells.get("user action", "").lower().startswith("joined"):
            joined[who] = at
        elif who in joined:
            person.minutes += int((at - joined.pop(who)).total_seconds() // 60)
    return people, errors


def import_meeting_report(*, session: Session, uploaded, recorded_by) -> dict:
    """Match a meeting report to the session's enrolled learners and record their attendance.

    Participants are matched by e-mail, else by a name that is unique among the enrolled;
    unmatched participants go to the review list. Enrolled learners absent from the report are
    recorded absent. Minutes beyond the session are capped at the session. Returns counts.
    """
    report_format, people, errors = parse_meeting_report(read_rows(uploaded))
    if errors:
        raise RowErrors(errors)
    enrollments = list(session.offering.enrollments.filter(status__in=ATTENDING_STATUSES).select_related("person"))
    by_email = {e.person.email.lower(): e for e in enrollments if e.person.email}
    names: dict[str, list[Enrollment]] = defaultdict(list)
    for e in enrollments:
        names[e.person.name].append(e)
    matched: dict[int, int] = {}
    unmatched: list[Participant] = []
    for participant in people.values():
        enrollment = by_email.get(participant.email) if participant.email else None
        if enrollment is None and len(names.get(participant.name, [])) == 1:
            enrollment = names[participant.name][0]
        if enrollment is None:
            unmatched.append(participant)
        else:
            matched[enrollment.pk] = matched.get(enrollment.pk, 0) + participant.minutes
    entries = []
    for enrollment in enrollments:
        minutes = min(matched.get(enrollment.pk, 0), session.minutes)
        status = (
            AttendanceStatus.ABSENT
            if minutes == 0
            else AttendanceStatus.PRESENT
            if minutes >= session.minutes
            else AttendanceStatus.LEFT_EARLY
        )
        entries.append({"enrollment": enrollment, "status": status, "minutes": minutes})
    now = timezone.now()
    with transaction.atomic():
        record_session_roster(
            session=session, entries=entries, recorded_by=recorded_by, source=AttendanceSource.REMOTE, now=now
        )
        # Importing the same report twice must not queue the same participant twice.
        queued = set(
            RemoteAttendanceReview.objects.filter(session=session).values_list("participant_name", "email", "minutes")
        )
        RemoteAttendanceReview.objects.bulk_create(
            RemoteAttendanceReview(
                session=session,
                participant_name=p.name[:200],
                email=p.email[:254],
                minutes=min(p.minutes, session.minutes),
                source_format=report_format,
                imported_at=now,
            )
            for p in unmatched
            if (p.name[:200], p.email[:254], min(p.minutes, session.minutes)) not in queued
        )
    return {
        "format": report_format,
        "matched": len(matched),
        "unmatched": len(unmatched),
        "absent": sum(1 for e in entries if e["status"] == AttendanceStatus.ABSENT),
    }


def resolve_review(*, review: RemoteAttendanceReview, enrollment: Enrollment | None, recorded_by) -> None:
    """Staff match an unmatched participant to an enrolled learner (credited), or dismiss the row."""
    from courses.services.attendance import record_attendance

    with transaction.atomic():
        review = RemoteAttendanceReview.objects.select_for_update().get(pk=review.pk)
        if review.resolved_enrollment_id or review.dismissed:
            raise ValidationError({"review": _("此筆已處理。")})
        if enrollment is None:
            review.dismissed = True
            review.save(update_fields=["dismissed"])
            return
        if enrollment.offering_id != review.session.offering_id:
            raise ValidationError({"enrollment": _("學員不屬於此班期。")})
        session = review.session
        current = enrollment.attendances.filter(session=session, is_current=True).first()
        minutes = min((current.minutes if current else 0) + review.minutes, session.minutes)
        record_attendance(
            enrollment=enrollment,
            session=session,
            minutes=minutes,
            source=AttendanceSource.REMOTE,
            status=AttendanceStatus.PRESENT if minutes >= session.minutes else AttendanceStatus.LEFT_EARLY,
            recorded_by=recorded_by,
        )
        review.resolved_enrollment = enrollment
        review.save(update_fields=["resolved_enrollment"])


# --- Outside bodies' result files ---------------------------------------------------------------


def _subject_scores(text: str) -> dict[str, Decimal]:
    """ "法規:80;實務:0" → {"法規": 80, "實務": 0}."""
    scores = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;；]", text))):
        name, _sep, value = part.partition(":") if ":" in part else part.partition("：")
        scores[name.strip()] = Decimal(value.strip())
    return scores


def import_assessment_results(*, assessment: Assessment, uploaded, recorded_by) -> int:
    """An outside body's result file (e.g. 工程會 procurement exam): 員工編號, 分數, 測驗日期, 科目分數 (optional)."""
    table = _table(read_rows(uploaded), RESULT_COLUMNS, {"employee_number", "score", "taken_on"})
    people = {
        p.employee_number: p
        for p in Person.objects.filter(employee_number__in=[row["employee_number"] for _n, row in table])
    }
    parsed, errors = [], {}
    for number, row in table:
        problems: dict[str, list[str]] = {}
        person = people.get(row["employee_number"])
        if person is None:
            problems["employee_number"] = [_("查無此員工編號：%(v)s") % {"v": row["employee_number"]}]
        try:
            score = Decimal(row["score"])
            if not 0 <= score <= assessment.max_score:
                problems["score"] = [_("分數須介於 0 與滿分之間。")]
        except InvalidOperation:
            problems["score"] = [_("分數格式錯誤：%(v)s") % {"v": row["score"]}]
        try:
            taken_on = _parse_date(row["taken_on"])
        except ValueError:
            problems["taken_on"] = [_("日期格式錯誤：%(v)s") % {"v": row["taken_on"]}]
        try:
            subjects = _subject_scores(row.get("subjects", ""))
        except InvalidOperation:
            problems["subject_scores"] = [_("科目分數格式應為「科目:分數;科目:分數」。")]
        override = (row.get("override") or "").strip()
        if person is not None and not override:
            # A barred trainee's result is refused with the reason, unless staff state why it stands.
            reasons = barred_reasons(person=person, track=assessment.track)
            if reasons:
                problems["employee_number"] = reasons
        if problems:
            errors[number] = problems
            continue
        parsed.append((person, score, taken_on, subjects, override))
    if errors:
        raise RowErrors(errors)
    with transaction.atomic():
        for person, score, taken_on, subjects, override in parsed:
            record_assessment_result(
                person=person,
                assessment=assessment,
                score=score,
                taken_on=taken_on,
                subject_scores=subjects,
                recorded_by=recorded_by,
                barred_override_reason=override,
            )
    return len(parsed)
