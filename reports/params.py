"""Report parameters checked at the edge, one parser each for pages, downloads and the API.

A bad value is a BadRequest (400) naming the parameter (docs/data-protection.md, "Input at the
edge"); the API turns it into a validation error keyed by the parameter. The year is
lms.params.parse_year, the site's one year parser (ROC years accepted).
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx")
DEFAULT_EXPIRING_DAYS = 90
MAX_EXPIRING_DAYS = 730


def parse_format(value: str | None) -> str | None:
    """?format= of a download: csv or xlsx; empty means the page itself."""
    if value in (None, ""):
        return None
    if value not in FORMATS:
        raise BadRequest(_("format：格式必須是 csv 或 xlsx。"))
    return value


def parse_days(value: str | None) -> int:
    """?days= for the expiring-certificates report: 1–730, default 90; anything else is a 400."""
    if value in (None, ""):
        return DEFAULT_EXPIRING_DAYS
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise BadRequest(_("天數必須是 1 到 730 之間的整數。")) from None
    if not 1 <= days <= MAX_EXPIRING_DAYS:
        raise BadRequest(_("天數必須是 1 到 730 之間的整數。"))
    return days
