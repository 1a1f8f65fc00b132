"""Signals sent on commit when statements are stored or voided.

statements_stored: sender=xapi.models.Statement, statement_ids=list[uuid.UUID] (in batch order,
    only newly stored ones), statements=list[dict] (the stored statement dicts, same order).
statements_voided: sender=xapi.models.Statement, statement_ids=list[uuid.UUID] (the statements
    that became voided).
Both are sent through transaction.on_commit, so a receiver never sees a rolled-back statement.
"""

from django.dispatch import Signal

statements_stored = Signal()
statements_voided = Signal()

__all__ = ["statements_stored", "statements_voided"]
