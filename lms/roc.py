"""Republic of China (民國) calendar years: ROC year = Gregorian year − 1911 (docs/domain.md)."""

from __future__ import annotations

import datetime as dt

ROC_OFFSET = 1911


def roc_year(year: int) -> int:
    return year - ROC_OFFSET


def format_roc_date(value: dt.date | dt.datetime, *, with_time: bool = False) -> str:
    """民國114年3月5日 (or 民國114年3月5日 14:30 with with_time)."""
    text = f"民國{roc_year(value.year)}年{value.month}月{value.day}日"
    if with_time and isinstance(value, dt.datetime):
        text += f" {value:%H:%M}"
    return text


def format_roc_compact(value: dt.date) -> str:
    """114/03/05, the compact form used in forms and the national export."""
    return f"{roc_year(value.year):03d}/{value.month:02d}/{value.day:02d}"
