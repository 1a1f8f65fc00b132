"""Top-up loader: store generated statements through the LRS's own Python code.

Run by bench.xapi as `python -m bench.topup` (one process per core) with the LRS's settings in
the environment. It calls `xapi.services.statements.record_statements` with the credential,
exactly as the POST view does, so the stored rows are what the HTTP endpoint would store
(validation, normalization, authority, side tables, indexes) while HTTP, JSON parsing and
gunicorn are skipped; those are measured separately by the ingest cells.

Each statement is sent with the credential of its platform (bench.gen.PLATFORMS): a batch of the
data set is split by platform, in order, as each platform would send its own statements.
Prints `progress N` after each stored batch so the orchestrator can follow and timestamp it.
"""

import argparse
import inspect
import os
import sys

# Imported before the app directory goes first on sys.path: an app snapshot (--app-ref) carries
# its own, older bench package, and the data set must be this checkout's.
from bench import gen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--start", type=int, required=True)
    parser.add_argument("--stop", type=int, required=True)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--credentials", required=True, help="platform=key,platform=key,...")
    args = parser.parse_args()

    # The LRS code comes from the app directory (possibly another worktree), ahead of this one.
    sys.path.insert(0, os.environ["BENCH_APP_DIR"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    import django

    django.setup()
    from xapi.models import Credential

    keys = dict(pair.split("=", 1) for pair in args.credentials.split(","))
    credentials = {platform: Credential.objects.get(key=key) for platform, key in keys.items()}
    try:
        # The very call the HTTP view makes: same credential column, authority and version.
        from xapi.services.statements import record_statements

        def store(batch: list[dict], credential: Credential) -> None:
            record_statements(batch, credential=credential, version="1.0.3")
    except ImportError:
        from xapi import api

        params = inspect.signature(api.record_statements).parameters

        def store(batch: list[dict], credential: Credential) -> None:
            kwargs = {"credential": credential} if "credential" in params else {"authority": credential.authority}
            api.record_statements(batch, version="1.0.3", **kwargs)

    data = gen.DataSet(args.seed, args.scale)
    done = 0
    for lo in range(args.start, args.stop, args.batch):
        hi = min(lo + args.batch, args.stop)
        by_platform: dict[str, list[dict]] = {}
        for i in range(lo, hi):
            platform, statement = data.generate(i)
            by_platform.setdefault(platform, []).append(statement)
        for platform, batch in by_platform.items():
            store(batch, credentials[platform])
        done += hi - lo
        print(f"progress {done}", flush=True)


if __name__ == "__main__":
    main()
