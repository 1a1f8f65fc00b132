"""Signal receivers: transport only, each calls one service."""

from __future__ import annotations


def on_statements_stored(sender, statement_ids=None, statements=None, **kwargs) -> None:
    """Outside platforms' completions are credited once their activity is mapped (courses/services/external.py)."""
    from courses.services.external import handle_stored_statements

    handle_stored_statements(statements=list(statements or []))
