"""Benchmark of the xAPI Learning Record Store on PostgreSQL: ingest rates, query latency, memory.

Run through ./bench/xapi.sh (which starts PostgreSQL and sets DATABASE_URL). One run:

1. recreates its own database, migrates it, creates a credential (`create_xapi_credential`);
2. starts gunicorn (sync workers, 2 x cores + 1) and samples the RSS of master and workers;
3. tops the store up to (target - HTTP share) through the LRS's own `record_statements`;
4. measures POST throughput for batches of 1, 10, 100 at 1 and 4 client processes;
5. times PostgreSQL's own COPY of the same kind of statements into a plain table of the
   same shape, so that the LRS's rate is also given as a share of what the database can do;
6. tops up to exactly the target, runs ANALYZE, and times the typical GET queries;
7. prints a table with the targets and PASS/FAIL, and writes it all to bench/out/*.json.
"""

import argparse
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench import gen, load

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SEED = 20251123

# Targets from the issue.
TARGET_COPY_SHARE = 0.25  # batch 100 at 4 clients >= 25% of the COPY rate
TARGET_BATCH1_RATE = 500.0  # batch 1 at 4 clients >= 500 statements/s
TARGET_QUERY_P95_MS = 50.0  # typical query p95 <= 50 ms at one million statements

FULL = {
    "target": 1_000_000,
    # requests per cell, by batch size: bounded so that all six cells take a few minutes.
    "requests": {1: 3000, 10: 800, 100: 300},
    "cell_deadline_s": 60.0,
    "copy_statements": 100_000,
    "copy_reps": 3,
    "query_samples": 300,
    "query_budget_s": 120.0,  # per query kind: a pathological plan must not stall the run
}
QUICK = {
    "target": 20_000,
    "requests": {1: 200, 10: 50, 100: 10},
    "cell_deadline_s": 15.0,
    "copy_statements": 10_000,
    "copy_reps": 3,
    "query_samples": 40,
    "query_budget_s": 20.0,
}
CELL_OFFSET = 100_000_000  # statement numbers of the HTTP cells, disjoint from the top-up range
WARMUP_OFFSET = 200_000_000
QUERY_LIMIT = 100


