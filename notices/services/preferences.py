"""A person's notice choices."""

from __future__ import annotations

import secrets

from notices.models import NoticePreference


def reset_calendar_token(*, preference: NoticePreference) -> NoticePreference:
    """A new secret for the calendar feed: the old URL stops working at once."""
    preference.calendar_token = secrets.token_urlsafe()
    preference.save(update_fields=["calendar_token"])
    return preference
