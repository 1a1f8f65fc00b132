"""Signals other packages listen to; each is sent on commit, so a rolled-back change sends nothing.

`enrollment_changed` carries what happened to an enrolment in the domain's words (`change`):
received (awaiting approval), confirmed, waitlisted, promoted, approved, rejected, cancelled.
`reason` is the rejection reason; `by_user` who made the change; `position` the waitlist
position. Offerings, completions, certificates and results are saved through models whose
post_save signals are enough (the catalog admin edits offerings directly).
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

enrollment_changed = Signal()  # sender=Enrollment; enrollment, change, by_user, reason, position


def send_enrollment_changed(enrollment, *, change: str, by_user=None, reason: str = "", position=None) -> None:
    from courses.models import Enrollment

    transaction.on_commit(
        lambda: enrollment_changed.send(
            sender=Enrollment, enrollment=enrollment, change=change, by_user=by_user, reason=reason, position=position
        )
    )
