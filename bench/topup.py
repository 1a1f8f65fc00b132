"""Top-up loader: store generated statements through the LRS's own Python API.

Run by bench.xapi as `python -m bench.topup` (one process per core) with the LRS's settings in
the environment. Going through `xapi.api.record_statements` keeps the stored rows exactly what
the HTTP endpoint would store (validation, normalization, side tables, indexes) while skipping
HTTP, JSON parsing and gunicorn, which are measured separately by the ingest cells.

Prints `progress N` after each stored batch so the orchestrator can follow and timestamp it.
"""

import argparse
import inspect
import os
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--start", type=int, required=True)
    parser.add_argument("--stop", type=int, required=True)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--credential-key", required=True)
    args = parser.parse_args()

    # The LRS code comes from the app directory (possibly another worktree), ahead of this one.
    sys.path.insert(0, os.environ["BENCH_APP_DIR"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    import django

    django.setup()
    from bench import gen
    from xapi import api
    from xapi.models import Credential

    credential = Credential.objects.get(key=args.credential_key)
    params = inspect.signature(api.record_statements).parameters
    kwargs = {"credential": credential} if "credential" in params else {}
    if "version" in params:
        kwargs["version"] = "1.0.3"
    done = 0
    for lo in range(args.start, args.stop, args.batch):
        hi = min(lo + args.batch, args.stop)
        api.record_statements(gen.statements(args.seed, lo, hi), **kwargs)
        done += hi - lo
        print(f"progress {done}", flush=True)


if __name__ == "__main__":
    main()