def log(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {msg}", flush=True)


def db_url(base: str, name: str) -> str:
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psycopg_url(url: str) -> str:
    # Django's "postgres://" scheme is also libpq's; psycopg takes it as is.
    return url


def proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process from /proc/<pid>/stat, or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RssSampler(threading.Thread):
    """Samples the summed RSS and PSS of a process tree (gunicorn master + workers) from /proc.

    RSS counts shared pages once per process (the usual "max RSS" figure, an upper bound);
    PSS splits shared pages between the processes that map them, so its sum is the real
    footprint. VmHWM gives each process's own peak even between samples.
    """

    def __init__(self, root_pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self.hwm: dict[int, int] = {}
        # The 1-minute load average per phase: on a shared 2-core machine the figures only mean
        # something next to how many other runnable processes competed for the cores.
        self.phase = "start"
        self.load: dict[str, list[float]] = {}
        self._stop_event = threading.Event()

    def tree(self) -> list[int]:
        pids, todo = [], [self.root_pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            todo.extend(int(c) for c in children)
        return pids

    @staticmethod
    def _kib(path: str, field: str) -> int:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(field):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def sample(self) -> None:
        rss = pss = 0
        pids = self.tree()
        for pid in pids:
            rss += self._kib(f"/proc/{pid}/status", "VmRSS:")
            pss += self._kib(f"/proc/{pid}/smaps_rollup", "Pss:")
            hwm = self._kib(f"/proc/{pid}/status", "VmHWM:")
            self.hwm[pid] = max(self.hwm.get(pid, 0), hwm)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_procs = max(self.peak_procs, len(pids))
        try:
            self.load.setdefault(self.phase, []).append(float(Path("/proc/loadavg").read_text().split()[0]))
        except OSError:
            pass

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        self.sample()


_COPY_COLUMNS = [
    "statement_id",
    "actor_key",
    "verb_id",
    "object_activity_id",
    "registration",
    "timestamp",
    "stored",
    "data",
]


def timed_copies(
    conn: psycopg.Connection, table: str, columns: list[str], rows: list[tuple], reps: int
) -> tuple[list[float], list[float]]:
    """COPY `rows` into the emptied `table` `reps` times; wall seconds and CPU seconds (client + backend) of each."""
    times, cpu = [], []
    for _ in range(reps):
        conn.execute(f"TRUNCATE {table}")
        conn.commit()
        c0, p0, t0 = proc_cpu_seconds(conn.info.backend_pid), time.process_time(), time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        times.append(time.perf_counter() - t0)
        cpu.append(proc_cpu_seconds(conn.info.backend_pid) - c0 + time.process_time() - p0)
    return times, cpu


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.cfg = QUICK if args.quick else FULL
        if args.scale:
            self.cfg = {**self.cfg, "target": args.scale}
        if not 0 < self.cfg["target"] <= gen.MAX_SCALE:
            sys.exit(f"--scale must be between 1 and {gen.MAX_SCALE:,}")
        self.data = gen.DataSet(SEED, self.cfg["target"])
        self.app_dir = Path(args.app_dir).resolve()
        self.py = args.python
        base = os.environ.get("DATABASE_URL")
        if not base:
            sys.exit("DATABASE_URL is not set: run ./bench/xapi.sh, which starts PostgreSQL")
        self.admin_url = db_url(base, "postgres")
        self.url = db_url(base, args.db)
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "lms.settings.base",
            "BENCH_APP_DIR": str(self.app_dir),
            "LMS_VAR_DIR": str(BENCH_DIR / "out" / "var"),
        }
        if args.redis_url:
            self.env["REDIS_URL"] = args.redis_url
        else:
            self.env.pop("REDIS_URL", None)
        self.workers = args.workers or 2 * (os.cpu_count() or 1) + 1
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.sampler: RssSampler | None = None
        self.stored = 0  # statements accepted so far (top-up + HTTP 200s)
        self.checkpoints: list[datetime] = []  # wall-clock times during loading, for `since`
        self.result: dict = {
            "mode": "quick" if args.quick else "full",
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "app_dir": str(self.app_dir),
            "app_commit": getattr(args, "app_commit", None) or self._git_head(self.app_dir),
            "bench_commit": self._git_head(ROOT),
            "cores": os.cpu_count(),
            "gunicorn_workers": self.workers,
            "gunicorn_worker_class": f"{args.worker_class} x {args.threads} threads",
            "seed": SEED,
            "scale": self.cfg["target"],
        }

    @staticmethod
    def _git_head(path: Path) -> str:
        try:
            out = subprocess.run(
                ["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
            )
            dirty = subprocess.run(
                ["git", "-C", str(path), "status", "--porcelain", "--", "xapi"], capture_output=True, text=True
            )
            return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
        except OSError:
            return "?"

    # -- setup -----------------------------------------------------------------------------

    def manage(self, *argv: str) -> str:
        proc = subprocess.run(
            [self.py, "manage.py", *argv], cwd=self.app_dir, env=self.env, capture_output=True, text=True
        )
        if proc.returncode:
            sys.exit(f"manage.py {' '.join(argv)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout

    def setup_database(self) -> None:
        if not self.args.reuse_db:
            log(f"recreating database {self.args.db}")
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.args.db}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.args.db}"')
        # With --reuse-db this applies the app's newer migrations (e.g. indexes) to the loaded data.
        log("migrating")
        self.manage("migrate", "--noinput")
        name = f"bench-{datetime.now(UTC):%Y%m%d%H%M%S}" if self.args.reuse_db else "bench"
        # One credential per platform of the data set (bench.gen.PLATFORMS); HTTP uses the LMS's.
        self.credentials = {}
        for platform, (scopes, _label) in gen.PLATFORMS.items():
            scope_args = [arg for scope in scopes for arg in ("--scope", scope)]
            out = self.manage("create_xapi_credential", f"{name}-{platform}", *scope_args)
            self.credentials[platform] = out.strip().splitlines()[-1].split()
        self.key, self.secret = self.credentials["lms"]
        self.headers = load.headers(self.key, self.secret)

    def start_server(self) -> None:
        log(f"starting gunicorn with {self.workers} {self.args.worker_class} workers on {self.base}")
        (BENCH_DIR / "out").mkdir(exist_ok=True)
        self.server_log = open(BENCH_DIR / "out" / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop_server
        self.server = subprocess.Popen(
            [
                self.py,
                "-m",
                "gunicorn",
                "lms.wsgi",
                "--chdir",
                str(self.app_dir),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                self.args.worker_class,
                "--threads",
                str(self.args.threads),
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            env=self.env,
            stdout=self.server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                sys.exit("gunicorn exited; see bench/out/gunicorn.log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        self.sampler = RssSampler(self.server.pid)
        self.sampler.start()

    def stop_server(self) -> None:
        if self.sampler:
            self.sampler.stop()
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
        if self.server:
            self.server_log.close()

    def warm_up(self) -> None:
        # Every worker imports the URLconf and opens its DB connection on its first request;
        # 40 small requests from 4 clients reach all of them before anything is timed.
        bodies = [(json.dumps(self.data.statement(WARMUP_OFFSET + i)).encode(), 1) for i in range(40)]
        res = load.post_cell(self.base, self.headers, bodies, 1, 4, 60)
        if res.errors:
            sys.exit(f"warm-up POSTs failed: {res.first_error}")
        self.stored += res.statements

    # -- loading -----------------------------------------------------------------------------

    def top_up(self, start: int, count: int, label: str) -> dict:
        """Store statements [start, start+count) through xapi.api in one process per core."""
        if count <= 0:
            return {"statements": 0, "seconds": 0.0, "rate": 0.0}
        procs_n = self.args.topup_procs or (os.cpu_count() or 1)
        self.sampler.phase = "top-up"
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
                        self.py,
                        # By path, not -m: with -m the app directory (the cwd) would come first and
                        # an app snapshot's own bench/ would shadow this one.
                        str(BENCH_DIR / "topup.py"),
                        "--seed",
                        str(SEED),
                        "--scale",
                        str(self.data.scale),
                        "--start",
                        str(lo),
                        "--stop",
                        str(hi),
                        "--batch",
                        str(self.args.topup_batch),
                        "--credentials",
                        ",".join(f"{platform}={key}" for platform, (key, _secret) in self.credentials.items()),
                    ],
                    # cwd is the app: Celery's loader puts the cwd first on sys.path, and the LRS
                    # code must come from the app, not from this checkout; bench comes via PYTHONPATH.
                    cwd=self.app_dir,
                    env={**self.env, "PYTHONPATH": str(ROOT)},
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
                self.checkpoints.append(datetime.now(UTC))
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
        self.stored += done
        log(f"  stored {done:,} in {seconds:,.0f} s = {done / seconds:,.0f} statements/s")
        return {"statements": done, "seconds": seconds, "rate": done / seconds, "processes": procs_n}

    def ingest_cells(self) -> list[load.CellResult]:
        results = []
        offset = CELL_OFFSET
        for batch in (1, 10, 100):
            for clients in (1, 4):
                n_req = self.cfg["requests"][batch]
                bodies = []
                for _ in range(n_req):
                    sts = self.data.statements(offset, offset + batch)
                    offset += batch
                    # A batch of 1 is sent as a single statement object, as most clients do.
                    bodies.append((json.dumps(sts[0] if batch == 1 else sts).encode(), batch))
                log(f"ingest: batch {batch} x {clients} clients, {n_req} requests")
                self.sampler.phase = "ingest"
                before = self.server_cpu()
                res = load.post_cell(self.base, self.headers, bodies, batch, clients, self.cfg["cell_deadline_s"])
                after = self.server_cpu()
                # CPU seconds the server side spent, whatever else ran on the machine meanwhile.
                res.cpu_seconds = sum(v - before.get(k, 0.0) for k, v in after.items())
                self.stored += res.statements
                log(
                    f"  {res.rate:,.0f} statements/s, server CPU {res.cpu_ms_per_statement:.3f} ms/statement,"
                    f" {res.errors} errors {res.first_error}"
                )
                results.append(res)
        return results

    def server_cpu(self) -> dict[int, float]:
        """CPU seconds so far of the gunicorn workers and of the PostgreSQL backends on our database.

        Backends that start during a cell count from zero; one that ends during a cell (a
        connection older than CONN_MAX_AGE closes) loses its share, so this can undercount a little.
        """
        pids = self.sampler.tree()
        with psycopg.connect(self.url, autocommit=True) as conn:
            pids += [
                row[0]
                for row in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                )
            ]
        return {pid: cpu for pid in pids if (cpu := proc_cpu_seconds(pid)) is not None}

    # -- COPY baseline -----------------------------------------------------------------------

    def copy_baseline(self) -> dict:
        """Time psycopg COPY of N statements into a plain table shaped like the LRS's main table.

        The rows are built (JSON encoded) before the clock starts; the clock covers the COPY
        stream and the commit, i.e. what PostgreSQL itself needs to take the data durably.
        """
        n = self.cfg["copy_statements"]
        log(f"COPY baseline: {n:,} statements x {self.cfg['copy_reps']}")
        self.sampler.phase = "copy"
        stored = datetime.now(UTC)
        rows = []
        for st in self.data.statements(0, n):
            rows.append((*gen.copy_row(st, stored), json.dumps(st)))
        with psycopg.connect(self.url) as conn:
            conn.execute(
                """CREATE TABLE IF NOT EXISTS bench_copy_statement (
                    statement_id uuid PRIMARY KEY,
                    actor_key varchar(512) NOT NULL,
                    verb_id varchar(1024) NOT NULL,
                    object_activity_id varchar(1024),
                    registration uuid,
                    timestamp timestamptz NOT NULL,
                    stored timestamptz NOT NULL,
                    data jsonb NOT NULL)"""
            )
            conn.commit()
            times, cpu = timed_copies(conn, "bench_copy_statement", _COPY_COLUMNS, rows, self.cfg["copy_reps"])
            conn.execute("DROP TABLE bench_copy_statement")
            conn.commit()
            indexed = self.copy_with_lrs_indexes(conn, rows, self.cfg["copy_reps"])
        # The fastest repetition: the least disturbed measure of what PostgreSQL can do, and the
        # strictest denominator for the LRS's share (a disturbed, slow COPY would flatter it).
        best = min(times)
        rate = n / best
        cpu_ms = min(cpu) / n * 1000
        log(
            f"  COPY {rate:,.0f} statements/s (fastest of {[round(t, 2) for t in times]} s),"
            f" CPU {cpu_ms:.4f} ms/statement"
        )
        return {
            "statements": n,
            "seconds": times,
            "rate": rate,
            "cpu_ms_per_statement": cpu_ms,
            "lrs_indexes_rate": indexed,
        }

    @staticmethod
    def copy_with_lrs_indexes(conn: psycopg.Connection, rows: list[tuple], reps: int) -> float | None:
        """The same COPY into an empty clone of the LRS's statement table: its columns and all its indexes.

        The second reading of the issue's "a plain table of the same shape" (see verdicts): the
        issue's own figure for that COPY on these machines (about 29,000 rows/s) is what this
        measures, while the plain table above runs nearly twice as fast. Fastest of `reps`, like
        the plain one. Side tables are not included. None if the table is not there.
        """
        try:
            conn.execute(
                "CREATE TABLE bench_copy_lrs (LIKE xapi_statement INCLUDING DEFAULTS INCLUDING IDENTITY"
                " INCLUDING CONSTRAINTS INCLUDING INDEXES)"
            )
            conn.commit()
        except psycopg.Error:
            conn.rollback()
            return None
        try:
            flagged = [(*row, False, False) for row in rows]
            times, _cpu = timed_copies(conn, "bench_copy_lrs", [*_COPY_COLUMNS, "voided", "is_voiding"], flagged, reps)
        except psycopg.Error as exc:
            conn.rollback()
            log(f"  COPY into a clone of xapi_statement failed: {exc}")
            return None
        finally:
            conn.execute("DROP TABLE IF EXISTS bench_copy_lrs")
            conn.commit()
        seconds = min(times)
        log(f"  COPY into a clone of xapi_statement with its indexes: {len(rows) / seconds:,.0f} statements/s")
        return len(rows) / seconds

    # -- queries -----------------------------------------------------------------------------

    def analyze(self) -> None:
        log("ANALYZE")
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("ANALYZE")
            try:
                self.result["stored_rows_counted"] = conn.execute("SELECT count(*) FROM xapi_statement").fetchone()[0]
            except psycopg.Error:
                self.result["stored_rows_counted"] = None

    def queries(self) -> dict:
        """Time the typical GET /xapi/statements queries from one client, sequentially."""
        n = self.cfg["query_samples"]
        self.sampler.phase = "queries"
        rng = random.Random(SEED)
        http = load.pool(self.base)
        hdrs = self.headers
        checkpoints = self.checkpoints[1:-1] or self.stored_range_checkpoints()
        budget = self.cfg["query_budget_s"]

        def path(params: dict) -> str:
            return "/xapi/statements?" + urllib.parse.urlencode({**params, "limit": QUERY_LIMIT})

        def agent_q() -> str:
            agent = gen.learner_agent(rng.randrange(self.data.learners))
            agent.pop("name")
            return path({"agent": json.dumps(agent, separators=(",", ":"))})

        def verb_q() -> str:
            since = rng.choice(checkpoints).isoformat().replace("+00:00", "Z")
            return path({"verb": rng.choice(gen.VERB_IDS), "since": since})

        def activity_q() -> str:
            return path({"activity": gen.course_id(rng.randrange(self.data.courses)), "related_activities": "true"})

        def registration_q() -> str:
            return path({"registration": self.data.query_registration(rng)})

        out: dict = {}
        more_urls: list[str] = []
        kinds = (
            ("agent", agent_q),
            ("verb_since", verb_q),
            ("activity_related", activity_q),
            ("registration", registration_q),
        )
        for name, make in kinds:
            log(f"query {name}: {n} samples")
            for _ in range(5):  # untimed: plan cache, connections
                load.timed_get(http, make(), hdrs)
            lat, counts, errors, first_error = [], [], 0, ""
            stop_at = time.perf_counter() + budget
            for _ in range(n):
                if time.perf_counter() > stop_at:
                    log(f"  time budget of {budget:.0f} s spent after {len(lat)} samples")
                    break
                dt, status, body = load.timed_get(http, make(), hdrs)
                if status != 200:
                    errors += 1
                    first_error = first_error or f"HTTP {status}: {body[:300]!r}"
                    continue
                lat.append(dt)
                doc = json.loads(body)
                counts.append(len(doc.get("statements", [])))
                if doc.get("more") and name in ("verb_since", "activity_related"):
                    more_urls.append(doc["more"])
            out[name] = self._stats(lat, counts, errors, first_error)
        log(f"query more (second page): {min(n, len(more_urls))} samples")
        rng.shuffle(more_urls)
        lat, counts, errors, first_error = [], [], 0, ""
        stop_at = time.perf_counter() + budget
        for url in more_urls[:n]:
            if time.perf_counter() > stop_at:
                break
            u = urllib.parse.urlsplit(url)
            dt, status, body = load.timed_get(http, u.path + ("?" + u.query if u.query else ""), hdrs)
            if status != 200:
                errors += 1
                first_error = first_error or f"HTTP {status}: {body[:300]!r}"
                continue
            lat.append(dt)
            counts.append(len(json.loads(body).get("statements", [])))
        out["more"] = self._stats(lat, counts, errors, first_error)
        return out

    def stored_range_checkpoints(self) -> list[datetime]:
        """`since` values when this run loaded nothing (--reuse-db): 10%..90% of the stored range."""
        with psycopg.connect(self.url) as conn:
            lo, hi = conn.execute("SELECT min(stored), max(stored) FROM xapi_statement").fetchone()
        if lo is None:
            return [datetime.now(UTC)]
        return [lo + (hi - lo) * k / 10 for k in range(1, 10)]

    @staticmethod
    def _stats(lat: list, counts: list, errors: int, first_error: str) -> dict:
        return {
            "samples": len(lat),
            "errors": errors,
            "first_error": first_error,
            "p50_ms": load.percentile(lat, 50) * 1000,
            "p95_ms": load.percentile(lat, 95) * 1000,
            "p99_ms": load.percentile(lat, 99) * 1000,
            "mean_results": sum(counts) / len(counts) if counts else 0,
        }

    # -- run ---------------------------------------------------------------------------------

    def run(self) -> dict:
        t_start = time.perf_counter()
        self.setup_database()
        self.start_server()
        try:
            if self.args.reuse_db:
                return self.run_queries_only(t_start)
            self.warm_up()
            planned_http = sum(b * r * 2 for b, r in self.cfg["requests"].items())
            first = self.cfg["target"] - planned_http - self.stored
            self.result["topup"] = [self.top_up(0, first, "before ingest cells")]
            cells = self.ingest_cells()
            self.result["copy"] = self.copy_baseline()
            # Cells cut short by their deadline leave a gap: fill it so the queries see exactly the target.
            rest = self.cfg["target"] - self.stored
            self.result["topup"].append(self.top_up(max(first, 0), rest, "to the target"))
            self.analyze()
            self.result["stored_statements"] = self.stored
            self.result["queries"] = self.queries()
        finally:
            self.stop_server()
        self.result["ingest"] = [
            {
                "batch": c.batch,
                "clients": c.clients,
                "requests": c.requests,
                "statements": c.statements,
                "errors": c.errors,
                "first_error": c.first_error,
                "seconds": c.seconds,
                "rate": c.rate,
                "p50_ms": load.percentile(c.latencies, 50) * 1000,
                "p95_ms": load.percentile(c.latencies, 95) * 1000,
                "cpu_ms_per_statement": c.cpu_ms_per_statement,
            }
            for c in cells
        ]
        self.finish(t_start)
        return self.result

    def run_queries_only(self, t_start: float) -> dict:
        """--reuse-db: time the queries on the data a previous run loaded (after new migrations)."""
        self.analyze()
        self.stored = self.result.get("stored_rows_counted") or 0
        self.result["stored_statements"] = self.stored
        self.result["topup"], self.result["ingest"], self.result["copy"] = [], [], None
        self.result["queries"] = self.queries()
        self.stop_server()
        self.finish(t_start)
        return self.result

    def finish(self, t_start: float) -> None:
        s = self.sampler
        self.result["memory"] = {
            "peak_rss_total_mib": s.peak_rss / 1024,
            "peak_pss_total_mib": s.peak_pss / 1024,
            "max_process_hwm_mib": max(s.hwm.values(), default=0) / 1024,
            "processes": s.peak_procs,
        }
        self.result["load_average"] = {phase: sum(v) / len(v) for phase, v in s.load.items() if v}
        self.result["seconds_total"] = time.perf_counter() - t_start
        self.result["targets"] = verdicts(self.result)


def verdicts(r: dict) -> list[dict]:
    """PASS/FAIL of each target that this run measured."""
    out = []
    cell = {(c["batch"], c["clients"]): c for c in r["ingest"]}
    if cell:
        # "COPY ... into a plain table of the same shape" has two readings. The issue puts that
        # COPY at about 29,000 rows/s on these machines, which is what a table with the statement
        # table's columns and indexes takes here; a table with the columns and only a primary key
        # runs nearly twice as fast. Both are printed; the second is the stricter.
        b100 = cell[(100, 4)]
        indexed = r["copy"].get("lrs_indexes_rate")
        if indexed:
            share = b100["rate"] / indexed
            out.append(
                {
                    "target": "batch 100 x 4 clients >= 25% of COPY (same columns and indexes)",
                    "value": f"{share:.1%}",
                    "pass": share >= TARGET_COPY_SHARE and not b100["errors"],
                }
            )
        share = b100["rate"] / r["copy"]["rate"]
        out.append(
            {
                "target": "batch 100 x 4 clients >= 25% of COPY (same columns, primary key only)",
                "value": f"{share:.1%}",
                "pass": share >= TARGET_COPY_SHARE and not b100["errors"],
            }
        )
        b1 = cell[(1, 4)]["rate"]
        out.append(
            {
                "target": "batch 1 x 4 clients >= 500 statements/s",
                "value": f"{b1:,.0f}/s",
                "pass": b1 >= TARGET_BATCH1_RATE and not cell[(1, 4)]["errors"],
            }
        )
    for name, q in r["queries"].items():
        out.append(
            {
                "target": f"query {name} p95 <= 50 ms",
                "value": f"{q['p95_ms']:.1f} ms",
                "pass": q["p95_ms"] <= TARGET_QUERY_P95_MS and not q["errors"] and q["samples"] > 0,
            }
        )
    return out


def report(r: dict) -> str:
    """The human-readable table."""
    lines = [
        f"xAPI LRS benchmark ({r['mode']}) started {r['started']} - app {r['app_dir']} @ {r['app_commit']}, "
        f"bench @ {r['bench_commit']}",
        f"{r['cores']} cores, gunicorn {r['gunicorn_workers']} workers ({r.get('gunicorn_worker_class', 'sync')}), "
        f"PostgreSQL on 127.0.0.1, total {r['seconds_total'] / 60:.1f} min",
        "",
        f"Stored statements: {r['stored_statements']:,} (rows counted: {r.get('stored_rows_counted')})",
    ]
    for t in r["topup"]:
        if t["statements"]:
            lines.append(
                f"  top-up through the LRS's record_statements (as the view calls it), {t['processes']} processes: "
                f"{t['statements']:,} in {t['seconds']:,.0f} s = {t['rate']:,.0f} statements/s"
            )
    if r["ingest"]:
        copy_rate = r["copy"]["rate"]
        lines += [
            "",
            "Ingest: POST /xapi/statements (client processes, keep-alive)",
            f"  {'batch':>5} {'clients':>7} {'requests':>8} {'stmts':>7} {'errors':>6} {'secs':>6} "
            f"{'stmts/s':>8} {'%COPY':>6} {'p50 ms':>7} {'p95 ms':>7} {'CPU ms/st':>9}  target",
        ]
        for c in r["ingest"]:
            target = ""
            if (c["batch"], c["clients"]) == (100, 4):
                target = ">= 25% of COPY  (see Targets)"
            elif (c["batch"], c["clients"]) == (1, 4):
                ok = c["rate"] >= TARGET_BATCH1_RATE and not c["errors"]
                target = f">= 500/s  {'PASS' if ok else 'FAIL'}"
            lines.append(
                f"  {c['batch']:>5} {c['clients']:>7} {c['requests']:>8} {c['statements']:>7} {c['errors']:>6} "
                f"{c['seconds']:>6.1f} {c['rate']:>8,.0f} {c['rate'] / copy_rate:>6.1%} {c['p50_ms']:>7.1f} "
                f"{c['p95_ms']:>7.1f} {c.get('cpu_ms_per_statement', float('nan')):>9.3f}  {target}"
            )
            if c["first_error"]:
                lines.append(f"        first error: {c['first_error'][:200]}")
        secs = ", ".join(f"{t:.2f}" for t in r["copy"]["seconds"])
        lines += [
            f"  COPY baseline: {r['copy']['statements']:,} statements into a plain table of the same columns "
            f"(uuid PK), {copy_rate:,.0f} statements/s (fastest of {secs} s)",
        ]
        copy_cpu = r["copy"].get("cpu_ms_per_statement")
        if copy_cpu:
            lines.append(
                f"  CPU per statement (server: gunicorn workers + PostgreSQL backends; COPY: client + backend): "
                f"COPY {copy_cpu:.4f} ms"
                + "".join(
                    f", batch {c['batch']}x{c['clients']} {c['cpu_ms_per_statement']:.3f} ms"
                    f" (COPY = {copy_cpu / c['cpu_ms_per_statement']:.1%})"
                    for c in r["ingest"]
                    if c["batch"] == 100 and c.get("cpu_ms_per_statement")
                )
                + " - a load-independent view of the same gap"
            )
        if r["copy"].get("lrs_indexes_rate"):
            indexed = r["copy"]["lrs_indexes_rate"]
            b100 = next((c["rate"] for c in r["ingest"] if (c["batch"], c["clients"]) == (100, 4)), None)
            lines.append(
                f"  The same COPY into an empty clone of xapi_statement (same columns and all its indexes): "
                f"{indexed:,.0f} statements/s"
                + (f"; batch 100 x 4 clients = {b100 / indexed:.1%} of it" if b100 else "")
            )
    lines += [
        "",
        f"Queries: GET /xapi/statements at {r['stored_statements']:,} statements, limit {QUERY_LIMIT}, one client",
        f"  {'query':<18} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'rows':>6}  target",
    ]
    for name, q in r["queries"].items():
        ok = q["p95_ms"] <= TARGET_QUERY_P95_MS and not q["errors"] and q["samples"] > 0
        lines.append(
            f"  {name:<18} {q['samples']:>4} {q['p50_ms']:>7.1f} {q['p95_ms']:>7.1f} {q['p99_ms']:>7.1f} "
            f"{q['mean_results']:>6.1f}  p95 <= 50 ms  {'PASS' if ok else 'FAIL'}"
        )
        if q["errors"]:
            lines.append(f"        {q['errors']} errors, first: {q['first_error'][:200]}")
    m = r["memory"]
    lines += [
        "",
        f"Server memory ({m['processes']} processes: master + workers): "
        f"peak RSS sum {m['peak_rss_total_mib']:,.0f} MiB, peak PSS sum {m['peak_pss_total_mib']:,.0f} MiB, "
        f"largest process peak (VmHWM) {m['max_process_hwm_mib']:,.0f} MiB",
        "",
        "Machine load (mean 1-min load average, 2 cores; other users' jobs count too): "
        + ", ".join(f"{k} {v:.1f}" for k, v in r.get("load_average", {}).items()),
        "",
        "Targets:",
    ]
    for t in r["targets"]:
        lines.append(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['target']:<70} {t['value']}")
    return "\n".join(lines)


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
        args.app_dir = str(export_ref(args.app_ref))
        args.app_commit = args.app_dir.rsplit("-", 1)[-1][:7]
    # SIGTERM (e.g. `kill` or a CI timeout) unwinds like Ctrl-C, so gunicorn is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench = Bench(args)
    result = bench.run()
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
