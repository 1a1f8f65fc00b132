"""The variables of each notice, built from the courses objects in the recipient's language."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from lms.roc import format_roc_date

_WEEKDAYS = {"zh-hant": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def format_date(value: dt.date, language: str) -> str:
    if language == "zh-hant":
        return f"{format_roc_date(value)}（{_WEEKDAYS['zh-hant'][value.weekday()]}）"
    return f"{value:%Y-%m-%d} ({_WEEKDAYS['en'][value.weekday()]})"


def session_time(session) -> str:
    return f"{session.start_time:%H:%M}–{session.end_time:%H:%M}"


def offering_details(offering, sessions, language: str) -> str:
    with override(language):
        lines = [_("上課日：")]
        lines += [f"  {format_date(s.date, language)} {session_time(s)}" for s in sessions]
        if offering.venue:
            lines.append(_("地點：%(venue)s") % {"venue": offering.venue})
        if offering.meeting_url:
            lines.append(_("線上會議連結：%(url)s") % {"url": offering.meeting_url})
    return "\n".join(lines)


def offering_context(offering, sessions, language: str) -> dict:
    return {
        "course_title": offering.course.title,
        "offering_code": offering.code,
        "venue": offering.venue,
        "meeting_url": offering.meeting_url,
        "offering_details": offering_details(offering, sessions, language),
        "link": absolute(reverse("learning:my")),
    }


def certificate_context(certificate, language: str) -> dict:
    return {
        "certificate_title": certificate.title,
        "certificate_number": certificate.number,
        "valid_until": (
            (format_roc_date(certificate.valid_until) if language == "zh-hant" else certificate.valid_until.isoformat())
            if certificate.valid_until
            else ""
        ),
        "verification_url": absolute(reverse("learning:verify", args=[certificate.verification_code])),
        "link": absolute(reverse("learning:my")),
    }
