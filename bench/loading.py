"""Loading the benchmark's database: create and migrate it, the platforms' credentials, the top-up.

The top-up stores the data set through the LRS's own `record_statements` (bench/topup.py, one
process per core); the HTTP ingest cells (bench/ingest.py) store the rest.
"""

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench import gen, load
from bench.context import BENCH_DIR, ROOT, SEED, WARMUP_OFFSET, Run, log


def setup_database(run: Run) -> None:
    """Recreate (or with --reuse-db keep) the database, migrate it, create one credential per platform."""
    if not run.args.reuse_db:
        log(f"recreating database {run.args.db}")
        with psycopg.connect(run.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{run.args.db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{run.args.db}"')
    # With --reuse-db this applies the app's newer migrations (e.g. indexes) to the loaded data.
    log("migrating")
    run.server.manage("migrate", "--noinput")
    if run.args.reuse_db:
        index_statement_refs(run)
    name = f"bench-{datetime.now(UTC):%Y%m%d%H%M%S}" if run.args.reuse_db else "bench"
    # One credential per platform of the data set (bench.gen.PLATFORMS); HTTP uses the LMS's,
    # which is all that --reuse-db needs.
    platforms = {"lms": gen.PLATFORMS["lms"]} if run.args.reuse_db else gen.PLATFORMS
    for platform, (scopes, _label) in platforms.items():
        scope_args = [arg for scope in scopes for arg in ("--scope", scope)]
        out = run.server.manage("create_xapi_credential", f"{name}-{platform}", *scope_args)
        run.credentials[platform] = out.strip().splitlines()[-1].split()
    run.headers = load.headers(*run.credentials["lms"])


def index_statement_refs(run: Run) -> None:
    """Bring the app's index of StatementRef targets up to date, where the app has one.

    Writes keep it current; a store loaded by an app without it (--reuse-db after migrating)
    needs this once, and at the end of a load the last referring statements may still be in the
    tail that queries read from the statement table. An older app has no such command: skipped.
    """
    t0 = time.perf_counter()
    out = run.server.manage("index_statement_refs", check=False)
    if out:
        log(f"index_statement_refs: {out.strip()} in {time.perf_counter() - t0:.1f} s")


def warm_up(run: Run) -> None:
    # Every worker imports the URLconf and opens its DB connection on its first request;
    # 40 small requests from 4 clients reach all of them before anything is timed.
    bodies = [(json.dumps(run.data.statement(WARMUP_OFFSET + i)).encode(), 1) for i in range(40)]
    res = load.post_cell(run.server.base, run.headers, bodies, 1, 4, 60)
    if res.errors:
        sys.exit(f"warm-up POSTs failed: {res.first_error}")
    run.stored += res.statements


def top_up(run: Run, start: int, count: int, label: str) -> dict:
    """Store statements [start, start+count) through xapi.api in one process per core."""
    if count <= 0:
        return {"statements": 0, "seconds": 0.0, "rate": 0.0}
    procs_n = run.args.topup_procs or (os.cpu_count() or 1)
    run.phase("top-up")
    log(f"top-up {label}: {count:,} statements through the LRS's record_statements in {procs_n} processes")
    step = -(-count // procs_n)
    procs = []
    t0 = time.perf_counter()
    for k in range(procs_n):
        lo, hi = start + k * step, min(start + (k + 1) * step, start + count)
        if lo >= hi:
            continue
        procs.append(
            subprocess.Popen(
                [
                    run.python,
                    # By path, not -m: with -m the app directory (the cwd) would come first and
                    # an app snapshot's own bench/ would shadow this one.
                    str(BENCH_DIR / "topup.py"),
                    "--seed",
                    str(SEED),
                    "--scale",
                    str(run.data.scale),
                    "--start",
                    str(lo),
                    "--stop",
                    str(hi),
                    "--batch",
                    str(run.args.topup_batch),
                    "--credentials",
                    ",".join(f"{platform}={key}" for platform, (key, _secret) in run.credentials.items()),
                ],
                # cwd is the app: Celery's loader puts the cwd first on sys.path, and the LRS
                # code must come from the app, not from this checkout; bench comes via PYTHONPATH.
                cwd=run.app_dir,
                env={**run.env, "PYTHONPATH": str(ROOT)},
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    progress = dict.fromkeys(range(len(procs)), 0)
    next_mark = count / 10

    def reader(k: int, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            if line.startswith("progress "):
                progress[k] = int(line.split()[1])

    threads = [threading.Thread(target=reader, args=(k, p), daemon=True) for k, p in enumerate(procs)]
    for t in threads:
        t.start()
    last_log = time.perf_counter()
    while any(p.poll() is None for p in procs):
        time.sleep(0.5)
        total = sum(progress.values())
        while total >= next_mark:
            # `since` in the verb query picks from these: real stored times in the data set.
            run.checkpoints.append(datetime.now(UTC))
            next_mark += count / 10
        if time.perf_counter() - last_log > 30:
            el = time.perf_counter() - t0
            log(f"  {total:,}/{count:,} ({total / el:,.0f}/s)")
            last_log = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    if any(p.returncode for p in procs):
        sys.exit(f"top-up failed (exit codes {[p.returncode for p in procs]})")
    done = sum(progress.values())
    run.stored += done
    log(f"  stored {done:,} in {seconds:,.0f} s = {done / seconds:,.0f} statements/s")
    return {"statements": done, "seconds": seconds, "rate": done / seconds, "processes": procs_n}


def analyze(run: Run) -> None:
    log("ANALYZE")
    with psycopg.connect(run.url, autocommit=True) as conn:
        conn.execute("ANALYZE")
        try:
            run.result["stored_rows_counted"] = conn.execute("SELECT count(*) FROM xapi_statement").fetchone()[0]
        except psycopg.Error:
            run.result["stored_rows_counted"] = None


def export_ref(ref: str) -> Path:
    """A read-only snapshot of `ref` (git archive), so code edited during a long run is not mixed in."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", ref], capture_output=True, text=True, check=True)
    dest = BENCH_DIR / "out" / f"app-{sha.stdout.strip()[:12]}"
    if not (dest / "manage.py").exists():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", sha.stdout.strip()], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    log(f"app: {ref} = {sha.stdout.strip()[:12]} exported to {dest}")
    return dest
