"""One safe writer for every tabular file the LMS hands out: CSV, XLSX and the text cells of PDFs.

Every export (learning records, reports, the agency API's CSV, the national portal upload)
writes through here so that one rule protects them all (docs/data-protection.md):

* OWASP's CSV-injection rule: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is prefixed with a single quote, so a spreadsheet shows it as text instead of
  running it as a formula (``=HYPERLINK(...)`` planted in a name or course title by an outside
  platform). Numbers stay numbers: ``-3`` written as a number is not a formula.
* XLSX text cells are typed as strings explicitly, never as formulas, whatever they contain
  (XlsxWriter's ``write_string``; one writer per format, so no other code writes XLSX).
* CSV can be written in UTF-8 (with the byte-order mark Excel on a Taiwanese desktop needs) or in
  Big5 / cp950 for systems that still read it; a character the encoding cannot hold is an error
  that names the row and column, never a silent "?".

This package knows nothing of the LMS domain: it takes a header and rows of plain values.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

__all__ = [
    "FORMULA_PREFIXES",
    "UnencodableCell",
    "cell_text",
    "csv_bytes",
    "neutralise",
    "printable_text",
    "xlsx_bytes",
]

# OWASP "CSV Injection": the characters a spreadsheet reads as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER_TYPES = (int, float, Decimal)
CONTROL_TO_SPACE = {ord(c): " " for c in "\t\r\n\v\f"}


class UnencodableCell(ValueError):
    """A cell holds a character the chosen CSV encoding cannot represent."""

    def __init__(self, *, row: int, column: str, character: str, encoding: str):
        self.row, self.column, self.character, self.encoding = row, column, character, encoding
        super().__init__(
            _("第 %(row)s 列「%(column)s」欄含有 %(encoding)s 無法表示的字元「%(character)s」。")
            % {"row": row, "column": column, "encoding": encoding, "character": character}
        )


def neutralise(value):
    """The value made safe for a spreadsheet cell: None → "", formula-leading text → quoted text.

    Numbers and dates are returned unchanged (a spreadsheet shows them as values); anything else
    becomes text, which is quoted when it starts with one of FORMULA_PREFIXES.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (*NUMBER_TYPES, dt.date)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def cell_text(value) -> str:
    """A cell as text, neutralised: for PDFs and every other place a cell is printed as a string."""
    value = neutralise(value)
    return value if isinstance(value, str) else str(value)


def printable_text(value) -> str:
    """cell_text for a printed page (PDF): tabs and line breaks become spaces, as a font has no glyph for them."""
    return cell_text(value).translate(CONTROL_TO_SPACE)


def _safe_rows(header: Sequence, rows: Iterable[Sequence]):
    yield [cell_text(h) for h in header]
    for row in rows:
        yield [neutralise(value) for value in row]


def csv_bytes(
    header: Sequence, rows: Iterable[Sequence], *, encoding: str = "utf-8", byte_order_mark: bool = True
) -> bytes:
    """A CSV file of `header` and `rows`, every cell neutralised, in `encoding`.

    UTF-8 gets a byte-order mark unless `byte_order_mark` is False; Big5/cp950 never has one.
    Raises UnencodableCell (row 1 is the header) when a character does not fit the encoding.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _safe_rows(header, rows):
        writer.writerow(row)
    text = buffer.getvalue()
    is_utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    try:
        content = text.encode(encoding)
    except UnicodeEncodeError as error:
        raise _unencodable(text, error, header, encoding) from None
    if is_utf8 and byte_order_mark:
        content = codecs.BOM_UTF8 + content
    return content


def _unencodable(text: str, error: UnicodeEncodeError, header: Sequence, encoding: str) -> UnencodableCell:
    # Re-read the CSV up to the bad character to name its row and column for the user.
    before = text[: error.start]
    parsed = list(csv.reader(io.StringIO(before + "\x00")))
    row_number = len(parsed)
    column_index = len(parsed[-1]) - 1 if parsed else 0
    names = [cell_text(h) for h in header]
    column = names[column_index] if column_index < len(names) else str(column_index + 1)
    return UnencodableCell(row=row_number, column=column, character=text[error.start], encoding=encoding)


def xlsx_bytes(
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    sheet_title: str = "Sheet1",
    extra_sheets: Sequence[tuple[str, Iterable[Sequence]]] = (),
) -> bytes:
    """An XLSX workbook, every cell neutralised and every text cell typed as a string, never a formula.

    Written by XlsxWriter in constant-memory mode: each row goes to a temporary file as it comes,
    so memory stays flat and 112,000 rows take about a second where openpyxl took about ten
    (bench/reports_compliance.py). Control characters are escaped as ECMA-376's ``_xHHHH_``, which
    spreadsheets show as the character (openpyxl refused them). An aware datetime is written in
    the site's time zone, as a spreadsheet has no time zones.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "nan_inf_to_errors": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})

    def write(title: str, sheet_header: Sequence | None, sheet_rows: Iterable[Sequence]) -> None:
        sheet = workbook.add_worksheet(title)
        all_rows = (
            _safe_rows(sheet_header, sheet_rows)
            if sheet_header is not None
            else ([neutralise(v) for v in row] for row in sheet_rows)
        )
        for row_number, row in enumerate(all_rows):
            for column, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(row_number, column, value)  # never write(): it would make "=…" a formula
                elif isinstance(value, dt.datetime):
                    if value.tzinfo is not None:
                        value = timezone.localtime(value).replace(tzinfo=None)
                    sheet.write_datetime(row_number, column, value, datetime_format)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(row_number, column, value, date_format)
                else:
                    sheet.write_number(row_number, column, value)

    write(sheet_title, header, rows)
    for title, sheet_rows in extra_sheets:
        write(title, None, sheet_rows)
    workbook.close()
    return buffer.getvalue()
