"""Loading the past without telling people about it: ``with notices_suppressed("reason"):``.

A bulk load of past events (the demo's year and a half of history, records brought over from an
old system) goes through the same services as live use, so it sends the same signals, and the
receivers (notices/receivers.py) would queue a notice for every enrolment, completion, certificate
and result: e-mails about classes that ended a year ago. Inside the block the receivers ignore
the events of this thread (a ContextVar: other threads and requests keep notifying, and the switch
cannot be left on by mistake). The decision is taken when an event is received, so events sent on
commit must be committed inside the block. Scheduled runs and notices queued explicitly are not
affected: after the load, queue what describes the present (docs/notices.md, "Bulk loads").
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass
class Suppression:
    reason: str
    skipped: int = 0  # events received and not turned into notices


_current: ContextVar[Suppression | None] = ContextVar("notices_suppression", default=None)


@contextmanager
def notices_suppressed(reason: str) -> Iterator[Suppression]:
    """No notices for the events received inside the block; yields a count of the events skipped."""
    if not reason:
        raise ValueError("say why notices are suppressed")
    suppression = Suppression(reason=reason)
    token = _current.set(suppression)
    try:
        yield suppression
    finally:
        _current.reset(token)
        logger.info("notices suppressed (%s): %d events without a notice", reason, suppression.skipped)


def skip_if_suppressed() -> bool:
    """For the receivers: True (and counted) when the event at hand must not become a notice."""
    suppression = _current.get()
    if suppression is None:
        return False
    suppression.skipped += 1
    return True
