"""Certification figures (docs/integrity.md, "Certification tracks: the exam bar"): pure pandas.

Inputs:
- records: person_id, agency_id, verb, course_id, offering_id, track_id, hours, scheduled_hours, year
  (the report year's rows)
- track_courses: track_id, course_id (a track's required courses: completing one counts as trained)
- certificates: person_id, agency_id, track_id, offering_id, occurred_on (datetime64), year — every
  `earned` record of any year, so that certificates issued earlier and expiring this year are counted
- tracks: track_id, validity_months (NaN = never expires), min_attendance_percent
Barred: trained in a required course with attendance (credited ÷ scheduled hours) below the
track's min_attendance_percent — procurement's "more than 1/10 missed bars the exam".
Pass rate = passed ÷ sat, and also passed ÷ trained, both over the trainees not barred (a barred
trainee's result recorded by staff override still shows in sat and passed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["trained", "barred", "sat", "passed", "pass_rate_sat", "pass_rate_trained", "certificates", "expiring"]


def at_agencies(
    people: pd.DataFrame, records: pd.DataFrame, certificates: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Records and certificates of the placed people only, each with the person's agency_id (the inputs above)."""
    placed = people[["person_id", "agency_id"]]
    return records.merge(placed, on="person_id"), certificates.merge(placed, on="person_id")


def _count(frame: pd.DataFrame, by: list[str], name: str, distinct: bool = True) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype=float, name=name)
    grouped = frame.groupby(by, dropna=False)["person_id"]
    return (grouped.nunique() if distinct else grouped.size()).rename(name)


def certification_summary(
    *,
    records: pd.DataFrame,
    track_courses: pd.DataFrame,
    certificates: pd.DataFrame,
    tracks: pd.DataFrame,
    year: int,
    by: tuple[str, ...] = ("track_id",),
) -> pd.DataFrame:
    """Trained, sat, passed, pass rates, certificates issued and expiring, grouped by `by` (track first)."""
    by = list(by)
    trained_rows = records.loc[records["verb"].isin(("completed", "passed")) & records["track_id"].isna()]
    trained_rows = trained_rows.drop(columns=["track_id"]).merge(track_courses, on="course_id")
    assessed = records.loc[records["track_id"].notna() & records["verb"].isin(("passed", "failed"))]
    passed = assessed.loc[assessed["verb"].eq("passed")]

    bars = trained_rows.merge(tracks[["track_id", "min_attendance_percent"]], on="track_id", how="left")
    below = (
        bars["scheduled_hours"].gt(0)
        & bars["min_attendance_percent"].notna()
        & (bars["hours"] * 100 < bars["scheduled_hours"] * bars["min_attendance_percent"])
    )
    barred = bars.loc[below]
    barred_keys = pd.MultiIndex.from_frame(barred[["person_id", "track_id"]].drop_duplicates())

    def eligible(frame: pd.DataFrame) -> pd.DataFrame:
        keys = pd.MultiIndex.from_frame(frame[["person_id", "track_id"]])
        return frame.loc[~keys.isin(barred_keys)]

    certs = certificates.merge(tracks, on="track_id", how="left")
    issued = certs.loc[certs["year"].eq(year)]
    # Expiry = issue date + the track's validity; one vectorised offset per distinct validity.
    expires = pd.Series(pd.NaT, index=certs.index, dtype="datetime64[ns]")
    for months in certs["validity_months"].dropna().unique():
        rows = certs["validity_months"].eq(months)
        expires.loc[rows] = certs.loc[rows, "occurred_on"] + pd.DateOffset(months=int(months))
    expiring = certs.loc[expires.dt.year.eq(year)]

    parts = [
        _count(trained_rows, by, "trained"),
        _count(barred, by, "barred"),
        _count(assessed, by, "sat"),
        _count(passed, by, "passed"),
        _count(eligible(trained_rows), by, "trained_eligible"),
        _count(eligible(assessed), by, "sat_eligible"),
        _count(eligible(passed), by, "passed_eligible"),
        _count(issued, by, "certificates", distinct=False),
        _count(expiring, by, "expiring", distinct=False),
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=[*by, *COLUMNS])
    out = pd.concat(parts, axis=1).fillna(0).reset_index()
    counts = ("trained", "barred", "sat", "passed", "certificates", "expiring")
    for column in (*counts, "trained_eligible", "sat_eligible", "passed_eligible"):
        out[column] = out[column].astype(int) if column in out else 0
    sat, trained, good = out["sat_eligible"], out["trained_eligible"], out["passed_eligible"]
    out["pass_rate_sat"] = np.where(sat > 0, (good / sat.where(sat > 0)).round(4), np.nan)
    out["pass_rate_trained"] = np.where(trained > 0, (good / trained.where(trained > 0)).round(4), np.nan)
    return out[[*by, *COLUMNS]].sort_values(by).reset_index(drop=True)
