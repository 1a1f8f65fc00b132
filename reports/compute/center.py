"""The center's statistics (docs/domain.md, "Counts the center reports"): pure pandas.

Inputs:
- records: person_id, course_id, offering_id, modality, hours, occurred_on (datetime64), verb, track_id
- offerings: offering_id, days (calendar days from start to end date)
- course_topics: course_id, topic_id
Figures: classes (班) = distinct offerings with completions; completions (人次); person-days
(人天次) = the offering's days per completion, for classroom, remote and blended offerings only
(e-learning has no class days); credited hours.
"""

from __future__ import annotations

import pandas as pd

FIGURES = ["classes", "completions", "person_days", "hours"]


def offering_days(offerings: pd.DataFrame) -> pd.DataFrame:
    """offering_id, days: calendar days from start to end date, both included (the `offerings` input)."""
    offerings = offerings.copy()
    offerings["days"] = (offerings["end_date"] - offerings["start_date"]).dt.days + 1 if len(offerings) else []
    return offerings[["offering_id", "days"]]


def completions(records: pd.DataFrame) -> pd.DataFrame:
    """Completions: `completed`, or `passed` outside a certification assessment (courses/vocabulary.py)."""
    mask = records["verb"].eq("completed") | (records["verb"].eq("passed") & records["track_id"].isna())
    return records.loc[mask]


def _figures(frame: pd.DataFrame, offerings: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    frame = frame.merge(offerings, on="offering_id", how="left")
    frame["person_days"] = frame["days"].where(frame["modality"].ne("elearning"), 0).fillna(0)
    out = (
        frame.groupby(by, dropna=False)
        .agg(
            classes=("offering_id", "nunique"),
            completions=("person_id", "size"),
            person_days=("person_days", "sum"),
            hours=("hours", "sum"),
        )
        .reset_index()
    )
    out["person_days"] = out["person_days"].astype(int)
    out["hours"] = out["hours"].round(1)
    return out


def center_statistics(
    *, records: pd.DataFrame, offerings: pd.DataFrame, course_topics: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """{"total", "by_modality", "by_month", "by_topic"}; each row carries FIGURES."""
    done = completions(records).copy()
    done["month"] = done["occurred_on"].dt.month
    done["all"] = "all"
    by_topic = done.merge(course_topics, on="course_id")
    return {
        "total": _figures(done, offerings, ["all"]).drop(columns=["all"]),
        "by_modality": _figures(done, offerings, ["modality"]),
        "by_month": _figures(done, offerings, ["month"]),
        "by_topic": _figures(by_topic, offerings, ["topic_id"])
        if len(by_topic)
        else pd.DataFrame(columns=["topic_id", *FIGURES]),
    }
