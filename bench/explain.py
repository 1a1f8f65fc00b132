"""EXPLAIN ANALYZE of the benchmark's typical queries, for bench/README.md and for finding why one is slow.

Runs inside the LMS (Django) against the database a benchmark run left behind, e.g.

    cd <app dir> && DATABASE_URL=postgres://lms@127.0.0.1:54329/lms_bench SECRET_KEY=x \\
        PYTHONPATH=<this checkout> python <this checkout>/bench/explain.py [--costs-only]

(by path, so that an app snapshot's own bench/ does not shadow this one; the LRS is the app's).

It reads one page of each kind of query of bench/queries.py through the LRS's own selector (the
code the GET view runs), and the second page (`more`) of the verb and course queries, captures
the SQL Django sends, and prints each statement's plan with buffers. Each query is one SQL
statement per branch (xapi.selectors: one ordered index scan per place a filter can match).
"""

import json
import os
import random
import sys
from datetime import UTC, datetime, timedelta

# Before the app directory goes first on sys.path (see bench/topup.py).
from bench import gen


def main() -> None:
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xapi import selectors

    analyze = "--costs-only" not in sys.argv
    rng = random.Random(1)
    with connection.cursor() as cur:
        cur.execute("SELECT min(stored), max(stored), count(*) FROM xapi_statement")
        lo, hi, count = cur.fetchone()
    data = gen.DataSet(int(os.environ.get("BENCH_SEED", "20251123")), max(count, 1))
    lo = lo or datetime.now(UTC) - timedelta(hours=1)
    hi = hi or datetime.now(UTC)
    learner = gen.learner_agent(rng.randrange(data.learners))
    learner.pop("name")
    # The least popular course of the last year: its few statements make the referrers' search longest.
    course = gen.course_id(data.courses - 1)
    cases = {
        "agent": {"agent": learner},
        "verb_since": {"verb": gen.VERB_IDS[2], "since": lo + (hi - lo) / 2},
        "activity_related": {"activity": course, "related_activities": True},
        "registration": {"registration": data.query_registration(rng)},
    }
    for name, filters in cases.items():
        query = selectors.StatementQuery(limit=100, **filters)
        explain(name, filters, query, None, connection, CaptureQueriesContext, selectors, analyze)
        if name in ("verb_since", "activity_related"):
            _rows, cursor = selectors.statement_page(query)
            if cursor:
                explain(
                    f"more ({name}, second page)",
                    filters,
                    query,
                    cursor,
                    connection,
                    CaptureQueriesContext,
                    selectors,
                    analyze,
                )


def explain(name, filters, query, cursor, connection, capture, selectors, analyze) -> None:
    with capture(connection) as captured:
        rows, _next = selectors.statement_page(query, after=cursor)
    print(f"=== {name} {json.dumps(filters, default=str)} -> {len(rows)} statements")
    for q in captured.captured_queries:
        if not q["sql"].lstrip().upper().startswith("SELECT"):
            continue
        print(q["sql"])
        with connection.cursor() as cur:
            cur.execute(("EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN ") + q["sql"])
            print("\n".join(r[0] for r in cur.fetchall()))
        print()


if __name__ == "__main__":
    main()
