"""EXPLAIN ANALYZE of the benchmark's typical queries, for finding why one is slow.

Runs inside the LMS (Django) against the database a benchmark run left behind, e.g.

    cd <app dir> && DATABASE_URL=postgres://lms@127.0.0.1:54329/lms_bench SECRET_KEY=x \\
        PYTHONPATH=<this checkout> python -m bench.explain

It calls the LRS's public `xapi.api.query_statements` with the same kinds of filters as
bench.xapi, captures the SQL Django sends, and prints each statement's plan with buffers.
"""

import json
import os
import random
from datetime import UTC, datetime, timedelta


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench import gen
    from xapi import api

    rng = random.Random(1)
    with connection.cursor() as cur:
        cur.execute("SELECT min(stored), max(stored) FROM xapi_statement")
        lo, hi = cur.fetchone()
    lo = lo or datetime.now(UTC) - timedelta(hours=1)
    hi = hi or datetime.now(UTC)
    agent = gen.learner_agent(rng.randrange(gen.LEARNERS))
    agent.pop("name")
    cases = {
        "agent": {"agent": agent},
        "verb_since": {"verb": gen.VERB_IDS[2], "since": lo + (hi - lo) / 2},
        "activity_related": {"activity": gen.course_id(60), "related_activities": True},
    }
    for name, filters in cases.items():
        with CaptureQueriesContext(connection) as captured:
            rows = api.query_statements(limit=100, **filters)
        print(f"=== {name} {json.dumps(filters, default=str)} -> {len(rows)} statements")
        for q in captured.captured_queries:
            print(q["sql"])
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                print("\n".join(r[0] for r in cur.fetchall()))
            print()


if __name__ == "__main__":
    main()
