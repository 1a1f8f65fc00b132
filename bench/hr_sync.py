"""Benchmark: the HR sync of a city-sized roster (issue 11).

    ./bench/hr_sync.sh            # starts PostgreSQL, creates an empty database, runs this

Budgets: 600 agencies and 55,000 people synced into an empty database in ≤ 60 s and ≤ 1 GiB;
a second run with 500 changes (transfers, field changes, leavers, newcomers) in ≤ 20 s.
Each sync runs in a fresh child process, so its peak RSS (ru_maxrss) is the sync's alone; the
time is the whole of `run_hr_sync` (read both files, plan, apply in one transaction).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")

AGENCIES, PEOPLE, CHANGES = 600, 55_000, 500
BUDGET_FIRST_S, BUDGET_FIRST_MIB, BUDGET_SECOND_S = 60.0, 1024.0, 20.0
AGENCY_HEADER = ["機關代碼", "機關名稱", "上級機關代碼", "機關類型", "停用"]
EMPLOYMENT_MIX = ["公務人員"] * 7 + ["教師"] * 2 + ["約聘僱"]
PEOPLE_HEADER = ["員工編號", "姓名", "機關代碼", "官等", "職等", "主管", "人員類別", "電子郵件", "到職日期", "離職日期"]


def agency_rows() -> list[list[str]]:
    rows = [["K0000", "高雄市政府", "", "一級機關", ""]]
    firsts = [f"K1{n:03d}" for n in range(30)]
    rows += [[code, f"第{n}局", "K0000", "一級機關", ""] for n, code in enumerate(firsts)]
    rows += [[f"K2{n:03d}", f"第{n}處", firsts[n % 30], "二級機關", ""] for n in range(200)]
    rows += [[f"K3{n:03d}", f"第{n}區公所", firsts[0], "區公所", ""] for n in range(38)]
    rows += [[f"K4{n:03d}", f"第{n}學校", firsts[1], "學校", ""] for n in range(AGENCIES - len(rows))]
    return rows[:AGENCIES]


def people_rows(agency_codes: list[str], rng: random.Random) -> list[list[str]]:
    rows = []
    for n in range(PEOPLE):
        grade = rng.randint(1, 14)
        rows.append(
            [
                f"P{n:07d}",
                "王" + "小大中"[n % 3] + "明華美"[n % 7 % 3],
                rng.choice(agency_codes[1:]),
                "委任" if grade <= 5 else "薦任" if grade <= 9 else "簡任",
                str(grade),
                "Y" if grade >= 9 and n % 4 == 0 else "N",
                EMPLOYMENT_MIX[n % 10],
                f"p{n:07d}@example.kcg.gov.tw",
                f"{rng.randint(80, 113)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}",
                "",
            ]
        )
    return rows


def with_changes(rows: list[list[str]], agency_codes: list[str], rng: random.Random) -> list[list[str]]:
    """500 changes: 200 transfers, 150 grade changes, 100 leavers, 50 newcomers."""
    rows = [list(r) for r in rows]
    picked = rng.sample(range(len(rows)), 450)
    for i in picked[:200]:
        rows[i][2] = rng.choice([c for c in agency_codes[1:] if c != rows[i][2]])
    for i in picked[200:350]:
        rows[i][4] = str(int(rows[i][4]) % 14 + 1)
        rows[i][3] = "委任" if int(rows[i][4]) <= 5 else "薦任" if int(rows[i][4]) <= 9 else "簡任"
    for i in picked[350:450]:
        rows[i][9] = "114/06/30"
    for n in range(50):
        rows.append([f"N{n:07d}", "新進人員", agency_codes[1], "委任", "3", "N", "公務人員", "", "114/07/01", ""])
    return rows


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *rows])


def run_child(agencies: Path, people: Path, on: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--run", str(agencies), str(people), on],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(agencies: str, people: str, on: str) -> None:
    import django

    django.setup()
    from django.core.files import File

    from lms.people.hr_sync import run_hr_sync

    started = time.perf_counter()
    with open(agencies, "rb") as a, open(people, "rb") as p:
        result = run_hr_sync(
            agencies_file=File(a, name="agencies.csv"),
            people_file=File(p, name="people.csv"),
            on=dt.date.fromisoformat(on),
        )
    seconds = time.perf_counter() - started
    assert not result.plan.errors, result.plan.errors[:5]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "peak_mib": round(peak_mib), "counts": result.plan.counts}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", nargs=3, metavar=("AGENCIES", "PEOPLE", "ON"))
    args = parser.parse_args()
    if args.run:
        child(*args.run)
        return
    rng = random.Random(20261203)  # noqa: S311 — benchmark data, not security
    agencies = agency_rows()
    codes = [r[0] for r in agencies]
    people = people_rows(codes, rng)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write(tmp / "agencies.csv", AGENCY_HEADER, agencies)
        write(tmp / "people.csv", PEOPLE_HEADER, people)
        write(tmp / "people2.csv", PEOPLE_HEADER, with_changes(people, codes, rng))
        first = run_child(tmp / "agencies.csv", tmp / "people.csv", "2025-01-01")
        second = run_child(tmp / "agencies.csv", tmp / "people2.csv", "2025-07-01")
    print(f"first sync (empty database): {first['seconds']} s, peak {first['peak_mib']} MiB — {first['counts']}")
    print(f"second sync (500 changes):   {second['seconds']} s, peak {second['peak_mib']} MiB — {second['counts']}")
    ok = first["seconds"] <= BUDGET_FIRST_S and first["peak_mib"] <= BUDGET_FIRST_MIB
    ok = ok and second["seconds"] <= BUDGET_SECOND_S
    print("within budget" if ok else "OVER BUDGET")


if __name__ == "__main__":
    main()
