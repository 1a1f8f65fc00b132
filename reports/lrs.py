"""The LRS as reports sees it: `xapi.api` and `xapi.signals`, nothing else (conventions §3.1).

The xapi package is built in parallel (branch `xapi`); until it is merged, its stub modules do
not define the signals yet. This adapter falls back to local Signal objects with the same
contract (statements_stored(statement_ids, statements), statements_voided(statement_ids)), so
the receivers, the tests' statement helper and the rebuild command are written once against
the contract and pick up the real signals as soon as the merge brings them.
"""

from __future__ import annotations

from django.dispatch import Signal

import xapi.api as xapi_api
import xapi.signals as xapi_signals

statements_stored: Signal = getattr(xapi_signals, "statements_stored", None) or Signal()
statements_voided: Signal = getattr(xapi_signals, "statements_voided", None) or Signal()

# The authority of LMS-issued statements (xAPI 1.0.3 §2.4.9); only those are credited (courses/vocabulary.py).
LMS_AUTHORITY: dict | None = getattr(xapi_api, "LMS_AUTHORITY", None)


def lrs_available() -> bool:
    return hasattr(xapi_api, "query_statements") and hasattr(xapi_api, "record_statements")


def query_statements(**filters) -> list[dict]:
    if not hasattr(xapi_api, "query_statements"):
        raise RuntimeError("xapi.api.query_statements is not available on this branch yet")
    return xapi_api.query_statements(**filters)
