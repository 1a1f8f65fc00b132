"""The issue's targets (issue 14) with PASS/FAIL, and the human-readable table of a run."""

TARGET_COPY_SHARE = 0.35  # batch 100 at 4 clients >= 35% of the same-shape COPY in the same run
TARGET_BATCH1_RATE = 800.0  # batch 1 at 4 clients >= 800 statements/s
TARGET_QUERY_P95_MS = {"1": 50.0, "4": 100.0}  # every typical query, p95, one client / four clients
TARGET_RSS_MIB = 600.0  # server memory: gunicorn master + workers, peak RSS summed


def _query_ok(q: dict, limit: float) -> bool:
    return q["p95_ms"] <= limit and not q["errors"] and q["samples"] > 0


def verdicts(r: dict) -> list[dict]:
    """PASS/FAIL (or None: a figure without a target) of each figure this run measured."""
    out = []
    cell = {(c["batch"], c["clients"]): c for c in r["ingest"]}
    if cell:
        # "The same-shape COPY": a table with the statement table's columns and indexes, and a
        # table with the columns and only a primary key, which runs nearly twice as fast. Both
        # are printed; the second is the stricter.
        b100 = cell[(100, 4)]
        indexed = r["copy"].get("lrs_indexes_rate")
        if indexed:
            share = b100["rate"] / indexed
            out.append(
                {
                    "target": f"batch 100 x 4 clients >= {TARGET_COPY_SHARE:.0%} of COPY (same columns and indexes)",
                    "value": f"{share:.1%}",
                    "pass": share >= TARGET_COPY_SHARE and not b100["errors"],
                }
            )
        share = b100["rate"] / r["copy"]["rate"]
        out.append(
            {
                "target": f"batch 100 x 4 clients >= {TARGET_COPY_SHARE:.0%} of COPY (same columns, primary key only)",
                "value": f"{share:.1%}",
                "pass": share >= TARGET_COPY_SHARE and not b100["errors"],
            }
        )
        b1 = cell[(1, 4)]
        out.append(
            {
                "target": f"batch 1 x 4 clients >= {TARGET_BATCH1_RATE:,.0f} statements/s",
                "value": f"{b1['rate']:,.0f}/s",
                "pass": b1["rate"] >= TARGET_BATCH1_RATE and not b1["errors"],
            }
        )
        for c in r["ingest"]:
            out.append(
                {
                    "target": f"server CPU per statement, batch {c['batch']} x {c['clients']} (reported, no target)",
                    "value": f"{c['cpu_ms_per_statement']:.3f} ms",
                    "pass": None,
                }
            )
    scale = f"{r['stored_statements']:,} statements"
    for clients, queries in (("1", r["queries"]), ("4", r.get("queries_4") or {})):
        limit = TARGET_QUERY_P95_MS[clients]
        for name, q in queries.items():
            out.append(
                {
                    "target": f"query {name}, {clients} client{'s' if clients != '1' else ''}, p95 <= {limit:.0f} ms"
                    f" at {scale}",
                    "value": f"{q['p95_ms']:.1f} ms",
                    "pass": _query_ok(q, limit),
                }
            )
    m = r["memory"]
    out.append(
        {
            "target": f"server memory (gunicorn master + {r['gunicorn_workers']} workers) peak RSS"
            f" <= {TARGET_RSS_MIB:.0f} MiB",
            "value": f"{m['peak_rss_total_mib']:,.0f} MiB",
            "pass": m["peak_rss_total_mib"] <= TARGET_RSS_MIB,
        }
    )
    return out


def report(r: dict) -> str:
    """The human-readable table."""
    lines = [
        f"xAPI LRS benchmark ({r['mode']}, scale {r['scale']:,}) started {r['started']} - app {r['app_dir']}"
        f" @ {r['app_commit']}, bench @ {r['bench_commit']}",
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
        lines += _ingest_lines(r)
    for clients, queries in (("one client", r["queries"]), ("four clients at once", r.get("queries_4") or {})):
        if not queries:
            continue
        lines += [
            "",
            f"Queries: GET /xapi/statements at {r['stored_statements']:,} statements, limit 100, {clients}",
            f"  {'query':<18} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'rows':>6}",
        ]
        for name, q in queries.items():
            lines.append(
                f"  {name:<18} {q['samples']:>4} {q['p50_ms']:>7.1f} {q['p95_ms']:>7.1f} {q['p99_ms']:>7.1f} "
                f"{q['mean_results']:>6.1f}"
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
        "Targets (issue 14):",
    ]
    for t in r["targets"]:
        verdict = "  --" if t["pass"] is None else "PASS" if t["pass"] else "FAIL"
        lines.append(f"  {verdict}  {t['target']:<86} {t['value']}")
    return "\n".join(lines)


def _ingest_lines(r: dict) -> list[str]:
    copy_rate = r["copy"]["rate"]
    lines = [
        "",
        "Ingest: POST /xapi/statements (client processes, keep-alive)",
        f"  {'batch':>5} {'clients':>7} {'requests':>8} {'stmts':>7} {'errors':>6} {'secs':>6} "
        f"{'stmts/s':>8} {'%COPY':>6} {'p50 ms':>7} {'p95 ms':>7} {'CPU ms/st':>9}",
    ]
    for c in r["ingest"]:
        lines.append(
            f"  {c['batch']:>5} {c['clients']:>7} {c['requests']:>8} {c['statements']:>7} {c['errors']:>6} "
            f"{c['seconds']:>6.1f} {c['rate']:>8,.0f} {c['rate'] / copy_rate:>6.1%} {c['p50_ms']:>7.1f} "
            f"{c['p95_ms']:>7.1f} {c.get('cpu_ms_per_statement', float('nan')):>9.3f}"
        )
        if c["first_error"]:
            lines.append(f"        first error: {c['first_error'][:200]}")
    secs = ", ".join(f"{t:.2f}" for t in r["copy"]["seconds"])
    lines.append(
        f"  COPY baseline: {r['copy']['statements']:,} statements into a plain table of the same columns "
        f"(uuid PK), {copy_rate:,.0f} statements/s (fastest of {secs} s)"
    )
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
        )
    if r["copy"].get("lrs_indexes_rate"):
        indexed = r["copy"]["lrs_indexes_rate"]
        b100 = next((c["rate"] for c in r["ingest"] if (c["batch"], c["clients"]) == (100, 4)), None)
        lines.append(
            f"  The same COPY into an empty clone of xapi_statement (same columns and all its indexes): "
            f"{indexed:,.0f} statements/s" + (f"; batch 100 x 4 clients = {b100 / indexed:.1%} of it" if b100 else "")
        )
    return lines
