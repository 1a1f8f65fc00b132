"""National IDs (encrypted at rest) and the national portal uploads: 終身學習 and 環境教育.

The format, its sources and every choice made are in docs/national-upload.md. In short: the
portal takes CSV files keyed on the national ID (身分證字號), in Big5 (cp950), at most 3,000 rows a
file, with codes (not names) from its code tables (reports.NationalCode, staff-edited), one row
per (person, course category) when a course counts toward several categories. The ID is stored
Fernet-encrypted (keys in NATIONAL_ID_KEYS, newest first, MultiFernet), decrypted only in
`build_national_export`, and every export is written to NationalIdExport with the file's hash.

`plan_national_upload` decides every row and everything left out without decrypting anything;
the readiness page shows it, and the export writes exactly what it planned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import tabular
from courses.models import LeaveKind, Modality, Offering
from courses.selectors import missed_hours_by_kind
from lms.people.models import Person
from reports.models import CourseNationalCategory, LearningRecord, NationalCode, NationalIdentity, NationalIdExport

# 身分證字號 and the new-format resident certificate number: a letter, 1/2 or 8/9, then 8 digits.
NATIONAL_ID_RE = re.compile(r"^[A-Z][1289]\d{8}$")

# The portal's 終身學習 template: 25 columns, required ones marked "*" (docs/national-upload.md §1).
LIFELONG_COLUMNS = [
    "*身分證字號",
    "*課程名稱",
    "*開課起始日期",
    "*開課起始時間",
    "*開課結束日期",
    "*開課結束時間",
    "*姓名",
    "*學位學分",
    "*課程類別代碼",
    "*上課縣市",
    "*期別",
    "*訓練總數",
    "*訓練總數單位",
    "訓練成績",
    "證件字號",
    "出勤上課狀況",
    "生日",
    "*學習性質",
    "*數位時數",
    "*實體時數",
    "課程代碼",
    "*實際上課起始日期",
    "*實際上課起始時間",
    "*實際上課結束日期",
    "*實際上課結束時間",
]
# The 環教 upload (環境教育法 §19 hours): 18 columns (docs/national-upload.md §2).
ENVIRONMENTAL_COLUMNS = [
    "*年度",
    "*學員所屬機關(構)代碼",
    "*身分證字號",
    "*課程名稱",
    "*上課起始日期",
    "*姓名",
    "*課程方法代碼",
    "*課程類別代碼",
    "*內容概要",
    "*實施縣市",
    "實施地點",
    "*期別",
    "*上課結束日期",
    "*課程時數",
    "*學習性質",
    "*數位時數",
    "*實體時數",
    "課程代碼",
]
MAX_ROWS_PER_FILE = 3000  # docs/national-upload.md §3: both public implementations split at 3,000 rows
ENCODINGS = {"cp950": "Big5 (cp950)", "utf-8": "UTF-8"}
DEFAULT_ENCODING = "cp950"

# 學習性質 by the hours a row carries; the code itself comes from the staff-edited table.
NATURE_NAMES = {"digital": "數位", "classroom": "實體", "blended": "混成"}
NATURE_FALLBACK = {"digital": "1", "classroom": "2", "blended": "3"}
FULL_ATTENDANCE = "全勤"
ZERO = Decimal("0")
TENTH = Decimal("0.1")


class NationalIdKeyError(ImproperlyConfigured):
    """NATIONAL_ID_KEYS is missing, malformed or cannot decrypt the stored IDs; the message is for staff."""


# --- Keys ----------------------------------------------------------------------------------------


def _configured_keys() -> list[str]:
    keys = getattr(settings, "NATIONAL_ID_KEYS", None) or os.environ.get("NATIONAL_ID_KEYS", "")
    if isinstance(keys, str):
        keys = keys.split(",")
    return [str(k).strip() for k in keys if str(k).strip()]


def _fernet() -> MultiFernet:
    keys = _configured_keys()
    if not keys:
        raise NationalIdKeyError(
            _("尚未設定身分證字號加密金鑰（NATIONAL_ID_KEYS），無法讀寫身分證字號。請洽系統管理者設定後再試。")
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise NationalIdKeyError(
                _("身分證字號加密金鑰（NATIONAL_ID_KEYS）第 %(n)s 把格式不正確（應為 Fernet 金鑰）。請洽系統管理者。")
                % {"n": position}
            ) from None
    return MultiFernet(fernets)


def _wrong_key_error(count: int) -> NationalIdKeyError:
    return NationalIdKeyError(
        _(
            "目前的身分證字號加密金鑰無法解密 %(n)s 筆已登錄的身分證字號（金鑰錯誤，或輪替時漏列舊金鑰）。"
            "未產製任何檔案，請洽系統管理者。"
        )
        % {"n": count}
    )


def national_id_key_problem(*, check_stored: bool = True) -> str | None:
    """None when the key can write and read IDs, else a zh-Hant message for the page and `manage.py check`.

    With `check_stored`, one stored ID is decrypted to catch a wrong key (nothing is shown or kept).
    """
    try:
        fernet = _fernet()
    except NationalIdKeyError as error:
        return str(error)
    if check_stored:
        token = NationalIdentity.objects.values_list("token", flat=True).order_by("pk").first()
        if token is not None:
            try:
                fernet.decrypt(bytes(token))
            except InvalidToken:
                return str(_wrong_key_error(NationalIdentity.objects.count()))
    return None


def set_national_id(*, person: Person, national_id: str) -> NationalIdentity:
    value = (national_id or "").strip().upper()
    if not NATIONAL_ID_RE.match(value):
        raise ValidationError({"national_id": _("身分證字號格式不正確。")})
    identity, _created = NationalIdentity.objects.update_or_create(
        person=person, defaults={"token": _fernet().encrypt(value.encode())}
    )
    return identity


def remove_national_id(*, person: Person) -> int:
    """Remove a person's national ID (a leaver past retention, docs/data-protection.md); returns rows removed."""
    removed, _by_model = NationalIdentity.objects.filter(person=person).delete()
    return removed


