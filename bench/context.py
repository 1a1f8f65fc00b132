"""What one run of the xAPI benchmark shares between its parts: settings, the data set, the server, results."""

import argparse
import os
import secrets
import subprocess
import sys
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from bench import gen
from bench.server import Server

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SEED = 20251123

FULL = {
    "target": gen.DEFAULT_SCALE,
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


def git_head(path: Path) -> str:
    try:
        out = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "-C", str(path), "status", "--porcelain", "--", "xapi"], capture_output=True, text=True
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except OSError:
        return "?"


class Run:
    """One benchmark run: its configuration, data set, database, server and the figures so far."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.cfg = QUICK if args.quick else FULL
        if args.scale:
            self.cfg = {**self.cfg, "target": args.scale}
        if not 0 < self.cfg["target"] <= gen.MAX_SCALE:
            sys.exit(f"--scale must be between 1 and {gen.MAX_SCALE:,}")
        self.data = gen.DataSet(SEED, self.cfg["target"])
        self.app_dir = Path(args.app_dir).resolve()
        self.python = args.python
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
        self.server = Server(
            python=self.python,
            app_dir=self.app_dir,
            env=self.env,
            workers=args.workers or 2 * (os.cpu_count() or 1) + 1,
            worker_class=args.worker_class,
            threads=args.threads,
        )
        self.credentials: dict[str, list[str]] = {}  # platform -> [key, secret]
        self.headers: dict = {}  # of the LMS's credential, which every HTTP request uses
        self.stored = 0  # statements accepted so far (top-up + HTTP 200s)
        self.checkpoints: list[datetime] = []  # wall-clock times during loading, for `since`
        self.result: dict = {
            "mode": "quick" if args.quick else "full",
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "app_dir": str(self.app_dir),
            "app_commit": getattr(args, "app_commit", None) or git_head(self.app_dir),
            "bench_commit": git_head(ROOT),
            "cores": os.cpu_count(),
            "gunicorn_workers": self.server.workers,
            "gunicorn_worker_class": f"{args.worker_class} x {args.threads} threads",
            "seed": SEED,
            "scale": self.cfg["target"],
        }

    @property
    def sampler(self):
        return self.server.sampler

    def phase(self, name: str) -> None:
        """Name what runs now, for the load average per phase."""
        if self.server.sampler:
            self.server.sampler.phase = name
