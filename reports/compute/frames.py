"""Column reads (reports.selectors.Columns) → typed DataFrames, and placement at the report date."""

from __future__ import annotations

import io

import pandas as pd


def to_frame(columns, dtypes: dict | None = None) -> pd.DataFrame:
    """Build a DataFrame from rows or from the CSV bytes of read_columns (PostgreSQL), with the given dtypes."""
    if columns.csv is not None and not columns.csv:
        frame = pd.DataFrame({name: pd.Series(dtype=object) for name in columns.names})
    elif columns.csv is not None:
        categorical = {n: "category" for n, t in (dtypes or {}).items() if t == "category"}
        frame = pd.read_csv(
            io.BytesIO(columns.csv),
            header=None,
            names=columns.names,
            keep_default_na=False,
            na_values=[""],
            dtype=categorical or None,
        )
    else:
        frame = pd.DataFrame.from_records(columns.rows, columns=columns.names)
    for name, dtype in (dtypes or {}).items():
        if name not in frame:
            continue
        if dtype == "datetime":
            frame[name] = pd.to_datetime(frame[name])
        elif dtype == "bool":
            frame[name] = frame[name].map(lambda v: v in (True, 1, "t", "true", "True", "1")).astype(bool)
        elif dtype == "category":
            if not isinstance(frame[name].dtype, pd.CategoricalDtype):
                frame[name] = _text(frame[name]).astype("category")
        elif dtype == "str":
            frame[name] = _text(frame[name])
        else:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(dtype)
    return frame


def _text(column: pd.Series) -> pd.Series:
    """Text with "" for missing. A column of nothing but NULLs arrives as float64 NaN, and pandas
    refuses "" as a fill value for a float column, so such a column becomes object first."""
    if column.dtype.kind in "fiub":
        column = column.astype(object)
    return column.fillna("").astype(str)


PEOPLE_DTYPES = {
    "person_id": "int64",
    "agency_id": "int64",
    "grade": "float64",
    "is_supervisor": "bool",
    "employment_type": "str",
    "rank_series": "str",
}
RECORD_DTYPES = {
    "person_id": "int64",
    "course_id": "float64",
    "offering_id": "float64",
    "track_id": "float64",
    "hours": "float64",
    "scheduled_hours": "float64",
    "year": "int64",
    "verb": "str",
    "modality": "str",
    "occurred_on": "datetime",
}
# The compliance read (six columns, every record of a three-year window for the city): verb and
# modality parsed straight into categories. As Python strings they were ~110 MiB per million
# records, most of the report's memory at 6,000,000 records (bench/reports_compliance.py --years 3).
COMPLIANCE_RECORD_DTYPES = {**RECORD_DTYPES, "verb": "category", "modality": "category"}


def place_people(
    people: pd.DataFrame, memberships: pd.DataFrame, agencies: pd.DataFrame, scope_path: str | None
) -> pd.DataFrame:
    """Put each person at the agency they served on the report date (membership history wins over
    the current agency), then keep those inside `scope_path`'s subtree."""
    if len(memberships):
        at_date = memberships.drop_duplicates("person_id", keep="last").set_index("person_id")["agency_id"]
        placed = people["person_id"].map(at_date)
        people = people.assign(agency_id=placed.fillna(people["agency_id"]).astype("int64"))
    if scope_path:
        paths = people["agency_id"].map(agencies.set_index("agency_id")["path"])
        people = people.loc[paths.str.startswith(scope_path).fillna(False).astype(bool)]
    return people.reset_index(drop=True)
