"""gunicorn settings of the LMS, read by `gunicorn lms.wsgi` run from this directory (docs/xapi-ingest.md).

- `preload_app`: the master imports Django, the URLconf and every app once; workers are forked
  from it and share those pages instead of each importing them (less memory, faster restarts).
  Nothing opens a database connection at import, so no connection is shared across the fork.
- `workers`: one per core plus one, so a worker waiting on PostgreSQL leaves the cores busy;
  WEB_CONCURRENCY overrides it (a host with PostgreSQL elsewhere may take 2 x cores + 1).
- `gc.freeze()` before forking: objects created by the imports move to a generation the
  collector never walks, so a collection in a worker does not touch (and copy) the shared pages.
"""

import gc
import os

wsgi_app = "lms.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
preload_app = True


def pre_fork(server, worker) -> None:  # noqa: ARG001 (gunicorn's hook signature)
    gc.freeze()
