"""Benchmark of the xAPI Learning Record Store on PostgreSQL: ingest rates, query latency, memory.

Run through ./bench/xapi.sh (which starts PostgreSQL and sets DATABASE_URL). One run:

1. recreates its own database, migrates it, creates one credential per platform of the data set
   (bench/loading.py);
2. starts gunicorn (sync workers, 2 x cores + 1) and samples the RSS of master and workers
   (bench/server.py);
3. tops the store up to (scale - HTTP share) through the LRS's own `record_statements`
   (bench/topup.py, with the data set of bench/gen.py);
4. measures POST throughput for batches of 1, 10, 100 at 1 and 4 client processes, with the
   server CPU per statement of each cell (bench/ingest.py);
5. times PostgreSQL's own COPY of the same statements into a plain table of the same shape, so
   that the LRS's rate is also given as a share of what the database can do (bench/ingest.py);
6. tops up to exactly the scale, runs ANALYZE, and times the typical GET queries from one client
   and from four at once (bench/queries.py);
7. prints every figure of issue 14 with its target and PASS/FAIL, and writes it all to
   bench/out/*.json (bench/report.py).
"""

import argparse
import json
import signal
import sys
import time
from datetime import UTC, datetime

from bench import ingest, loading, queries
from bench.context import BENCH_DIR, ROOT, Run, log
from bench.report import report, verdicts


def run_benchmark(run: Run) -> dict:
    t_start = time.perf_counter()
    loading.setup_database(run)
    log(f"starting gunicorn with {run.server.workers} {run.args.worker_class} workers on {run.server.base}")
    run.server.start()
    cells = []
    try:
        if run.args.reuse_db:
            # No loading or ingest: the queries on the data a previous run loaded (after new migrations).
            loading.analyze(run)
            run.stored = run.result.get("stored_rows_counted") or 0
            run.result["topup"], run.result["copy"] = [], None
        else:
            loading.warm_up(run)
            planned_http = sum(b * r * 2 for b, r in run.cfg["requests"].items())
            first = run.cfg["target"] - planned_http - run.stored
            run.result["topup"] = [loading.top_up(run, 0, first, "before ingest cells")]
            cells = ingest.ingest_cells(run)
            run.result["copy"] = ingest.copy_baseline(run)
            # Cells cut short by their deadline leave a gap: fill it so the queries see exactly the scale.
            rest = run.cfg["target"] - run.stored
            run.result["topup"].append(loading.top_up(run, max(first, 0), rest, "to the scale"))
            # As a periodic job would: the last referring statements may still be in the index's tail.
            loading.index_statement_refs(run)
            loading.analyze(run)
        run.result["stored_statements"] = run.stored
        run.result["queries"], run.result["queries_4"] = queries.query_mix(run)
    finally:
        run.server.stop()
    run.result["ingest"] = [ingest.cell_summary(c) for c in cells]
    run.result["memory"] = run.sampler.memory()
    run.result["load_average"] = run.sampler.load_average()
    run.result["seconds_total"] = time.perf_counter() - t_start
    run.result["targets"] = verdicts(run.result)
    return run.result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 statements, few requests: a smoke test")
    parser.add_argument(
        "--scale",
        "--target",
        type=int,
        help="statements in the store when the queries run, up to 10,000,000 (default 1,000,000; --quick 20,000)",
    )
    parser.add_argument("--app-dir", default=str(ROOT), help="the LMS checkout to run (default: this one)")
    parser.add_argument("--python", default=sys.executable, help="interpreter of the LMS's virtualenv")
    parser.add_argument("--db", default="lms_bench", help="database to (re)create for the run")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 x cores + 1)")
    # sync is gunicorn's default and what the LRS README shows; gthread keeps connections alive.
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--topup-procs", type=int, help="top-up processes (default: cores)")
    parser.add_argument("--topup-batch", type=int, default=500, help="statements per record_statements call")
    parser.add_argument("--redis-url", default="", help="REDIS_URL for the server (default: none)")
    parser.add_argument(
        "--reuse-db", action="store_true", help="no loading or ingest: migrate the existing database, time the queries"
    )
    parser.add_argument(
        "--app-ref",
        help="benchmark this git ref (e.g. the LRS branch) exported to bench/out/app-<sha>, a fixed snapshot",
    )
    args = parser.parse_args()
    if args.app_ref:
        args.app_dir = str(loading.export_ref(args.app_ref))
        args.app_commit = args.app_dir.rsplit("-", 1)[-1][:7]
    # SIGTERM (e.g. `kill` or a CI timeout) unwinds like Ctrl-C, so gunicorn is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = run_benchmark(Run(args))
    text = report(result)
    print("\n" + text)
    out = BENCH_DIR / "out"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"xapi-{result['mode']}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    (out / f"xapi-{result['mode']}-latest.txt").write_text(text + "\n")
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main()
