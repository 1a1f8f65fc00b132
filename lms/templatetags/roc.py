"""Dates for people: ROC years (民國) in zh-Hant, Gregorian dates in English."""

import datetime as dt

from django import template
from django.utils import formats, timezone, translation

from lms import roc

register = template.Library()


def _localize(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def roc_date(value, arg: str = ""):
    """`{{ d|roc_date }}` → 民國114年3月5日 in zh-Hant, 5 March 2025 in English; `|roc_date:"time"` adds the time."""
    if not value:
        return ""
    value = _localize(value)
    with_time = arg == "time"
    if translation.get_language() in ("zh-hant", "zh-tw"):
        return roc.format_roc_date(value, with_time=with_time)
    return formats.date_format(
        value, "DATETIME_FORMAT" if with_time and isinstance(value, dt.datetime) else "DATE_FORMAT"
    )


@register.filter
def roc_year(value):
    return roc.roc_year(int(value))
