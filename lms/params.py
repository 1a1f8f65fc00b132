"""Query and form values checked at the edge: a bad value is a 400 that names the parameter.

Every page, download and API parses these the same way (docs/data-protection.md, "Input at the
edge"), so a NUL, a negative year or a 400-digit year never reaches the database as a 500.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.roc import ROC_OFFSET

YEAR_RANGE = (2000, 2100)
MAX_YEAR_DIGITS = 4


def parse_year(value: str | None, *, name: str = "year") -> int:
    """A Gregorian year from a parameter; ROC years (e.g. 114) are accepted too; empty means this year."""
    if value in (None, ""):
        return timezone.localdate().year
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_YEAR_DIGITS:
        raise BadRequest(_("%(name)s：年度必須是數字，例如 2025 或 114。") % {"name": name})
    year = int(text)
    if 1 <= year < 200:
        year += ROC_OFFSET
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise BadRequest(_("%(name)s：年度超出範圍（西元 2000–2100 年）。") % {"name": name})
    return year


def first_bad_parameter(params) -> str | None:
    """The name of the first parameter whose name or value holds a NUL or another control character."""
    for key, values in params.lists():
        for text in (key, *values):
            if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text) or "\x7f" in text:
                return key
    return None
