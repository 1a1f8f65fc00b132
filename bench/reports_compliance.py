"""Benchmark: the full-city compliance report, one agency's report and the city's downloads.

    python bench/reports_compliance.py                      # one year: 2,000,000 records in 2025
    python bench/reports_compliance.py --years 3 --records 6000000   # a three-year window (issue 14)
    python bench/reports_compliance.py --reload             # drop and regenerate the data first

Budgets, on a 2-core machine, 50,000 learners and 10 rules:
- one year, 2,000,000 records (issue 5): the city's report ≤ 20 s and ≤ 2 GiB, one agency ≤ 2 s;
- three years, 6,000,000 records read by the 2023–2025 CEDAW window (issue 14): the city ≤ 15 s
  and ≤ 2 GiB, one agency ≤ 1 s;
- the city's non-compliant list as XLSX (issue 14, ~112,000 rows) ≤ 5 s to write; the CSV beside it.

The projection table is loaded directly with COPY (this measures the report, not ingest).
Each measurement runs in a fresh child process, so its peak RSS (VmHWM) is the report's
alone and not the data generator's. See bench/README-reports.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://lms@127.0.0.1:54329/lms_reports_bench")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789")

YEAR = 2025
# (city seconds, city MiB, one agency seconds) by the years of records the report reads.
BUDGETS = {1: (20.0, 2048.0, 2.0), 3: (15.0, 2048.0, 1.0)}
BUDGET_XLSX_S = 5.0
CHUNK_RECORDS = 1_000_000  # generated and copied a million at a time, so the generator stays small
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's default path alphabet


def _setup():
    import django

    django.setup()


def _step(n: int) -> str:
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out


def _copy(table: str, columns: list[str], frame, not_null: tuple[str, ...] = ()) -> None:
    from django.db import connection

    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="")
    data = buffer.getvalue().encode()
    options = f", FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else ""
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{options})") as copy:
            for start in range(0, len(data), 1 << 24):
                copy.write(data[start : start + (1 << 24)])


def load(people: int, records: int, years: int = 1, seed: int = 20251231) -> None:
    import numpy as np
    import pandas as pd
    from django.core.management import call_command
    from django.db import connection, transaction

    from courses.models import CompetencyAxis, Course, Modality, Topic
    from lms.people.models import Agency, Person
    from reports.models import RequirementRule

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE reports_compliancesnapshot, reports_learningrecord, reports_requirementrule_topics, "
            "reports_requirementrule_competency_axes, reports_requirementrule, people_agencymembership, "
            "people_agencyofficer, people_person, people_agency, courses_course_topics, courses_course, courses_topic, "
            "courses_competencyaxis RESTART IDENTITY CASCADE"
        )

    # 571 agencies as on the personnel portal (docs/domain.md): 30 first-level agencies with
    # 5 second-level each, 38 district offices and 353 schools (roots of their own).
    rows = []
    for i in range(30):
        rows.append((_step(i + 1), 1, 5, f"L1-{i:02d}", f"一級機關{i:02d}", "first_level"))
        for j in range(5):
            rows.append((_step(i + 1) + _step(j + 1), 2, 0, f"L2-{i:02d}-{j}", f"二級機關{i:02d}-{j}", "second_level"))
    for k in range(38):
        rows.append((_step(31 + k), 1, 0, f"D-{k:02d}", f"區公所{k:02d}", "district_office"))
    for k in range(353):
        rows.append((_step(69 + k), 1, 0, f"S-{k:03d}", f"學校{k:03d}", "school"))
    agencies = pd.DataFrame(rows, columns=["path", "depth", "numchild", "code", "name", "kind"]).assign(is_active=True)
    _copy("people_agency", list(agencies.columns), agencies)
    agency_ids = np.array(list(Agency.objects.order_by("pk").values_list("pk", flat=True)))

    # Big agencies get more staff: a Zipf-like weight so the largest first-level subtree has a few thousand people.
    weights = 1.0 / np.arange(1, len(agency_ids) + 1) ** 0.6
    weights /= weights.sum()
    person = pd.DataFrame(
        {
            "employee_number": [f"B{i:07d}" for i in range(people)],
            "name": [f"學員{i}" for i in range(people)],
            "email": [f"b{i:07d}@example.kcg.gov.tw" for i in range(people)],
            "agency_id": rng.choice(agency_ids, size=people, p=weights),
            "rank_series": rng.choice(["junior", "intermediate", "senior"], size=people, p=[0.45, 0.45, 0.1]),
            "grade": rng.integers(1, 15, size=people),
            "is_supervisor": rng.random(people) < 0.15,
            "employment_type": rng.choice(["civil_servant", "teacher", "contract"], size=people, p=[0.6, 0.3, 0.1]),
            "is_active": True,
        }
    )
    _copy("people_person", list(person.columns), person)
    person_ids = np.array(list(Person.objects.order_by("pk").values_list("pk", flat=True)))

    with transaction.atomic():
        topics = [
            Topic.objects.create(name=n, slug=s)
            for s, n in [
                ("policy", "政策"),
                ("environmental-education", "環境教育"),
                ("gender-mainstreaming", "性別主流化"),
                ("cedaw", "CEDAW"),
                ("cyber-security", "資通安全"),
                ("human-rights", "人權"),
                ("law", "法制"),
                ("ai", "AI"),
            ]
        ]
        axes = [CompetencyAxis.objects.create(name=f"構面{i}", slug=f"axis-{i}") for i in range(5)]
        modalities = [Modality.CLASSROOM, Modality.REMOTE, Modality.ELEARNING, Modality.BLENDED]
        courses = []
        for i in range(300):
            course = Course.objects.create(
                code=f"BC-{i:03d}",
                title=f"課程{i}",
                summary="bench",
                credit_hours=1 + i % 6,
                modality=modalities[i % 4],
                competency_axis=axes[i % 5] if i % 7 else None,
                live=True,
            )
            course.topics.set([topics[i % len(topics)]] if i % 3 == 0 else [])
            course.save()
            courses.append(course)
        t = {x.slug: x for x in topics}
        M = RequirementRule.Measure
        specs = [
            ("work-20", M.WORK_RELATED_HOURS, 20, [], [], {}),
            ("policy-1", M.TOPIC_HOURS, 1, ["policy"], [], {}),
            ("env-4", M.TOPIC_HOURS, 4, ["environmental-education"], [], {}),
            ("democracy-5", M.TOPIC_HOURS, 5, ["human-rights", "gender-mainstreaming", "cedaw", "law"], [], {}),
            ("gender-3", M.TOPIC_HOURS, 3, ["gender-mainstreaming"], [], {"coverage_target_percent": 90}),
            ("infosec-3", M.TOPIC_HOURS, 3, ["cyber-security"], [], {}),
            ("digital-5", M.MODALITY_HOURS, 5, [], ["elearning"], {"employment_types": ["civil_servant"]}),
            ("total-40", M.TOTAL_HOURS, 40, [], [], {}),
            (
                "cedaw-window",
                M.TOPIC_HOURS,
                3,
                ["cedaw"],
                [],
                {"period": "window", "from_year": YEAR - 2, "to_year": YEAR, "coverage_target_percent": 50},
            ),
            (
                "ai-supervisors",
                M.COURSE_COMPLETION,
                None,
                [],
                [],
                {"course": courses[7], "supervisors": "only", "min_grade": 9},
            ),
        ]
        for code, measure, hours, slugs, mods, extra in specs:
            rule = RequirementRule.objects.create(
                code=code,
                name=code,
                measure=measure,
                min_hours=hours,
                modalities=mods,
                from_year=extra.pop("from_year", 2017),
                **extra,
            )
            rule.topics.set([t[s] for s in slugs])

    course_ids = np.array([c.pk for c in courses])
    course_modality = np.array([c.modality for c in courses])
    course_hours = np.array([float(c.credit_hours) for c in courses])
    first_day = pd.Timestamp(f"{YEAR - years + 1}-01-01", tz="Asia/Taipei")
    span = int((pd.Timestamp(f"{YEAR + 1}-01-01", tz="Asia/Taipei") - first_day).total_seconds())
    for start in range(0, records, CHUNK_RECORDS):
        size = min(CHUNK_RECORDS, records - start)
        pick = rng.integers(0, len(courses), size=size)
        occurred = first_day + pd.to_timedelta(rng.integers(0, span, size=size), unit="s")
        frame = pd.DataFrame(
            {
                "statement_id": [f"{i:032x}" for i in range(start, start + size)],
                "person_id": rng.choice(person_ids, size=size),
                "verb": rng.choice(["completed", "passed", "failed"], size=size, p=[0.7, 0.27, 0.03]),
                "course_id": course_ids[pick],
                "external_title": "",
                "modality": course_modality[pick],
                "credited_hours": course_hours[pick],
                "certificate_number": "",
                "occurred_at": occurred.strftime("%Y-%m-%d %H:%M:%S%z"),
                "occurred_on": occurred.strftime("%Y-%m-%d"),
                "year": occurred.year,
                "projected_at": pd.Timestamp.now(tz="UTC").isoformat(),
            }
        )
        _copy("reports_learningrecord", list(frame.columns), frame, not_null=("external_title", "certificate_number"))
        del frame
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - t0
    print(
        f"loaded {len(agencies)} agencies, {people} learners, {records} learning records over {years} year(s) "
        f"in {elapsed:.1f} s"
    )


def _peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM belongs to the address space, so unlike
    ru_maxrss it does not inherit the generating parent's peak across fork + exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_downloads(report, xlsx_rows: int | None) -> dict:
    """Seconds to write the report's non-compliant list as XLSX and as CSV, as a background run does.

    `xlsx_rows` repeats the real rows up to that many (a smaller data set still times the writer
    at the city's size, ~112,000 rows); None writes the list as it is.
    """
    from reports import exports
    from reports.services.runs import PLACEMENT_NOTE

    people = report.people
    if xlsx_rows and people:
        people = (people * (xlsx_rows // len(people) + 1))[:xlsx_rows]
    out = {"list_rows": len(people)}
    for file_format in ("xlsx", "csv"):
        started, cpu = time.perf_counter(), time.process_time()
        rows = exports.FLATTENERS["noncompliant"](_with_people(report, people))
        content, _type = exports.render("noncompliant", rows, file_format, note=str(PLACEMENT_NOTE))
        out[f"{file_format}_seconds"] = round(time.perf_counter() - started, 2)
        # CPU seconds beside wall seconds: on a shared machine the wall figure is mostly waiting.
        out[f"{file_format}_cpu_seconds"] = round(time.process_time() - cpu, 2)
        out[f"{file_format}_mb"] = round(len(content) / 1e6, 1)
    return out


def _with_people(report, people):
    from dataclasses import replace

    return replace(report, people=people)


def measure(which: str, xlsx_rows: int | None = None) -> dict:
    """Run in a fresh process: build one report and return seconds and peak RSS."""
    from django.db import connection

    from lms.people.models import Agency
    from reports.builders import build_compliance_report

    connection.ensure_connection()
    agency = None
    if which == "agency":
        # The largest first-level agency subtree: the hardest single-agency report.
        agency = max(
            Agency.objects.filter(depth=1, kind="first_level"),
            key=lambda a: a.people.count() + sum(c.people.count() for c in a.get_children()),
        )
    started = time.perf_counter()
    report = build_compliance_report(year=YEAR, agency=agency)
    cold = time.perf_counter() - started
    # A second build in the same process: what a running web server or worker sees.
    started = time.perf_counter()
    report = build_compliance_report(year=YEAR, agency=agency)
    warm = time.perf_counter() - started
    peak_mib = _peak_rss_mib()
    downloads = measure_downloads(report, xlsx_rows) if which == "city" else {}
    return {
        **downloads,
        "which": which,
        "agency": agency.code if agency else "city",
        "seconds": round(cold, 2),
        "warm_seconds": round(warm, 2),
        "peak_mib": round(peak_mib, 1),
        "headcount": report.headcount,
        "rules": len(report.rules),
        "agency_rows": len(report.agencies),
        "noncompliant_pairs": len(report.people),
    }


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reload", action="store_true", help="regenerate the data even if it is there")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--years", type=int, choices=sorted(BUDGETS), default=1, help="years the records span")
    parser.add_argument(
        "--xlsx-rows", type=int, help="write the non-compliant list repeated up to this many rows (reduced runs)"
    )
    parser.add_argument("--measure", choices=["city", "agency"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    _setup()
    if args.measure:
        print(json.dumps(measure(args.measure, args.xlsx_rows)))
        return 0

    from django.db.models import Min
    from django.db.utils import OperationalError, ProgrammingError

    from reports.models import LearningRecord

    try:
        present = LearningRecord.objects.count()
        first_year = LearningRecord.objects.aggregate(first=Min("year"))["first"]
    except (OperationalError, ProgrammingError):
        present, first_year = 0, None
    if args.reload or present != args.records or first_year != YEAR - args.years + 1:
        load(args.people, args.records, args.years)
    results = {}
    for which in ("city", "agency"):
        command = [sys.executable, __file__, "--measure", which]
        if args.xlsx_rows:
            command += ["--xlsx-rows", str(args.xlsx_rows)]
        out = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ)
        results[which] = json.loads(out.stdout.strip().splitlines()[-1])
    city, agency = results["city"], results["agency"]
    budget_s, budget_mib, budget_agency_s = BUDGETS[args.years]
    window = f"{YEAR - args.years + 1}–{YEAR}" if args.years > 1 else f"{YEAR}"
    print(f"database: {os.environ['DATABASE_URL'].rsplit('@', 1)[-1]}; records {window}: {present or args.records}")
    checks = {
        "city time": city["seconds"] <= budget_s,
        "city memory": city["peak_mib"] <= budget_mib,
        "agency time": agency["seconds"] <= budget_agency_s,
        "xlsx time": city["xlsx_seconds"] <= BUDGET_XLSX_S,
    }
    print(
        f"full city ({args.years}-year window): {city['seconds']:.2f} s first build in a fresh process, "
        f"{city['warm_seconds']:.2f} s again (budget {budget_s:.0f} s) {_verdict(checks['city time'])}; "
        f"peak {city['peak_mib']:.0f} MiB (budget {budget_mib:.0f} MiB) {_verdict(checks['city memory'])}; "
        f"{city['headcount']} learners, {city['rules']} rules, {city['agency_rows']} agency rows, "
        f"{city['noncompliant_pairs']} non-compliant (person, rule) pairs"
    )
    print(
        f"one agency ({agency['agency']}): {agency['seconds']:.2f} s first build in a fresh process, "
        f"{agency['warm_seconds']:.2f} s again (budget {budget_agency_s:.0f} s) {_verdict(checks['agency time'])}; "
        f"peak {agency['peak_mib']:.0f} MiB; {agency['headcount']} learners, {agency['noncompliant_pairs']} pairs"
    )
    repeated = " (the list repeated to this size)" if args.xlsx_rows else ""
    print(
        f"city non-compliant list, {city['list_rows']} rows{repeated}: XLSX {city['xlsx_seconds']:.2f} s "
        f"({city.get('xlsx_cpu_seconds', 0):.2f} s CPU, {city['xlsx_mb']} MB, budget {BUDGET_XLSX_S:.0f} s) "
        f"{_verdict(checks['xlsx time'])}; CSV {city['csv_seconds']:.2f} s "
        f"({city.get('csv_cpu_seconds', 0):.2f} s CPU, {city['csv_mb']} MB)"
    )
    ok = all(checks.values())
    print("within budget" if ok else "OVER BUDGET: " + ", ".join(name for name, passed in checks.items() if not passed))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
