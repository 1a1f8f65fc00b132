"""Benchmark: the full-city compliance report and one agency's report on a city-sized projection.

    python bench/reports_compliance.py            # load once (if needed), then measure
    python bench/reports_compliance.py --reload   # drop and regenerate the data first

Budgets (issue 5): 50,000 learners, 2,000,000 learning records in one year, 10 rules; the full
city report in ≤ 20 s and ≤ 2 GiB peak memory, one agency's report in ≤ 2 s, on a 2-core machine.

The projection table is loaded directly with COPY (this measures the report, not ingest).
Each measurement runs in a fresh child process, so its peak RSS (ru_maxrss) is the report's
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
BUDGET_CITY_S, BUDGET_CITY_MIB, BUDGET_AGENCY_S = 20.0, 2048.0, 2.0
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


def load(people: int, records: int, seed: int = 20251231) -> None:
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
    agencies = pd.DataFrame(rows, columns=["path", "depth", "numchild", "code", "name", "kind"])
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
    pick = rng.integers(0, len(courses), size=records)
    seconds = rng.integers(0, 365 * 86400, size=records)
    occurred = pd.Timestamp(f"{YEAR}-01-01", tz="Asia/Taipei") + pd.to_timedelta(seconds, unit="s")
    frame = pd.DataFrame(
        {
            "statement_id": [f"{i:032x}" for i in range(records)],
            "person_id": rng.choice(person_ids, size=records),
            "verb": rng.choice(["completed", "passed", "failed"], size=records, p=[0.7, 0.27, 0.03]),
            "course_id": course_ids[pick],
            "external_title": "",
            "modality": course_modality[pick],
            "credited_hours": course_hours[pick],
            "certificate_number": "",
            "occurred_at": occurred.strftime("%Y-%m-%d %H:%M:%S%z"),
            "occurred_on": occurred.strftime("%Y-%m-%d"),
            "year": YEAR,
            "projected_at": pd.Timestamp.now(tz="UTC").isoformat(),
        }
    )
    _copy("reports_learningrecord", list(frame.columns), frame, not_null=("external_title", "certificate_number"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - t0
    print(f"loaded {len(agencies)} agencies, {people} learners, {records} learning records in {elapsed:.1f} s")


def _peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM belongs to the address space, so unlike
    ru_maxrss it does not inherit the generating parent's peak across fork + exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(which: str) -> dict:
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
    return {
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reload", action="store_true", help="regenerate the data even if it is there")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--measure", choices=["city", "agency"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    _setup()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0

    from django.db.utils import OperationalError, ProgrammingError

    from reports.models import LearningRecord

    try:
        present = LearningRecord.objects.count()
    except (OperationalError, ProgrammingError):
        present = 0
    if args.reload or present != args.records:
        load(args.people, args.records)
    results = {}
    for which in ("city", "agency"):
        out = subprocess.run(
            [sys.executable, __file__, "--measure", which], capture_output=True, text=True, check=True, env=os.environ
        )
        results[which] = json.loads(out.stdout.strip().splitlines()[-1])
    city, agency = results["city"], results["agency"]
    print(f"database: {os.environ['DATABASE_URL'].rsplit('@', 1)[-1]}")
    print(
        f"full city: {city['seconds']:.2f} s first build in a fresh process, {city['warm_seconds']:.2f} s again "
        f"(budget {BUDGET_CITY_S:.0f} s), peak {city['peak_mib']:.0f} MiB "
        f"(budget {BUDGET_CITY_MIB:.0f} MiB); {city['headcount']} learners, {city['rules']} rules, "
        f"{city['agency_rows']} agency rows, {city['noncompliant_pairs']} non-compliant (person, rule) pairs"
    )
    print(
        f"one agency ({agency['agency']}): {agency['seconds']:.2f} s first build in a fresh process, "
        f"{agency['warm_seconds']:.2f} s again (budget {BUDGET_AGENCY_S:.0f} s), "
        f"peak {agency['peak_mib']:.0f} MiB; {agency['headcount']} learners, {agency['noncompliant_pairs']} pairs"
    )
    ok = (
        city["seconds"] <= BUDGET_CITY_S
        and city["peak_mib"] <= BUDGET_CITY_MIB
        and agency["seconds"] <= BUDGET_AGENCY_S
    )
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
