"""The hand-computed city of tests/reports/conftest.py as a golden expectation."""

import datetime as dt

import pytest

from reports.builders import build_compliance_report, build_learner_report
from reports.models import LearningRecord
from tests.reports.conftest import TODAY

pytestmark = pytest.mark.django_db

# agency code → headcount, average hours in 2019, {rule code: (eligible, compliant)}
GOLDEN_AGENCIES = {
    "A": (3, 15.67, {"R1": (3, 1), "R2": (3, 2), "R3": (3, 3), "R4": (3, 1), "R5": (1, 1), "R6": (2, 2)}),
    "A1": (2, 14.0, {"R1": (2, 1), "R2": (2, 1), "R3": (2, 2), "R4": (2, 0), "R6": (2, 2)}),
    "B": (1, 0.0, {"R1": (1, 0), "R2": (1, 0), "R3": (1, 0), "R4": (1, 0)}),
}
# (employee number, rule code) → (value so far, target, missing)
GOLDEN_MISSING = {
    ("P1", "R1"): (9, 20, 11),
    ("P2", "R1"): (7, 20, 13),
    ("P2", "R2"): (0, 1, 1),
    ("P2", "R4"): (2, 3, 1),
    ("P3", "R4"): (0, 3, 3),
    ("P4", "R1"): (0, 20, 20),
    ("P4", "R2"): (0, 1, 1),
    ("P4", "R3"): (0, 4, 4),
    ("P4", "R4"): (0, 3, 3),
}


def _figures(report):
    out = {}
    for row in report.agencies:
        rules = {
            rule.code: (f["eligible"], f["compliant"]) for rule, f in zip(report.rules, row["rules"], strict=True) if f
        }
        out[row["agency_code"]] = (row["headcount"], round(row["average_hours"], 2), rules)
    return out


def test_city_report_matches_the_hand_computed_figures(city):
    report = build_compliance_report(year=2019, today=TODAY)
    assert report.as_of == dt.date(2019, 12, 31)
    assert [r.code for r in report.rules] == ["R1", "R2", "R3", "R4", "R5", "R6"]
    assert _figures(report) == GOLDEN_AGENCIES
    missing = {(p["employee_number"], p["rule_code"]): (p["value"], p["target"], p["missing"]) for p in report.people}
    assert missing == GOLDEN_MISSING


def test_cedaw_coverage_below_its_fifty_percent_target_is_not_met(city):
    report = build_compliance_report(year=2019, today=TODAY)
    a = next(row for row in report.agencies if row["agency_code"] == "A")
    r4 = a["rules"][[r.code for r in report.rules].index("R4")]
    assert r4["share"] == pytest.approx(1 / 3, abs=1e-4)
    assert r4["coverage_target"] == 0.5 and r4["target_met"] is False


def test_a_person_who_moved_mid_year_counts_at_the_agency_of_the_report_date(city):
    report_b = build_compliance_report(year=2019, agency=city.b, today=TODAY)
    assert {p["employee_number"] for p in report_b.people} == {"P4"}
    assert report_b.headcount == 1
    report_a1 = build_compliance_report(year=2019, agency=city.a1, today=TODAY)
    assert report_a1.headcount == 2
    assert {p["employee_number"] for p in report_a1.people} == {"P2", "P3"}


def test_a_completion_at_2330_on_31_december_taipei_counts_for_that_year(city):
    years = dict(
        LearningRecord.objects.filter(person=city.p2, course=city.courses.env).values_list("course__code", "year")
    )
    assert years == {"ENV": 2019}
    assert LearningRecord.objects.get(person=city.p2, course=city.courses.pol).year == 2020


def test_voided_and_corrected_records_count_once_with_the_corrected_hours(city):
    hours = list(
        LearningRecord.objects.filter(person=city.p2, course=city.courses.gen).values_list("credited_hours", flat=True)
    )
    assert [float(h) for h in hours] == [3.0]


def test_learner_report_lists_each_applicable_rule_with_hours_so_far_and_missing(city):
    report = build_learner_report(person=city.p2, year=2019, today=TODAY)
    assert report.total_hours == 7.0
    rows = {r["rule_code"]: (r["value"], r["target"], r["missing"], r["met"]) for r in report.rules}
    assert rows == {
        "R1": (7, 20, 13, False),
        "R2": (0, 1, 1, False),
        "R3": (4, 4, 0, True),
        "R4": (2, 3, 1, False),
        "R6": (1, 1, 0, True),
    }


def test_rules_for_supervisors_apply_to_supervisors_only(city):
    report = build_learner_report(person=city.p1, year=2019, today=TODAY)
    assert "R5" in {r["rule_code"] for r in report.rules}
    assert "R5" not in {r["rule_code"] for r in build_learner_report(person=city.p3, year=2019, today=TODAY).rules}
