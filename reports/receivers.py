"""xapi.signals → the projection service. Receivers only call the service (conventions §3.2)."""

from __future__ import annotations

from reports.services.projection import project_statements, unproject_voided


def on_statements_stored(sender, statement_ids=None, statements=None, **kwargs) -> None:
    project_statements(statements=statements or [])


def on_statements_voided(sender, statement_ids=None, **kwargs) -> None:
    unproject_voided(statement_ids=statement_ids or [])
