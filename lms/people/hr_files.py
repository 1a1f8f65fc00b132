"""Reading HR files: CSV (UTF-8 with or without BOM, UTF-16, Big5/cp950) or XLSX, and ROC or Gregorian dates.

The column reference and the sample files are in docs/hr-sync.md and lms/people/samples/.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lms.roc import ROC_OFFSET

MAX_ROWS = 200_000


@dataclass(frozen=True)
class HrFile:
    """A file's rows as cell values (str or date), its header row, and the SHA-256 of its bytes."""

    name: str
    sha256: str
    header: list[str]
    rows: list[tuple[int, list]]  # (row number in the file, header = 1; cells)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    # cp950 is Big5 as Excel on a Taiwanese Windows saves CSV; big5hkscs covers the rarer characters in names.
    for encoding in ("utf-8-sig", "cp950", "big5hkscs"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("無法辨識檔案編碼，請存成 UTF-8、Big5 的 CSV 或 XLSX。"))


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
        raise ValidationError(_("無法讀取 XLSX 檔案。")) from error
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> list[list]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def read_hr_file(uploaded) -> HrFile:
    """Read a whole upload (a Django UploadedFile or any object with read() and name)."""
    name = getattr(uploaded, "name", "") or ""
    data = uploaded.read()
    if not data:
        raise ValidationError(_("檔案是空的。"))
    is_xlsx = name.lower().endswith(".xlsx") or data[:2] == b"PK"
    rows = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    numbered = [(i, row) for i, row in enumerate(rows, start=1) if any(c != "" for c in row)]
    if not numbered:
        raise ValidationError(_("檔案沒有任何資料列。"))
    if len(numbered) > MAX_ROWS + 1:
        raise ValidationError(_("檔案超過 %(max)s 列。") % {"max": MAX_ROWS})
    header_number, header = numbered[0]
    header = [str(h).strip().lstrip("\ufeff") for h in header]
    return HrFile(
        name=name.rsplit("/", 1)[-1],
        sha256=hashlib.sha256(data).hexdigest(),
        header=header,
        rows=numbered[1:],
    )


_ROC_OR_GREGORIAN = re.compile(r"^(?:民國)?\s*(\d{1,4})\s*[/\-.年]\s*(\d{1,2})\s*[/\-.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{6,8})$")


def parse_hr_date(value) -> dt.date | None:
    """A date in ROC (114/03/05, 114-03-05, 1140305, 民國114年3月5日) or Gregorian form; None if empty.

    A year below 1000 is an ROC year (ROC year + 1911, docs/domain.md). Raises ValueError.
    """
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    match = _ROC_OR_GREGORIAN.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif _COMPACT.match(text):
        # 7 digits: ROC yyymmdd; 8 digits: Gregorian yyyymmdd; 6 digits: ROC yymmdd (years 1–99).
        year, month, day = int(text[:-4]), int(text[-4:-2]), int(text[-2:])
    else:
        raise ValueError(text)
    if year < 1000:
        year += ROC_OFFSET
    return dt.date(year, month, day)
