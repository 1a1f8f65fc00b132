"""CSV and XLSX files with zh-Hant headers, all from one column map per table.

CSV is UTF-8 with a byte-order mark so that Excel on Taiwanese desktops opens it correctly. Every
file is written by the shared safe writer (`tabular`), which neutralises formula-leading cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy as _

import tabular
from lms.roc import roc_year

# table → [(key, header)]; keys are row keys produced by reports.builders / reports.compute.tables.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "compliance_agencies": [
        ("roc_year", _("年度（民國）")),
        ("year", _("年度（西元）")),
        ("agency_code", _("機關代碼")),
        ("agency_name", _("機關名稱")),
        ("level", _("層級")),
        ("headcount", _("機關人數")),
        ("average_hours", _("平均學習時數")),
        ("rule_code", _("規定代碼")),
        ("rule_name", _("規定")),
        ("eligible", _("適用人數")),
        ("compliant", _("達成人數")),
        ("share", _("達成率")),
        ("coverage_target", _("涵蓋率目標")),
        ("target_met", _("是否達標")),
    ],
    "noncompliant": [
        ("roc_year", _("年度（民國）")),
        ("year", _("年度（西元）")),
        ("employee_number", _("員工編號")),
        ("name", _("姓名")),
        ("agency_code", _("機關代碼")),
        ("agency_name", _("機關名稱")),
        ("rule_code", _("規定代碼")),
        ("rule_name", _("規定")),
        ("value", _("已完成")),
        ("target", _("應達")),
        ("missing", _("尚缺")),
        ("unit_name", _("單位")),
    ],
    "learner": [
        ("roc_year", _("年度（民國）")),
        ("year", _("年度（西元）")),
        ("rule_code", _("規定代碼")),
        ("rule_name", _("規定")),
        ("value", _("已完成")),
        ("target", _("應達")),
        ("missing", _("尚缺")),
        ("unit_name", _("單位")),
        ("met_text", _("是否達成")),
    ],
    "certification": [
        ("roc_year", _("年度（民國）")),
        ("year", _("年度（西元）")),
        ("track_name", _("認證")),
        ("offering_code", _("班期")),
        ("agency_name", _("機關")),
        ("trained", _("受訓人數")),
        ("barred", _("缺課不得應考人數")),
        ("sat", _("應考人數")),
        ("passed", _("及格人數")),
        ("pass_rate_sat", _("及格率（及格÷應考，不含缺課者）")),
        ("pass_rate_trained", _("及格率（及格÷受訓，不含缺課者）")),
        ("certificates", _("核發證書數")),
        ("expiring", _("本年度到期證書數")),
    ],
    "center": [
        ("roc_year", _("年度（民國）")),
        ("year", _("年度（西元）")),
        ("dimension", _("統計維度")),
        ("label", _("項目")),
        ("classes", _("班數")),
        ("completions", _("結訓人次")),
        ("person_days", _("人天次")),
        ("hours", _("學習時數")),
        ("satisfaction", _("平均滿意度（1–5）")),
        ("responses", _("填答人數")),
    ],
}

COLUMNS["expiring_certificates"] = [
    ("agency_code", _("機關代碼")),
    ("agency_name", _("機關名稱")),
    ("employee_number", _("員工編號")),
    ("name", _("姓名")),
    ("track_name", _("認證")),
    ("certificate_number", _("證書字號")),
    ("valid_until_roc", _("有效期限（民國）")),
    ("valid_until", _("有效期限（西元）")),
    ("days_left", _("剩餘天數")),
    ("renewal_missing", _("換證尚缺")),
]

UNIT_NAMES = {"hours": _("小時"), "course": _("門課程")}


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("是")) if value else str(_("否"))
    return value


def _table(table: str, rows: Iterable[dict]) -> tuple[list[str], Iterable[list]]:
    columns = COLUMNS[table]
    header = [str(header) for _key, header in columns]
    return header, ([_cell(row.get(key)) for key, _header in columns] for row in rows)


def csv_bytes(table: str, rows: Iterable[dict]) -> bytes:
    return tabular.csv_bytes(*_table(table, rows))


def xlsx_bytes(table: str, rows: Iterable[dict], *, note: str = "") -> bytes:
    header, body = _table(table, rows)
    notes = [(str(_("說明")), [[note]])] if note else []
    return tabular.xlsx_bytes(header, body, sheet_title=str(_("報表")), extra_sheets=notes)


def render(table: str, rows: Iterable[dict], file_format: str, *, note: str = "") -> tuple[bytes, str]:
    """(content, content type) for `file_format` "csv" or "xlsx"."""
    if file_format == "csv":
        return csv_bytes(table, rows), "text/csv; charset=utf-8"
    return (
        xlsx_bytes(table, rows, note=note),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# Flatteners: report objects → the rows of the tables above.


def compliance_agency_rows(report) -> list[dict]:
    rows = []
    for agency in report.agencies:
        for rule, figures in zip(report.rules, agency["rules"], strict=True):
            if figures is None:
                continue
            rows.append(
                {
                    "roc_year": roc_year(report.year),
                    "year": report.year,
                    **{k: agency[k] for k in ("agency_code", "agency_name", "level", "headcount", "average_hours")},
                    "rule_code": rule.code,
                    "rule_name": rule.name,
                    **figures,
                }
            )
    return rows


def person_rows(report_year: int, rows: list[dict]) -> list[dict]:
    # The translated words are looked up once, not once a row: the city's list has ~112,000 rows.
    roc = roc_year(report_year)
    units = {unit: str(name) for unit, name in UNIT_NAMES.items()}
    met, not_met = str(_("已達成")), str(_("未達成"))
    return [
        {
            **row,
            "roc_year": roc,
            "year": report_year,
            "unit_name": units[row["unit"]],
            "met_text": met if row["met"] else not_met,
        }
        for row in rows
    ]


def certification_rows(report) -> list[dict]:
    base = {"roc_year": roc_year(report.year), "year": report.year}
    return [{**base, **row} for row in report.by_track + report.by_offering + report.by_agency]


def center_rows(report) -> list[dict]:
    base = {"roc_year": roc_year(report.year), "year": report.year}
    rows = [{**base, "dimension": str(_("合計")), "label": "", **report.total}]
    rows += [{**base, "dimension": str(_("上課方式")), "label": r["modality_name"], **r} for r in report.by_modality]
    rows += [{**base, "dimension": str(_("月份")), "label": f"{r['month']}", **r} for r in report.by_month]
    rows += [{**base, "dimension": str(_("主題")), "label": r["topic_name"], **r} for r in report.by_topic]
    rows += [
        {
            **base,
            "dimension": str(_("訓後滿意度")),
            "label": f"{r['offering_code']} {r['course_title']}",
            "satisfaction": r["average"],
            "responses": r["responses"],
        }
        for r in report.satisfaction
    ]
    return rows


FLATTENERS: dict[str, Callable] = {
    "compliance_agencies": compliance_agency_rows,
    "noncompliant": lambda report: person_rows(report.year, report.people),
    "certification": certification_rows,
    "center": center_rows,
    "expiring_certificates": lambda rows: rows,
}
