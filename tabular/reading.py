"""Reading uploaded spreadsheets safely: XLSX streamed in read-only mode with the row limit enforced
while reading, zip bombs and broken archives refused with a clear error (docs/data-protection.md).

A 1.6 MB XLSX can expand to millions of rows: the file is never parsed whole before its size is
known. The archive's directory is checked first (total uncompressed size and compression ratio),
then rows are read one at a time and reading stops at the first row past the limit.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # per member of more than 1 MB; ordinary sheets compress 5–20 times
MAX_COLUMNS = 200


class UnreadableFile(ValueError):
    """The upload cannot be read safely; the message says why, in the user's language."""


def check_xlsx_archive(data: bytes) -> None:
    """Refuse a broken archive or one that would expand far beyond its size (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise UnreadableFile(_("XLSX 檔案已損壞或不是 XLSX 格式。")) from error
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise UnreadableFile(_("XLSX 檔案已損壞或不是 XLSX 格式。"))
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            _("XLSX 檔案解壓縮後超過 %(mb)s MB，無法匯入。") % {"mb": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise UnreadableFile(_("XLSX 檔案的壓縮比異常（可能是壓縮炸彈），無法匯入。"))


def read_xlsx_rows(data: bytes, *, max_rows: int, cell=str) -> list[list]:
    """The first sheet's rows, read streaming; UnreadableFile past `max_rows` or for a broken file."""
    from openpyxl import load_workbook

    check_xlsx_archive(data)
    rows = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for row in workbook.active.iter_rows(values_only=True):
                rows.append([cell(v) for v in row[:MAX_COLUMNS]])
                if len(rows) > max_rows:
                    raise UnreadableFile(_("檔案超過 %(n)s 列。") % {"n": max_rows})
        finally:
            workbook.close()
    except UnreadableFile:
        raise
    except Exception as error:  # noqa: BLE001 — openpyxl and its XML parser raise many kinds for a broken file
        raise UnreadableFile(_("無法讀取 XLSX 檔案（檔案已損壞）。")) from error
    return rows
