"""A leaver past retention (lms.people.retention): what notices kept about them is cleared.

The rows stay (kind, status and dates still say what was sent when), but the stored e-mail
address and the rendered texts, which name the person, are emptied; the calendar feed's secret
is replaced so an old feed URL stops working. docs/data-protection.md, "Retention".
"""

from __future__ import annotations

from lms.people.models import Person
from notices.models import Notice, NoticePreference
from notices.services.preferences import reset_calendar_token

# Stored data, not UI: written in the source language, as the name placeholder is (lms.people.retention).
REMOVED_TEXT = "（內容已因個資保存期限屆滿刪除）"


def forget_person(*, person: Person) -> dict:
    cleared = Notice.objects.filter(recipient=person).update(
        email="", subject=REMOVED_TEXT, body_text="", body_html="", link="", ics="", last_error=""
    )
    preference = NoticePreference.objects.filter(person=person).first()
    if preference is not None:
        reset_calendar_token(preference=preference)
    return {"notices.notices_cleared": cleared}
