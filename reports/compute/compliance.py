"""Compliance with requirement rules: pure, vectorised functions from DataFrames to DataFrames.

Inputs (built by reports.selectors, or by hand in unit tests):
- people: person_id, agency_id, employment_type, rank_series, grade (float, NaN if unknown), is_supervisor
- agencies: agency_id, path (treebeard materialised path), name
- records: person_id, course_id (float/NaN), modality, hours (float), year (int), verb
- courses: course_id, axis_id (NaN when the course has no competency axis)
- course_topics: course_id, topic_id
Rules are RuleSpec values. Work is one vectorised pass per rule (10 rules, not 50,000 people).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# treebeard's MP_Node default steplen: each tree level adds four characters to the path.
STEPLEN = 4

# Verbs whose credited hours count and which complete a course (courses/vocabulary.py).
CREDITING_VERBS = ("completed", "passed")

PERSON_RULE_COLUMNS = ["person_id", "rule_id", "value", "target", "missing", "met"]


@dataclass(frozen=True)
class RuleSpec:
    """A requirement rule as plain data (see reports.models.RequirementRule)."""

    id: int
    code: str
    name: str
    measure: str
    min_hours: float | None = None
    topic_ids: frozenset[int] = frozenset()
    axis_ids: frozenset[int] = frozenset()
    modalities: frozenset[str] = frozenset()
    course_id: int | None = None
    path_course_ids: frozenset[int] = frozenset()
    first_year: int = 0
    last_year: int = 0
    coverage_target_percent: float | None = None
    employment_types: frozenset[str] = frozenset()
    agency_path: str | None = None
    rank_series: frozenset[str] = frozenset()
    min_grade: int | None = None
    max_grade: int | None = None
    supervisors: str = "any"
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def unit(self) -> str:
        return "course" if self.measure in ("course_completion", "path_completion") else "hours"


def eligible_mask(rule: RuleSpec, people: pd.DataFrame, agencies: pd.DataFrame) -> pd.Series:
    """Which people the rule applies to (population filters; empty filter = everyone)."""
    mask = pd.Series(True, index=people.index)
    if rule.employment_types:
        mask &= people["employment_type"].isin(rule.employment_types)
    if rule.rank_series:
        mask &= people["rank_series"].isin(rule.rank_series)
    if rule.min_grade is not None:
        mask &= people["grade"].ge(rule.min_grade).fillna(False).astype(bool)
    if rule.max_grade is not None:
        mask &= people["grade"].le(rule.max_grade).fillna(False).astype(bool)
    if rule.supervisors == "only":
        mask &= people["is_supervisor"].astype(bool)
    elif rule.supervisors == "exclude":
        mask &= ~people["is_supervisor"].astype(bool)
    if rule.agency_path:
        paths = people["agency_id"].map(agencies.set_index("agency_id")["path"])
        mask &= paths.str.startswith(rule.agency_path).fillna(False).astype(bool)
    return mask


def _course_ids_with(courses: pd.DataFrame, course_topics: pd.DataFrame, rule: RuleSpec) -> np.ndarray:
    if rule.measure == "topic_hours":
        return course_topics.loc[course_topics["topic_id"].isin(rule.topic_ids), "course_id"].unique()
    if rule.measure == "axis_hours":
        return courses.loc[courses["axis_id"].isin(rule.axis_ids), "course_id"].unique()
    # Work-related learning (docs/domain.md, 2012 and 2017 regimes): courses classified on a
    # competency axis (職能構面) are work-related; unclassified ones (自我成長及其他) are not.
    return courses.loc[courses["axis_id"].notna(), "course_id"].unique()


def rule_values(rule: RuleSpec, records: pd.DataFrame, courses: pd.DataFrame, course_topics: pd.DataFrame) -> pd.Series:
    """The measure per person over the rule's counted years: hours, or completed required courses."""
    in_years = records["year"].between(rule.first_year, rule.last_year)
    # person_rule_status passes records already limited to crediting verbs; stay correct without.
    credited = True if records.attrs.get("credited_only") else records["verb"].isin(CREDITING_VERBS)
    if rule.measure == "total_hours":
        selected = records.loc[in_years & credited]
        return selected.groupby("person_id", sort=False)["hours"].sum()
    if rule.measure == "modality_hours":
        selected = records.loc[in_years & credited & records["modality"].isin(rule.modalities)]
        return selected.groupby("person_id", sort=False)["hours"].sum()
    if rule.measure in ("topic_hours", "axis_hours", "work_related_hours"):
        ids = _course_ids_with(courses, course_topics, rule)
        selected = records.loc[in_years & credited & records["course_id"].isin(ids)]
        return selected.groupby("person_id", sort=False)["hours"].sum()
    if rule.measure == "course_completion":
        selected = records.loc[in_years & credited & records["course_id"].eq(rule.course_id)]
        return selected.groupby("person_id", sort=False)["course_id"].nunique().clip(upper=1).astype(float)
    if rule.measure == "path_completion":
        selected = records.loc[in_years & credited & records["course_id"].isin(rule.path_course_ids)]
        return selected.groupby("person_id", sort=False)["course_id"].nunique().astype(float)
    raise ValueError(f"unknown measure {rule.measure!r}")


def rule_target(rule: RuleSpec) -> float:
    if rule.measure == "course_completion":
        return 1.0
    if rule.measure == "path_completion":
        return float(len(rule.path_course_ids))
    return float(rule.min_hours or 0)


