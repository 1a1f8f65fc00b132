"""The query mix: the typical GET /xapi/statements queries, timed from one client and from four.

Kinds: one learner's statements (`agent`), a verb since a stored time taken during the load
(`verb_since`: 10%-90% of the data is newer), everything that happened in a course
(`activity_related`: the course with `related_activities=true`, so its modules, class days and
exam, and the voiding statements of any of them), one learner's registration in a course
(`registration`), and the `more` URL of the verb and course answers (the second page).
`limit=100`. Latencies are wall time per request; p50/p95/p99 are nearest-rank.
"""

import json
import multiprocessing as mp
import random
import time
import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime

import psycopg

from bench import gen, load
from bench.context import QUERY_LIMIT, SEED, Run, log

KINDS = ("agent", "verb_since", "activity_related", "registration")
PAGED = ("verb_since", "activity_related")  # kinds whose `more` URL is timed as the `more` query
CLIENTS = 4


def _makers(run: Run, rng: random.Random, checkpoints: list[datetime]) -> dict[str, Callable[[], str]]:
    def path(params: dict) -> str:
        return "/xapi/statements?" + urllib.parse.urlencode({**params, "limit": QUERY_LIMIT})

    def agent() -> str:
        learner = gen.learner_agent(rng.randrange(run.data.learners))
        learner.pop("name")
        return path({"agent": json.dumps(learner, separators=(",", ":"))})

    def verb_since() -> str:
        since = rng.choice(checkpoints).isoformat().replace("+00:00", "Z")
        return path({"verb": rng.choice(gen.VERB_IDS), "since": since})

    def activity_related() -> str:
        return path({"activity": gen.course_id(rng.randrange(run.data.courses)), "related_activities": "true"})

    def registration() -> str:
        return path({"registration": run.data.query_registration(rng)})

    return {
        "agent": agent,
        "verb_since": verb_since,
        "activity_related": activity_related,
        "registration": registration,
    }


def stored_range_checkpoints(run: Run) -> list[datetime]:
    """`since` values when this run loaded nothing (--reuse-db): 10%..90% of the stored range."""
    with psycopg.connect(run.url) as conn:
        lo, hi = conn.execute("SELECT min(stored), max(stored) FROM xapi_statement").fetchone()
    if lo is None:
        return [datetime.now(UTC)]
    return [lo + (hi - lo) * k / 10 for k in range(1, 10)]


def stats(lat: list, counts: list, errors: int, first_error: str) -> dict:
    return {
        "samples": len(lat),
        "errors": errors,
        "first_error": first_error,
        "p50_ms": load.percentile(lat, 50) * 1000,
        "p95_ms": load.percentile(lat, 95) * 1000,
        "p99_ms": load.percentile(lat, 99) * 1000,
        "mean_results": sum(counts) / len(counts) if counts else 0,
    }


def _relative(url: str) -> str:
    u = urllib.parse.urlsplit(url)
    return u.path + ("?" + u.query if u.query else "")


def query_mix(run: Run) -> tuple[dict, dict]:
    """(one client, four clients): the stats of each kind of query, `more` included."""
    run.phase("queries")
    rng = random.Random(SEED)
    checkpoints = run.checkpoints[1:-1] or stored_range_checkpoints(run)
    makers = _makers(run, rng, checkpoints)
    one, more_urls = _one_client(run, makers)
    run.phase("queries x4")
    four = _four_clients(run, makers, more_urls)
    return one, four


