"""Builders of HR files (CSV in a chosen encoding, or XLSX) for the HR sync tests."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

AGENCY_HEADER = ["機關代碼", "機關名稱", "上級機關代碼", "機關類型", "停用"]
PEOPLE_HEADER = ["員工編號", "姓名", "機關代碼", "官等", "職等", "主管", "人員類別", "電子郵件", "到職日期", "離職日期"]

AGENCIES = [
    ["CITY", "高雄市政府", "", "一級機關", ""],
    ["SOC", "社會局", "CITY", "一級機關", ""],
    ["SOC-1", "社會局仁愛之家", "SOC", "二級機關", ""],
    ["CA", "民政局", "CITY", "一級機關", ""],
    ["DIST-1", "鹽埕區公所", "CA", "區公所", ""],
]


def person_row(number: str, agency: str = "SOC", **overrides) -> list[str]:
    row = {
        "員工編號": number,
        "姓名": f"測試{number}",
        "機關代碼": agency,
        "官等": "薦任",
        "職等": "7",
        "主管": "N",
        "人員類別": "公務人員",
        "電子郵件": f"{number.lower()}@example.kcg.gov.tw",
        "到職日期": "110/01/04",
        "離職日期": "",
    } | overrides
    return [row[h] for h in PEOPLE_HEADER]


def csv_file(name: str, header: list[str], rows: list[list], *, encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(name: str, header: list[str], rows: list[list]) -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def agencies_csv(rows=None, **kwargs) -> SimpleUploadedFile:
    return csv_file("agencies.csv", AGENCY_HEADER, AGENCIES if rows is None else rows, **kwargs)


def people_csv(rows, **kwargs) -> SimpleUploadedFile:
    return csv_file("people.csv", PEOPLE_HEADER, rows, **kwargs)
