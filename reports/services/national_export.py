"""National IDs (encrypted at rest) and the national lifelong-learning portal export.

shared/domain.md, "National reporting": every training provider uploads certified hours to
公務人員終身學習入口網站 as a 25-column CSV keyed on the national ID. The ID is needed for that
export alone, so it is stored Fernet-encrypted (key from the environment), decrypted only in
`build_national_export`, and every export is written to NationalIdExport.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from decimal import Decimal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import tabular
from courses.models import Modality, Offering
from lms.people.models import Person
from lms.roc import format_roc_compact
from reports.models import LearningRecord, NationalIdentity, NationalIdExport

# 身分證字號 and the new-format resident certificate number: a letter, 1/2 or 8/9, then 8 digits.
NATIONAL_ID_RE = re.compile(r"^[A-Z][1289]\d{8}$")

CITY = "高雄市"
PROVIDER = "高雄市政府公務人力發展中心"

# The portal's 25 columns, in order (shared/domain.md). 課程類別代碼 comes from the portal's code
# table, which the seeds do not give; CATEGORY_CODES maps competency-axis slugs to it when known.
NATIONAL_COLUMNS = [
    "身分證字號",
    "課程名稱",
    "開課起日",
    "開課起時",
    "開課迄日",
    "開課迄時",
    "姓名",
    "課程類別代碼",
    "縣市別",
    "期別",
    "訓練總數",
    "訓練總數單位",
    "成績",
    "證書字號",
    "出席狀況",
    "學習性質",
    "數位時數",
    "實體時數",
    "課程代碼",
    "實際上課起日",
    "實際上課起時",
    "實際上課迄日",
    "實際上課迄時",
    "開課單位",
    "備註",
]
CATEGORY_CODES: dict[str, str] = {}

# 學習性質: 1 digital, 2 classroom, 3 blended (shared/domain.md). Remote synchronous is taught live, as a class.
NATURE = {Modality.ELEARNING: "1", Modality.CLASSROOM: "2", Modality.REMOTE: "2", Modality.BLENDED: "3"}


def _fernet() -> MultiFernet:
    keys = getattr(settings, "NATIONAL_ID_KEYS", None) or os.environ.get("NATIONAL_ID_KEYS", "")
    if isinstance(keys, str):
        keys = [k.strip() for k in keys.split(",") if k.strip()]
    if not keys:
        raise ImproperlyConfigured("NATIONAL_ID_KEYS (Fernet keys, newest first) is not set")
    return MultiFernet([Fernet(k) for k in keys])


def set_national_id(*, person: Person, national_id: str) -> NationalIdentity:
    value = (national_id or "").strip().upper()
    if not NATIONAL_ID_RE.match(value):
        raise ValidationError({"national_id": _("身分證字號格式不正確。")})
    identity, _created = NationalIdentity.objects.update_or_create(
        person=person, defaults={"token": _fernet().encrypt(value.encode())}
    )
    return identity


def _decrypt_all(person_ids: set[int]) -> dict[int, str]:
    fernet = _fernet()
    out = {}
    for person_id, token in NationalIdentity.objects.filter(person_id__in=person_ids).values_list("person_id", "token"):
        try:
            out[person_id] = fernet.decrypt(bytes(token)).decode()
        except InvalidToken:
            continue
    return out


def _hours(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _row(record: LearningRecord, national_id: str) -> list[str]:
    offering = record.offering
    course = record.course
    sessions = sorted(offering.sessions.all(), key=lambda s: (s.date, s.start_time)) if offering else []
    local = timezone.localtime(record.occurred_at)
    start_date = offering.start_date if offering else local.date()
    end_date = offering.end_date if offering else local.date()
    start_time = f"{sessions[0].start_time:%H:%M}" if sessions else ""
    end_time = f"{sessions[-1].end_time:%H:%M}" if sessions else ""
    modality = record.modality or (offering.modality if offering else "")
    scheduled = record.scheduled_hours if record.scheduled_hours is not None else record.credited_hours
    leave = record.leave_hours or Decimal("0")
    # Credited classroom hours = scheduled − leave; digital hours count only if passed (shared/domain.md).
    digital = classroom = Decimal("0")
    if modality == Modality.ELEARNING:
        digital = (
            record.credited_hours
            if record.verb in (LearningRecord.Verb.PASSED, LearningRecord.Verb.COMPLETED)
            else Decimal("0")
        )
    elif modality == Modality.BLENDED:
        classroom = max(scheduled - leave, Decimal("0"))
        digital = max(record.credited_hours - classroom, Decimal("0"))
    else:
        classroom = max(scheduled - leave, Decimal("0"))
    attendance = "全勤" if leave == 0 else f"事假/病假 共{_hours(leave)}小時"
    axis_slug = course.competency_axis.slug if course and course.competency_axis_id else ""
    return [
        national_id,
        course.title if course else record.external_title,
        format_roc_compact(start_date),
        start_time,
        format_roc_compact(end_date),
        end_time,
        record.person.name,
        CATEGORY_CODES.get(axis_slug, ""),
        CITY,
        str(offering.term) if offering else "",
        _hours(digital + classroom),
        "小時",
        _hours(record.score),
        record.certificate_number,
        attendance,
        NATURE.get(modality, "2"),
        _hours(digital),
        _hours(classroom),
        course.code if course else "",
        format_roc_compact(start_date if offering else local.date()),
        start_time if offering else f"{local:%H:%M}",
        format_roc_compact(end_date if offering else local.date()),
        end_time if offering else f"{local:%H:%M}",
        PROVIDER,
        "",
    ]


def build_national_export(
    *,
    user,
    offering: Offering | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    client_ip: str | None = None,
) -> tuple[bytes, NationalIdExport]:
    """The portal CSV for one offering or a period (certified completions only), and its audit row."""
    if offering is None and (start is None or end is None):
        raise ValidationError({"period": _("請指定班期，或起訖日期。")})
    if start and end and end < start:
        raise ValidationError({"period": _("結束日期不可早於開始日期。")})
    records = (
        LearningRecord.objects.filter(
            verb__in=[LearningRecord.Verb.COMPLETED, LearningRecord.Verb.PASSED], track__isnull=True
        )
        .select_related("person", "course__competency_axis", "offering")
        .prefetch_related("offering__sessions")
    )
    if offering is not None:
        records = records.filter(offering=offering)
    if start and end:
        records = records.filter(occurred_on__gte=start, occurred_on__lte=end)
    records = list(records.order_by("occurred_at", "pk"))
    ids = _decrypt_all({r.person_id for r in records})
    # The portal keys on the ID: a row without it would be rejected; those are counted in the audit.
    rows = [_row(record, ids[record.person_id]) for record in records if record.person_id in ids]
    written = len(rows)
    content = tabular.csv_bytes(NATIONAL_COLUMNS, rows)  # the shared safe writer (formula-leading cells)
    with transaction.atomic():
        audit = NationalIdExport(
            exported_by=user,
            offering=offering,
            period_start=start,
            period_end=end,
            row_count=written,
            person_count=len({r.person_id for r in records if r.person_id in ids}),
            missing_national_ids=len({r.person_id for r in records} - set(ids)),
            sha256=hashlib.sha256(content).hexdigest(),
            client_ip=client_ip,
        )
        audit.full_clean()
        audit.save()
    return content, audit