def _one_client(run: Run, makers: dict[str, Callable[[], str]]) -> tuple[dict, list[str]]:
    """Each kind in turn, sequentially, after 5 untimed requests; at most query_budget_s per kind."""
    n, budget = run.cfg["query_samples"], run.cfg["query_budget_s"]
    http = load.pool(run.server.base)
    out: dict = {}
    more_urls: list[str] = []
    for name in KINDS:
        log(f"query {name}: {n} samples, one client")
        for _ in range(5):  # untimed: plan cache, connections
            load.timed_get(http, makers[name](), run.headers)
        lat, counts, errors, first_error = [], [], 0, ""
        stop_at = time.perf_counter() + budget
        for _ in range(n):
            if time.perf_counter() > stop_at:
                log(f"  time budget of {budget:.0f} s spent after {len(lat)} samples")
                break
            dt, status, body = load.timed_get(http, makers[name](), run.headers)
            if status != 200:
                errors += 1
                first_error = first_error or f"HTTP {status}: {body[:300]!r}"
                continue
            lat.append(dt)
            doc = json.loads(body)
            counts.append(len(doc.get("statements", [])))
            if doc.get("more") and name in PAGED:
                more_urls.append(doc["more"])
        out[name] = stats(lat, counts, errors, first_error)
    random.Random(SEED).shuffle(more_urls)
    log(f"query more (second page): {min(n, len(more_urls))} samples, one client")
    lat, counts, errors, first_error = [], [], 0, ""
    stop_at = time.perf_counter() + budget
    for url in more_urls[:n]:
        if time.perf_counter() > stop_at:
            break
        dt, status, body = load.timed_get(http, _relative(url), run.headers)
        if status != 200:
            errors += 1
            first_error = first_error or f"HTTP {status}: {body[:300]!r}"
            continue
        lat.append(dt)
        counts.append(len(json.loads(body).get("statements", [])))
    out["more"] = stats(lat, counts, errors, first_error)
    return out, more_urls


# Set in the parent just before forking; read by the children (inherited, never pickled).
_REQUESTS: list[list[tuple[str, str]]] = []


def _client(index: int, base_url: str, hdrs: dict, barrier, deadline_s: float, out) -> None:
    http = load.pool(base_url)
    rows, first_error = [], ""
    barrier.wait()
    stop_at = time.perf_counter() + deadline_s
    for kind, path in _REQUESTS[index]:
        try:
            dt, status, body = load.timed_get(http, path, hdrs)
        except Exception as exc:  # noqa: BLE001 - counted and reported, the client goes on
            rows.append((kind, None, 0))
            first_error = first_error or repr(exc)
            continue
        if status != 200:
            rows.append((kind, None, 0))
            first_error = first_error or f"HTTP {status}: {body[:300]!r}"
        else:
            rows.append((kind, dt, len(json.loads(body).get("statements", []))))
        if time.perf_counter() > stop_at:
            break
    out.put((rows, first_error))


def _four_clients(run: Run, makers: dict[str, Callable[[], str]], more_urls: list[str]) -> dict:
    """Four client processes, each sending an interleaved mix of every kind, all at once.

    Each kind gets about as many samples as with one client, spread over the four clients;
    the latencies are those of requests competing with three others for the server.
    """
    global _REQUESTS
    n = run.cfg["query_samples"]
    requests: list[tuple[str, str]] = []
    for k in range(n):
        requests += [(name, makers[name]()) for name in KINDS]
        if k < len(more_urls):
            requests.append(("more", _relative(more_urls[k])))
    random.Random(SEED + 4).shuffle(requests)
    _REQUESTS = [requests[k::CLIENTS] for k in range(CLIENTS)]
    log(f"queries from {CLIENTS} clients at once: {len(requests)} requests")
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(CLIENTS + 1)
    queue = ctx.Queue()
    deadline = run.cfg["query_budget_s"] * (len(KINDS) + 1) / CLIENTS
    procs = [
        ctx.Process(target=_client, args=(k, run.server.base, run.headers, barrier, deadline, queue), daemon=True)
        for k in range(CLIENTS)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    _REQUESTS = []
    out: dict = {}
    for name in (*KINDS, "more"):
        lat = [dt for rows, _e in results for kind, dt, _n in rows if kind == name and dt is not None]
        counts = [c for rows, _e in results for kind, dt, c in rows if kind == name and dt is not None]
        errors = sum(1 for rows, _e in results for kind, dt, _n in rows if kind == name and dt is None)
        first_error = next((e for _rows, e in results if e), "")
        out[name] = stats(lat, counts, errors, first_error)
    return out
