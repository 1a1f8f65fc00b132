"""HTTP load generation: POST batches from several client processes, and timed GETs.

Clients are processes, not threads: JSON encoding and urllib3 are Python code, and four
threads in one interpreter would share one core's worth of GIL while the server is fighting
for the same two cores. Request bodies are encoded before the clock starts; the child
processes are forked, so they share the pre-encoded bodies without pickling them.
"""

import base64
import multiprocessing as mp
import time
from dataclasses import dataclass, field

import urllib3

VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}


def headers(key: str, secret: str) -> dict:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", **VERSION_HEADER}


def pool(base_url: str) -> urllib3.HTTPConnectionPool:
    # One keep-alive connection per client; retries off so that every failure is counted.
    return urllib3.connection_from_url(base_url, maxsize=1, block=True, retries=False, timeout=300)


@dataclass
class CellResult:
    """What one (batch size, clients) cell measured."""

    batch: int
    clients: int
    requests: int = 0
    statements: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list = field(default_factory=list)
    first_error: str = ""
    cpu_seconds: float = 0.0  # server-side CPU (gunicorn workers + PostgreSQL backends), set by the caller

    @property
    def rate(self) -> float:
        return self.statements / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_statement(self) -> float:
        return self.cpu_seconds / self.statements * 1000 if self.statements else float("nan")


# Set in the parent just before forking; read by the children (inherited, never pickled).
_BODIES: list[list[tuple[bytes, int]]] = []


def _client(index: int, base_url: str, hdrs: dict, barrier, deadline_s: float, out) -> None:
    http = pool(base_url)
    hdrs = {**hdrs, "Content-Type": "application/json"}
    done = stmts = errors = 0
    first_error = ""
    lat = []
    barrier.wait()
    t0 = time.perf_counter()
    stop_at = t0 + deadline_s
    for body, count in _BODIES[index]:
        s = time.perf_counter()
        try:
            r = http.urlopen("POST", "/xapi/statements", body=body, headers=hdrs, preload_content=True)
            ok = r.status == 200
            if not ok and not first_error:
                first_error = f"HTTP {r.status}: {r.data[:300]!r}"
        except Exception as exc:  # noqa: BLE001 - counted and reported, the cell goes on
            ok = False
            first_error = first_error or repr(exc)
        e = time.perf_counter()
        lat.append(e - s)
        done += 1
        if ok:
            stmts += count
        else:
            errors += 1
        if e > stop_at:
            break
    t1 = time.perf_counter()
    out.put((index, done, stmts, errors, t0, t1, lat, first_error))


def post_cell(
    base_url: str, hdrs: dict, bodies: list[tuple[bytes, int]], batch: int, clients: int, deadline_s: float
) -> CellResult:
    """POST `bodies` (pre-encoded batches) round-robin from `clients` processes; measure throughput.

    The clock runs from the moment all clients are released until the last one finishes, so
    the rate is statements accepted / wall time of the whole cell. A client stops early when
    the cell has run `deadline_s` seconds, which bounds each cell on a slow LRS.
    """
    global _BODIES
    _BODIES = [bodies[k::clients] for k in range(clients)]
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(clients + 1)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_client, args=(k, base_url, hdrs, barrier, deadline_s, out), daemon=True)
        for k in range(clients)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    _BODIES = []
    res = CellResult(batch=batch, clients=clients)
    t0 = min(r[4] for r in results)
    t1 = max(r[5] for r in results)
    res.seconds = t1 - t0
    for _i, done, stmts, errors, _a, _b, lat, first_error in results:
        res.requests += done
        res.statements += stmts
        res.errors += errors
        res.latencies.extend(lat)
        res.first_error = res.first_error or first_error
    return res


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) - no interpolation, so p99 is a measured request."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def timed_get(http: urllib3.HTTPConnectionPool, path: str, hdrs: dict) -> tuple[float, int, bytes]:
    s = time.perf_counter()
    r = http.urlopen("GET", path, headers=hdrs, preload_content=True)
    return time.perf_counter() - s, r.status, r.data