def person_rule_status(
    *,
    people: pd.DataFrame,
    agencies: pd.DataFrame,
    records: pd.DataFrame,
    courses: pd.DataFrame,
    course_topics: pd.DataFrame,
    rules: list[RuleSpec],
) -> pd.DataFrame:
    """One row per (eligible person, rule): value so far, target, what is still missing, met or not."""
    frames = []
    records = records.loc[records["verb"].isin(CREDITING_VERBS)]
    records.attrs["credited_only"] = True
    for rule in rules:
        eligible = people.loc[eligible_mask(rule, people, agencies), "person_id"]
        if eligible.empty:
            continue
        values = rule_values(rule, records, courses, course_topics)
        value = eligible.map(values).fillna(0.0).astype(float).round(2).to_numpy()
        target = rule_target(rule)
        frames.append(
            pd.DataFrame(
                {
                    "person_id": eligible.to_numpy(),
                    "rule_id": rule.id,
                    "value": value,
                    "target": target,
                    "missing": np.maximum(target - value, 0.0).round(2),
                    "met": value >= target - 1e-9,
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in zip(PERSON_RULE_COLUMNS, [int, int, float, float, float, bool], strict=True)
            }
        )
    return pd.concat(frames, ignore_index=True)


def person_year_hours(records: pd.DataFrame, people: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each person's credited hours in `year` (0 for people without records): person_id, hours."""
    selected = records.loc[records["year"].eq(year) & records["verb"].isin(CREDITING_VERBS)]
    hours = selected.groupby("person_id", sort=False)["hours"].sum()
    return pd.DataFrame(
        {"person_id": people["person_id"], "hours": people["person_id"].map(hours).fillna(0.0).round(2)}
    )


def total_hours(hours: pd.DataFrame) -> float:
    """The credited hours of a one-person `person_year_hours` frame (0.0 when empty)."""
    return float(hours["hours"].iloc[0]) if len(hours) else 0.0


def _ancestor_rows(people: pd.DataFrame, agencies: pd.DataFrame) -> pd.DataFrame:
    """person_id × every agency above or at the person's agency (the roll-up up the tree)."""
    paths = people[["person_id", "agency_id"]].merge(agencies[["agency_id", "path"]], on="agency_id", how="left")
    max_depth = int(paths["path"].str.len().max() // STEPLEN) if len(paths) else 0
    path_to_id = agencies.set_index("path")["agency_id"]
    parts = []
    for depth in range(1, max_depth + 1):
        deep_enough = paths["path"].str.len() >= depth * STEPLEN
        prefix = paths.loc[deep_enough, "path"].str[: depth * STEPLEN]
        parts.append(
            pd.DataFrame({"person_id": paths.loc[deep_enough, "person_id"], "rollup_agency_id": prefix.map(path_to_id)})
        )
    if not parts:
        return pd.DataFrame({"person_id": pd.Series(dtype=int), "rollup_agency_id": pd.Series(dtype=int)})
    out = pd.concat(parts, ignore_index=True)
    return out.dropna().astype({"rollup_agency_id": int})


def agency_summary(
    *,
    people: pd.DataFrame,
    agencies: pd.DataFrame,
    person_rules: pd.DataFrame,
    hours: pd.DataFrame,
    rules: list[RuleSpec],
    rollup: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per agency (rolled up over its subtree when `rollup`):

    overview: agency_id, headcount, average_hours
    per_rule: agency_id, rule_id, eligible, compliant, share (0–1), coverage_target (0–1 or NaN), target_met
    """
    if rollup:
        membership = _ancestor_rows(people, agencies)
    else:
        membership = people[["person_id", "agency_id"]].rename(columns={"agency_id": "rollup_agency_id"})
    with_hours = membership.merge(hours, on="person_id", how="left")
    overview = (
        with_hours.groupby("rollup_agency_id")
        .agg(headcount=("person_id", "nunique"), average_hours=("hours", "mean"))
        .reset_index()
        .rename(columns={"rollup_agency_id": "agency_id"})
    )
    overview["average_hours"] = overview["average_hours"].round(2)

    joined = person_rules[["person_id", "rule_id", "met"]].merge(membership, on="person_id")
    per_rule = (
        joined.groupby(["rollup_agency_id", "rule_id"])
        .agg(eligible=("person_id", "nunique"), compliant=("met", "sum"))
        .reset_index()
        .rename(columns={"rollup_agency_id": "agency_id"})
    )
    per_rule["compliant"] = per_rule["compliant"].astype(int)
    per_rule["share"] = (per_rule["compliant"] / per_rule["eligible"]).round(4)
    targets = pd.Series(
        {r.id: (r.coverage_target_percent / 100.0 if r.coverage_target_percent is not None else np.nan) for r in rules},
        dtype=float,
    )
    per_rule["coverage_target"] = per_rule["rule_id"].map(targets)
    per_rule["target_met"] = np.where(
        per_rule["coverage_target"].isna(), per_rule["share"] >= 1.0, per_rule["share"] >= per_rule["coverage_target"]
    )
    return overview, per_rule


def noncompliant(person_rules: pd.DataFrame) -> pd.DataFrame:
    """The (person, rule) pairs not met, with what is missing; sorted for stable output."""
    out = person_rules.loc[~person_rules["met"].astype(bool)]
    return out.sort_values(["person_id", "rule_id"]).reset_index(drop=True)