def rotate_national_id_keys() -> int:
    """Re-encrypt every stored ID with the first (newest) key; returns how many rows were rewritten.

    Rotation (docs/national-upload.md §6): put the new key first in NATIONAL_ID_KEYS, keep the old
    ones after it, run `manage.py rotate_national_id_keys`, then drop the old keys.
    """
    fernet = _fernet()
    rewritten = 0
    with transaction.atomic():
        rows = list(NationalIdentity.objects.select_for_update().order_by("pk"))
        failed = 0
        for identity in rows:
            try:
                identity.token = fernet.rotate(bytes(identity.token))
            except InvalidToken:
                failed += 1
                continue
            identity.save(update_fields=["token", "updated_at"])
            rewritten += 1
        if failed:
            raise _wrong_key_error(failed)
    return rewritten


def _decrypt_all(person_ids: set[int]) -> dict[int, str]:
    """Decrypt the IDs of these people; a token the keys cannot read stops the export (never a silent gap)."""
    fernet = _fernet()
    out, failed = {}, 0
    for person_id, token in NationalIdentity.objects.filter(person_id__in=person_ids).values_list("person_id", "token"):
        try:
            out[person_id] = fernet.decrypt(bytes(token)).decode()
        except InvalidToken:
            failed += 1
    if failed:
        raise _wrong_key_error(failed)
    return out


# --- Formats -------------------------------------------------------------------------------------


def roc_date(value: dt.date) -> str:
    """民國 year-MM-DD, as both public implementations write it (docs/national-upload.md §1)."""
    return f"{value.year - 1911}-{value.month:02d}-{value.day:02d}"


def clock(value: dt.time) -> str:
    return f"{value:%H:%M}:00"


def hours_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


