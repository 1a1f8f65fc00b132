"""`stored` and X-Experience-API-Consistent-Through that hold under concurrent writes (xAPI 1.0.3 §7.2.3).

The header promises: every statement with `stored` at or before it is already returned by a
query. A clock reading alone breaks that promise, because a statement becomes visible when its
transaction commits, later than the moment it was stamped: a client syncing with
`since=<header>` would skip a batch that was still being written. So (docs/xapi-trust.md):

- `stored` is the database clock read inside the writing transaction, after it began
  (`transaction_clock`, and the one-statement insert in bulk.py), published to the microsecond
  (the clock's precision: a coarser text would make a statement committed just before a read
  share its millisecond with the header and be held back);
- the header is one microsecond before the earliest of: the reading statement's own start, and
  the start of every transaction still open in the database (`pg_stat_activity.xact_start`).
  A write still in flight therefore has `stored` after the header, and one that starts later
  reads a later clock. The GET computes it before it queries, so everything stored up to it
  is in the answer: a client that syncs with `since=<header>` misses nothing (it may see a
  statement twice, which ids make harmless), and a `more` walk has no gap at or before it.
  Queries are not cut at the header, so a statement committed before a query is always
  returned, even while an older transaction is still open.

Any open transaction of the database holds the header back (conservative, never wrong); the
LMS keeps transactions short. pg_stat_activity shows the sessions of the same database role,
which is how the LMS connects. SQLite (development, tests) serializes writers: the clock is used.
"""

import time
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

_HEADER_SQL = """
SELECT least(statement_timestamp(), (
    SELECT min(xact_start) FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
))"""
_TICK = timedelta(microseconds=1)


def transaction_clock() -> datetime:
    """The `stored` of a batch written by the current transaction: a clock read inside it."""
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def consistent_through() -> datetime:
    """The latest moment up to which every statement stored is visible now."""
    if connection.vendor != "postgresql":
        return timezone.now() - _TICK
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # pg_stat_activity is read once per transaction otherwise.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(_HEADER_SQL)
        moment = cursor.fetchone()[0]
    _recent.update(time.monotonic(), moment - _TICK)
    return moment - _TICK


class _Recent:
    """The last header this process computed: still true later, so writes can announce it."""

    MAX_AGE = 1.0

    def __init__(self) -> None:
        self.at = float("-inf")
        self.value: datetime | None = None

    def update(self, at: float, value: datetime) -> None:
        if self.value is None or value > self.value:
            self.at, self.value = at, value


_recent = _Recent()


def recent_consistent_through() -> datetime:
    """A header for responses that read no statements (writes, errors): at most a second old,
    so ingest pays for the pg_stat_activity read at most once a second per process."""
    if _recent.value is None or time.monotonic() - _recent.at > _Recent.MAX_AGE:
        return consistent_through()
    return _recent.value
