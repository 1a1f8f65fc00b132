"""The LRS as reports sees it: `xapi.api` and `xapi.signals`, nothing else (docs/conventions.md §1).

One import point, so the receivers, the rebuild command and the tests agree on the contract:
statements_stored(statement_ids, statements) and statements_voided(statement_ids), both sent on
commit (xapi/signals.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import xapi.api as xapi_api
from xapi.signals import statements_stored, statements_voided

__all__ = [
    "LMS_AUTHORITY",
    "get_statement_states",
    "is_issued_by_lms",
    "iter_statements",
    "query_statements",
    "statements_stored",
    "statements_voided",
]

# The authority of LMS-issued statements (xAPI 1.0.3 §2.4.9); only those are credited (courses/vocabulary.py).
LMS_AUTHORITY: dict | None = xapi_api.LMS_AUTHORITY
is_issued_by_lms = xapi_api.is_issued_by_lms


def query_statements(**filters) -> list[dict]:
    return xapi_api.query_statements(**filters)


def iter_statements(**filters) -> Iterator[dict]:
    """Every match, a page at a time (xapi.api.iter_statements): for replays of the whole LRS."""
    return xapi_api.iter_statements(**filters)


def get_statement_states(statement_ids: list) -> dict:
    return xapi_api.get_statement_states(statement_ids)