def encode_csv(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    """The one place that turns a table into the bytes of one upload file.

    Written by the shared safe writer (`tabular`, formula-leading cells neutralised): CRLF line
    ends; Big5 (cp950) without a BOM as the portal's own tools write it, or UTF-8 with a BOM so
    that Excel opens it. Characters not in Big5 never reach this point: the plan reports them.
    """
    return tabular.csv_bytes(header, rows, encoding=encoding)


# --- Plan ----------------------------------------------------------------------------------------


@dataclass
class PlannedRow:
    """One row to write, everything but the decrypted ID."""

    person: Person
    values: list[str]  # the row with an empty first cell (身分證字號) — or the ID column for 環教
    id_column: int
    texts: list[str]  # the free texts that must encode (name, course title)


@dataclass
class LeftOut:
    employee_number: str
    name: str
    course: str
    offering: str
    reason: str


@dataclass
class UploadPlan:
    kind: str
    encoding: str
    header: list[str]
    scope_label: str
    file_stem: str
    rows: list[PlannedRow] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    unencodable: list[LeftOut] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def file_count(self) -> int:
        return max(1, -(-len(self.rows) // MAX_ROWS_PER_FILE)) if self.rows else 0

    @property
    def blocking(self) -> list[str]:
        """Why an export would be refused right now (the page shows these; the service enforces them)."""
        reasons = list(self.problems)
        if self.unencodable and self.encoding != "utf-8":
            reasons.append(
                _("有 %(n)s 筆姓名或課程名稱含 Big5 無法表示的字，請先更正，或改以 UTF-8 匯出。")
                % {"n": len(self.unencodable)}
            )
        if not self.rows:
            reasons.append(_("沒有可寫入的資料列（未列入的原因見下表），不產製空白檔案。"))
        return reasons


def _scope(offering: Offering | None, start: dt.date | None, end: dt.date | None) -> None:
    if offering is None and (start is None or end is None):
        raise ValidationError({"period": _("請指定班期，或起訖日期。")})
    if start and end and end < start:
        raise ValidationError({"period": _("結束日期不可早於開始日期。")})


def _records(offering, start, end):
    records = (
        LearningRecord.objects.filter(
            verb__in=[LearningRecord.Verb.COMPLETED, LearningRecord.Verb.PASSED, LearningRecord.Verb.FAILED],
            track__isnull=True,
        )
        .select_related("person__agency", "course", "offering")
        .prefetch_related("offering__sessions")
    )
    if offering is not None:
        records = records.filter(offering=offering)
    if start and end:
        records = records.filter(occurred_on__gte=start, occurred_on__lte=end)
    return list(records.order_by("occurred_at", "pk"))


def _defaults() -> tuple[dict[str, NationalCode], list[str]]:
    defaults = {c.kind: c for c in NationalCode.objects.filter(is_default=True, is_active=True)}
    problems = []
    for kind in (NationalCode.Kind.CITY, NationalCode.Kind.UNIT, NationalCode.Kind.DEGREE_CREDIT):
        if kind not in defaults:
            problems.append(
                _("代碼表「%(table)s」沒有啟用的預設值，請於管理後台「終身學習入口網代碼」設定。")
                % {"table": NationalCode.Kind(kind).label}
            )
    return defaults, problems


def _nature_codes() -> dict[str, str]:
    by_name = {
        c.name: c.code for c in NationalCode.objects.filter(kind=NationalCode.Kind.LEARNING_NATURE, is_active=True)
    }
    return {key: by_name.get(name, NATURE_FALLBACK[key]) for key, name in NATURE_NAMES.items()}


def _split(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Split hours in proportion to the shares, to a tenth of an hour, the last part taking the rounding."""
    whole = sum(shares)
    if whole <= 0:
        return [ZERO for _share in shares]
    parts = [(total * share / whole).quantize(TENTH, rounding=ROUND_HALF_UP) for share in shares[:-1]]
    return [*parts, total - sum(parts, ZERO)]


def _category_shares(course, mappings: list[CourseNationalCategory]) -> list[tuple[NationalCode, Decimal]]:
    explicit = sum((m.hours for m in mappings if m.hours is not None), ZERO)
    rest = max(Decimal(course.credit_hours) - explicit, ZERO)
    blanks = [m for m in mappings if m.hours is None]
    shares = []
    for mapping in mappings:
        share = mapping.hours if mapping.hours is not None else rest / len(blanks)
        shares.append((mapping.category, share))
    return [(category, share) for category, share in shares if share > 0] or [(mappings[0].category, Decimal("1"))]


def _record_hours(record: LearningRecord) -> tuple[Decimal, Decimal]:
    """(digital, classroom) hours: classroom = scheduled − leave; digital only if passed (docs/national-upload.md)."""
    offering = record.offering
    modality = record.modality or (offering.modality if offering else "")
    credited = record.credited_hours or ZERO
    if record.verb == LearningRecord.Verb.FAILED:
        return ZERO, ZERO
    leave = record.leave_hours or ZERO
    scheduled = record.scheduled_hours if record.scheduled_hours is not None else credited
    if modality == Modality.ELEARNING:
        return credited, ZERO
    if modality == Modality.BLENDED:
        # The session days are the classroom part of a blended class; the rest is its digital part.
        sessions = sum((s.hours for s in offering.sessions.all()), ZERO) if offering else ZERO
        classroom_scheduled = min(sessions, scheduled) if sessions else scheduled
        classroom = max(classroom_scheduled - leave, ZERO)
        return max(credited - classroom, ZERO), classroom
    return ZERO, max(scheduled - leave, ZERO)


def _nature(digital: Decimal, classroom: Decimal, codes: dict[str, str]) -> str:
    if digital > 0 and classroom > 0:
        return codes["blended"]
    return codes["digital"] if digital > 0 else codes["classroom"]


def _attendance_text(record: LearningRecord, missed: dict[str, Decimal] | None) -> str:
    """全勤, or the leave kinds with their hours (事假2小時、病假1小時); blank for self-paced e-learning."""
    modality = record.modality or (record.offering.modality if record.offering else "")
    if record.offering is None or modality == Modality.ELEARNING:
        return ""
    if missed:
        return "、".join(
            f"{label}{hours_text(missed[value])}小時" for value, label in LeaveKind.choices if value in missed
        )
    if record.leave_hours:
        return f"{LeaveKind.ABSENCE.label}{hours_text(record.leave_hours)}小時"
    return FULL_ATTENDANCE


def _dates(record: LearningRecord):
    """(start date, start time, end date, end time, actual start/end...) from the sessions, else the offering."""
    offering = record.offering
    local = timezone.localtime(record.occurred_at)
    sessions = sorted(offering.sessions.all(), key=lambda s: (s.date, s.start_time)) if offering else []
    if sessions:
        first, last = sessions[0], sessions[-1]
        start = (first.date, first.start_time)
        end = (last.date, last.end_time)
        return start, end, start, end
    start = (offering.start_date if offering else local.date(), dt.time(0, 0))
    end = (offering.end_date if offering else local.date(), dt.time(23, 59))
    actual_end = (local.date(), local.time().replace(second=0, microsecond=0))
    return start, end, start, actual_end


def _single_line(text: str, limit: int = 200) -> str:
    return " ".join((text or "").split())[:limit]


def plan_national_upload(
    *,
    kind: str = NationalIdExport.Kind.LIFELONG,
    offering: Offering | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    encoding: str = DEFAULT_ENCODING,
) -> UploadPlan:
    """Every row the upload will hold, and who or what is left out and why. Decrypts nothing."""
    _scope(offering, start, end)
    if encoding not in ENCODINGS:
        raise ValidationError({"encoding": _("編碼須為 Big5 (cp950) 或 UTF-8。")})
    environmental = kind == NationalIdExport.Kind.ENVIRONMENTAL
    prefix = "env" if environmental else "lifelong"
    if offering is not None:
        scope_label = f"{offering.code}（{_('第 %(n)s 期') % {'n': offering.term}}）"
        file_stem = f"{prefix}_{offering.code}_T{offering.term}"
    else:
        scope_label = f"{roc_date(start)} ~ {roc_date(end)}"
        file_stem = f"{prefix}_{roc_date(start).replace('-', '')}-{roc_date(end).replace('-', '')}"
    plan = UploadPlan(
        kind=kind,
        encoding=encoding,
        header=ENVIRONMENTAL_COLUMNS if environmental else LIFELONG_COLUMNS,
        scope_label=scope_label,
        file_stem=file_stem,
    )
    defaults, plan.problems = _defaults()
    if environmental and NationalCode.Kind.ENV_METHOD not in defaults:
        plan.problems.append(
            _("代碼表「%(table)s」沒有啟用的預設值，請於管理後台「終身學習入口網代碼」設定。")
            % {"table": NationalCode.Kind.ENV_METHOD.label}
        )
    natures = _nature_codes()

    def default_code(kind: str) -> str:
        return defaults[kind].code if kind in defaults else ""

    records = _records(offering, start, end)
    course_ids = {r.course_id for r in records if r.course_id}
    mappings: dict[int, list[CourseNationalCategory]] = {}
    for mapping in (
        CourseNationalCategory.objects.filter(course_id__in=course_ids, category__is_active=True)
        .select_related("category")
        .order_by("sort_order", "pk")
    ):
        mappings.setdefault(mapping.course_id, []).append(mapping)
    with_ids = set(
        NationalIdentity.objects.filter(person_id__in={r.person_id for r in records}).values_list(
            "person_id", flat=True
        )
    )
    missed = missed_hours_by_kind(
        offering_ids={r.offering_id for r in records if r.offering_id}, person_ids={r.person_id for r in records}
    )

    def leave_out(record, reason):
        plan.left_out.append(
            LeftOut(
                employee_number=record.person.employee_number,
                name=record.person.name,
                course=record.course.title if record.course else record.external_title,
                offering=record.offering.code if record.offering else "",
                reason=reason,
            )
        )

    for record in records:
        course = record.course
        course_mappings = mappings.get(record.course_id, [])
        if environmental:
            course_mappings = [m for m in course_mappings if m.category.is_environmental]
            if not course_mappings:
                continue  # not environmental education: simply not part of this upload
        modality = record.modality or (record.offering.modality if record.offering else "")
        if record.verb == LearningRecord.Verb.FAILED:
            reason = _("數位課程未通過") if modality == Modality.ELEARNING else _("未通過")
            leave_out(record, reason)
            continue
        if course is None:
            leave_out(record, _("外部學習未對應本中心課程，無課程類別代碼"))
            continue
        if not course_mappings:
            leave_out(record, _("課程未設定課程類別代碼"))
            continue
        if record.person_id not in with_ids:
            leave_out(record, _("學員未登錄身分證字號"))
            continue
        digital, classroom = _record_hours(record)
        if digital + classroom <= 0:
            leave_out(record, _("認證時數為 0"))
            continue
        shares = _category_shares(course, course_mappings)
        digital_parts = _split(digital, [s for _c, s in shares])
        classroom_parts = _split(classroom, [s for _c, s in shares])
        (start_d, start_t), (end_d, end_t), (real_sd, real_st), (real_ed, real_et) = _dates(record)
        attendance = _attendance_text(record, missed.get((record.offering_id, record.person_id)))
        term = str(record.offering.term) if record.offering else "1"
        texts = [record.person.name, course.title]
        if not environmental:
            texts.append(attendance)
        parts = zip(shares, digital_parts, classroom_parts, strict=True)
        for (category, _share), part_digital, part_classroom in parts:
            if part_digital + part_classroom <= 0:
                continue
            # Several categories: the course name carries the category, as the public implementation does.
            title = f"{course.title}-{category.name}" if len(shares) > 1 else course.title
            total = part_digital + part_classroom
            nature = _nature(part_digital, part_classroom, natures)
            if environmental:
                values = [
                    str(start_d.year - 1911),
                    record.person.agency.code,
                    "",
                    title,
                    roc_date(start_d),
                    record.person.name,
                    default_code(NationalCode.Kind.ENV_METHOD),
                    category.code,
                    _single_line(course.summary),
                    default_code(NationalCode.Kind.CITY),
                    _single_line(record.offering.venue if record.offering else "", 100),
                    term,
                    roc_date(end_d),
                    hours_text(total),
                    nature,
                    hours_text(part_digital),
                    hours_text(part_classroom),
                    course.code,
                ]
                id_column = 2
                row_texts = [*texts, title, values[8], values[10]]
            else:
                values = [
                    "",
                    title,
                    roc_date(start_d),
                    clock(start_t),
                    roc_date(end_d),
                    clock(end_t),
                    record.person.name,
                    default_code(NationalCode.Kind.DEGREE_CREDIT),
                    category.code,
                    default_code(NationalCode.Kind.CITY),
                    term,
                    hours_text(total),
                    default_code(NationalCode.Kind.UNIT),
                    hours_text(record.score),
                    record.certificate_number,
                    attendance,
                    "",  # 生日: optional, and not held by the LMS (docs/national-upload.md §1)
                    nature,
                    hours_text(part_digital),
                    hours_text(part_classroom),
                    course.code,
                    roc_date(real_sd),
                    clock(real_st),
                    roc_date(real_ed),
                    clock(real_et),
                ]
                id_column = 0
                row_texts = [*texts, title, record.certificate_number]
            plan.rows.append(PlannedRow(person=record.person, values=values, id_column=id_column, texts=row_texts))
        if encoding != "utf-8":
            bad = [t for t in texts if not _encodable(t, encoding)]
            if bad:
                plan.unencodable.append(
                    LeftOut(
                        employee_number=record.person.employee_number,
                        name=record.person.name,
                        course=course.title,
                        offering=record.offering.code if record.offering else "",
                        reason=_("無法以 Big5 表示的字：%(chars)s")
                        % {"chars": "".join(sorted({c for t in bad for c in t if not _encodable(c, encoding)}))},
                    )
                )
    return plan


def _encodable(text: str, encoding: str) -> bool:
    try:
        (text or "").encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# --- Export --------------------------------------------------------------------------------------


@dataclass
class NationalUpload:
    content: bytes
    filename: str
    content_type: str
    audit: NationalIdExport


def _package(plan: UploadPlan, rows: list[list[str]]) -> tuple[bytes, str, str]:
    """One CSV, or a zip of CSVs of at most MAX_ROWS_PER_FILE rows each, named with the scope and row span."""
    chunks = [rows[i : i + MAX_ROWS_PER_FILE] for i in range(0, len(rows), MAX_ROWS_PER_FILE)]
    files = []
    for index, chunk in enumerate(chunks):
        first = index * MAX_ROWS_PER_FILE + 1
        name = f"{plan.file_stem}_{first:04d}-{first + len(chunk) - 1:04d}.csv"
        files.append((name, encode_csv(plan.header, chunk, plan.encoding)))
    charset = "big5" if plan.encoding == "cp950" else "utf-8"
    if len(files) == 1:
        return files[0][1], files[0][0], f"text/csv; charset={charset}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            # A fixed timestamp: the same rows give the same zip (and the same audited hash).
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue(), f"{plan.file_stem}.zip", "application/zip"


def build_national_export(
    *,
    user,
    kind: str = NationalIdExport.Kind.LIFELONG,
    offering: Offering | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    encoding: str = DEFAULT_ENCODING,
    client_ip: str | None = None,
) -> NationalUpload:
    """The upload file (CSV, or zip of CSVs) for one offering or a period, and its audit row.

    Raises NationalIdKeyError (key missing, malformed or wrong) or ValidationError (scope, code
    tables, names Big5 cannot write, nothing to write) — never an empty or partly decrypted file.
    """
    plan = plan_national_upload(kind=kind, offering=offering, start=start, end=end, encoding=encoding)
    _fernet()  # a missing or malformed key is reported before anything else
    if plan.blocking:
        raise ValidationError({"plan": plan.blocking})
    ids = _decrypt_all({row.person.pk for row in plan.rows})
    rows = []
    for planned in plan.rows:
        values = list(planned.values)
        values[planned.id_column] = ids[planned.person.pk]
        rows.append(values)
    content, filename, content_type = _package(plan, rows)
    with transaction.atomic():
        audit = NationalIdExport(
            exported_by=user,
            kind=kind,
            encoding=encoding,
            offering=offering,
            period_start=start,
            period_end=end,
            row_count=len(rows),
            file_count=plan.file_count,
            person_count=len({row.person.pk for row in plan.rows}),
            missing_national_ids=len(
                {lo.employee_number for lo in plan.left_out if lo.reason == _("學員未登錄身分證字號")}
            ),
            sha256=hashlib.sha256(content).hexdigest(),
            client_ip=client_ip,
        )
        audit.full_clean()
        audit.save()
    return NationalUpload(content=content, filename=filename, content_type=content_type, audit=audit)


def left_out_csv(plan: UploadPlan) -> bytes:
    """The readiness list (who or what is left out, and why) as a UTF-8 CSV for staff; no national IDs."""
    header = [_("類型"), _("員工編號"), _("姓名"), _("課程"), _("班期"), _("原因")]
    rows = [[_("未列入"), lo.employee_number, lo.name, lo.course, lo.offering, lo.reason] for lo in plan.left_out]
    rows += [[_("Big5 無法表示"), u.employee_number, u.name, u.course, u.offering, u.reason] for u in plan.unencodable]
    return encode_csv(header, rows, "utf-8")
