"""Top-up loader: store generated statements through the LRS's own Python code.

Run by bench.xapi as `python -m bench.topup` (one process per core) with the LRS's settings in
the environment. It calls `xapi.services.statements.record_statements` with the credential,
exactly as the POST view does, so the stored rows are what the HTTP endpoint would store
(validation, normalization, authority, side tables, indexes) while HTTP, JSON parsing and
gunicorn are skipped; those are measured separately by the ingest cells.

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
    from xapi.models import Credential

    credential = Credential.objects.get(key=args.credential_key)
    try:
        # The very call the HTTP view makes: same credential column, authority and version.
        from xapi.services.statements import record_statements

        def store(batch: list[dict]) -> None:
            record_statements(batch, credential=credential, version="1.0.3")
    except ImportError:
        from xapi import api

        params = inspect.signature(api.record_statements).parameters

        def store(batch: list[dict]) -> None:
            kwargs = {"credential": credential} if "credential" in params else {"authority": credential.authority}
            api.record_statements(batch, version="1.0.3", **kwargs)

    done = 0
    for lo in range(args.start, args.stop, args.batch):
        hi = min(lo + args.batch, args.stop)
        store(gen.statements(args.seed, lo, hi))
        done += hi - lo
        print(f"progress {done}", flush=True)


if __name__ == "__main__":
    main()
