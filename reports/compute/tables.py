"""DataFrames → plain rows (lists of dicts) for pages, files, e-mails and the API.

Keeping this step in compute means nothing outside reports/compute imports pandas.
"""

from __future__ import annotations

import math

import pandas as pd

from reports.compute.compliance import STEPLEN, RuleSpec


def rule_totals(*, rules: list[RuleSpec], agency_rows: list[dict]) -> list[dict]:
    """Per rule, summed over the top rows (level 0) of `agency_rows`: eligible, compliant, share."""
    roots = [row for row in agency_rows if row["level"] == 0]
    totals = []
    for i, rule in enumerate(rules):
        figures = [row["rules"][i] for row in roots if row["rules"][i]]
        eligible = sum(f["eligible"] for f in figures)
        compliant = sum(f["compliant"] for f in figures)
        totals.append(
            {
                "rule": rule,
                "eligible": eligible,
                "compliant": compliant,
                "share": compliant / eligible if eligible else 0,
            }
        )
    return totals


def _num(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.item() if hasattr(value, "item") else value


def agency_rows(
    *,
    overview: pd.DataFrame,
    per_rule: pd.DataFrame,
    agencies: pd.DataFrame,
    scope_path: str | None,
    rules: list[RuleSpec],
) -> list[dict]:
    """One row per agency in scope (tree order) with headcount, average hours and per-rule figures."""
    frame = agencies.merge(overview, on="agency_id", how="inner")
    if scope_path:
        frame = frame.loc[frame["path"].str.startswith(scope_path)]
    frame = frame.sort_values("path")
    by_agency: dict[int, dict] = {}
    for row in per_rule.itertuples(index=False):
        by_agency.setdefault(int(row.agency_id), {})[int(row.rule_id)] = {
            "eligible": int(row.eligible),
            "compliant": int(row.compliant),
            "share": float(row.share),
            "coverage_target": _num(row.coverage_target),
            "target_met": bool(row.target_met),
        }
    base_depth = len(scope_path) // STEPLEN if scope_path else 1
    rows = []
    for row in frame.itertuples(index=False):
        rows.append(
            {
                "agency_id": int(row.agency_id),
                "agency_code": row.code,
                "agency_name": row.name,
                "level": len(row.path) // STEPLEN - base_depth,
                "headcount": int(row.headcount),
                "average_hours": float(row.average_hours),
                "rules": [by_agency.get(int(row.agency_id), {}).get(rule.id) for rule in rules],
            }
        )
    return rows


def person_rule_rows(
    *,
    person_rules: pd.DataFrame,
    people: pd.DataFrame,
    agencies: pd.DataFrame,
    labels: dict[int, tuple[str, str, str]],
    rules: list[RuleSpec],
    only_missing: bool,
) -> list[dict]:
    """(person, rule) rows with the person's agency at the report date, value, target and what is missing."""
    frame = person_rules.loc[~person_rules["met"].astype(bool)] if only_missing else person_rules
    frame = frame.merge(people[["person_id", "agency_id"]], on="person_id").merge(
        agencies[["agency_id", "code", "name", "path"]], on="agency_id"
    )
    order = {rule.id: i for i, rule in enumerate(rules)}
    frame = frame.assign(rule_order=frame["rule_id"].map(order)).sort_values(["path", "person_id", "rule_order"])
    labels_frame = pd.DataFrame.from_dict(labels, orient="index", columns=["employee_number", "name", "email"])
    rule_frame = pd.DataFrame(
        {
            "rule_id": [r.id for r in rules],
            "rule_code": [r.code for r in rules],
            "rule_name": [r.name for r in rules],
            "unit": [r.unit for r in rules],
        }
    )
    frame = frame.rename(columns={"code": "agency_code", "name": "agency_name"})
    frame = frame.merge(labels_frame, left_on="person_id", right_index=True, how="left").merge(rule_frame, on="rule_id")
    out = pd.DataFrame(
        {
            "person_id": frame["person_id"].astype(int).to_numpy(),
            "employee_number": frame["employee_number"].fillna("").to_numpy(),
            "name": frame["name"].fillna("").to_numpy(),
            "email": frame["email"].fillna("").to_numpy(),
            "agency_code": frame["agency_code"].to_numpy(),
            "agency_name": frame["agency_name"].to_numpy(),
            "rule_id": frame["rule_id"].astype(int).to_numpy(),
            "rule_code": frame["rule_code"].to_numpy(),
            "rule_name": frame["rule_name"].to_numpy(),
            "unit": frame["unit"].to_numpy(),
            "value": _plain_numbers(frame["value"]),
            "target": _plain_numbers(frame["target"]),
            "missing": _plain_numbers(frame["missing"]),
            "met": frame["met"].astype(bool).to_numpy(),
        }
    )
    return out.to_dict(orient="records")


def _plain_numbers(series: pd.Series):
    """Floats as Python numbers for display: 9.0 → 9, 2.5 stays 2.5 (vectorised, no per-row calls)."""
    values = series.astype(float).round(2).to_numpy()
    integral = values == values.round()
    out = values.astype(object)
    out[integral] = values[integral].astype(int).tolist() if integral.any() else []
    return out


def figure_rows(frame: pd.DataFrame) -> list[dict]:
    return [{k: _num(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
