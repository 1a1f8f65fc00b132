"""Public Python API of the LRS for the rest of the LMS: record, void and query without HTTP.

Other packages import only this module and `xapi.signals`. Validation is the same as on the
HTTP edge; `StatementInvalid` (a ValueError) names the offending property path.
"""

import uuid
from collections.abc import Iterator
from datetime import datetime
from itertools import islice

from xapi import selectors
from xapi.errors import BadRequest, Conflict, XapiError
from xapi.models import Credential, Statement
from xapi.services import statements as statement_services
from xapi.services.credentials import create_credential
from xapi.validation import VERSION_2, StatementInvalid

__all__ = [
    "LMS_AUTHORITY",
    "BadRequest",
    "Conflict",
    "StatementInvalid",
    "XapiError",
    "count_statements",
    "get_or_create_credential",
    "get_statement",
    "get_statement_states",
    "is_issued_by_lms",
    "iter_statements",
    "query_statements",
    "record_statements",
    "void_statement",
]

# The authority of statements the LMS records about itself (xAPI 1.0.3 §2.4.9).
LMS_AUTHORITY: dict = {
    "objectType": "Agent",
    "name": "KCG LMS",
    "account": {"homePage": "urn:kcg-lms:xapi:credential", "name": "lms"},
}


def is_issued_by_lms(statement: dict) -> bool:
    """Whether a stored statement's authority is the LMS itself (xAPI 1.0.3 §2.4.9).

    The one answer to "did the LMS issue this?". It fails closed: a statement without an
    authority (every stored statement has one) is not the LMS's.
    """
    authority = statement.get("authority")
    if not isinstance(authority, dict):
        return False
    return authority.get("account") == LMS_AUTHORITY["account"]


def record_statements(
    statements: list[dict], *, authority: dict | None = None, version: str = VERSION_2
) -> list[uuid.UUID]:
    """Validate the batch whole and store it in one transaction; return the ids in order.

    Raises StatementInvalid (path: message) or Conflict (an id already stored differently).
    Joins the caller's transaction; statements_stored is sent on commit.
    """
    return statement_services.record_statements(list(statements), authority=authority or LMS_AUTHORITY, version=version)


def void_statement(
    statement_id: uuid.UUID | str,
    *,
    actor: dict | None = None,
    authority: dict | None = None,
    timestamp: datetime | None = None,
) -> uuid.UUID:
    """Store a voiding statement for a stored, non-voiding statement; return the voiding id.

    Raises BadRequest when the target is not stored or is itself a voiding statement.
    statements_voided is sent on commit.
    """
    return statement_services.void_statement(
        statement_id, actor=actor or LMS_AUTHORITY, authority=authority or LMS_AUTHORITY, timestamp=timestamp
    )


def iter_statements(
    *,
    agent: dict | None = None,
    verb: str | None = None,
    activity: str | None = None,
    registration: uuid.UUID | str | None = None,
    related_activities: bool = False,
    related_agents: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    ascending: bool = False,
) -> Iterator[dict]:
    """Stored, non-voided statements matching the filters (xAPI 1.0.3 §2.5.1), newest first.

    For large reads (a projection rebuilt, a year replayed): one page of at most
    `selectors.MAX_LIMIT` statements is held at a time, each page one indexed query continuing
    after the last (stored, seq) read, as the `more` links of the HTTP API do.
    """
    return _statements(
        _query(
            agent=agent,
            verb=verb,
            activity=activity,
            registration=registration,
            related_activities=related_activities,
            related_agents=related_agents,
            since=since,
            until=until,
            limit=None,
            ascending=ascending,
        )
    )


def query_statements(
    *,
    agent: dict | None = None,
    verb: str | None = None,
    activity: str | None = None,
    registration: uuid.UUID | str | None = None,
    related_activities: bool = False,
    related_agents: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    ascending: bool = False,
) -> list[dict]:
    """Stored, non-voided statements matching the filters (xAPI 1.0.3 §2.5.1), newest first, as a list.

    Without `limit`, every match is returned: for large reads iterate `iter_statements` instead.
    """
    statements = _statements(
        _query(
            agent=agent,
            verb=verb,
            activity=activity,
            registration=registration,
            related_activities=related_activities,
            related_agents=related_agents,
            since=since,
            until=until,
            limit=limit,
            ascending=ascending,
        )
    )
    return list(islice(statements, limit) if limit else statements)


def _statements(query: selectors.StatementQuery) -> Iterator[dict]:
    after = None
    while True:
        page, after = selectors.statement_page(query, after=after)
        yield from page
        if after is None:
            return


def _query(
    *,
    agent: dict | None,
    verb: str | None,
    activity: str | None,
    registration: uuid.UUID | str | None,
    related_activities: bool,
    related_agents: bool,
    since: datetime | None,
    until: datetime | None,
    limit: int | None,
    ascending: bool,
) -> selectors.StatementQuery:
    return selectors.StatementQuery(
        agent=agent,
        verb=verb,
        activity=activity,
        registration=uuid.UUID(str(registration)) if registration is not None else None,
        related_activities=related_activities,
        related_agents=related_agents,
        since=since,
        until=until,
        limit=min(limit, selectors.MAX_LIMIT) if limit else selectors.MAX_LIMIT,
        ascending=ascending,
    )


def get_statement(statement_id: uuid.UUID | str, *, voided: bool = False) -> dict | None:
    """One stored statement dict by id (a voided one only with voided=True), or None."""
    row = selectors.get_statement_row(statement_id, voided=voided)
    return None if row is None else row.data


def get_statement_states(statement_ids: list[uuid.UUID | str]) -> dict[uuid.UUID, tuple[dict, bool]]:
    """The current state of each stored statement: id → (statement dict, voided). Unknown ids are absent.

    For consumers that handle "statement X changed" by reading X as it is now, whatever the
    order in which its storing and its voiding reached them.
    """
    ids = [uuid.UUID(str(i)) for i in statement_ids]
    rows = Statement.objects.filter(statement_id__in=ids).values_list("statement_id", "data", "voided")
    return {statement_id: (data, voided) for statement_id, data, voided in rows}


def count_statements(*, include_voided: bool = True) -> int:
    qs = Statement.objects.all() if include_voided else Statement.objects.filter(voided=False)
    return qs.count()


def get_or_create_credential(name: str, scopes: list[str]) -> tuple[Credential, str | None]:
    """The credential with this name, or a new one; the clear secret is returned only when created."""
    existing = Credential.objects.filter(name=name).first()
    if existing is not None:
        return existing, None
    return create_credential(name=name, scopes=scopes)
