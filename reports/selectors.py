"""Reads for reports: columns of the projection and the catalog, scoped, in bulk.

Selectors return plain columns (tuples of rows, or on PostgreSQL CSV bytes aggregated by
string_agg in one value, see read_columns); reports.compute turns them into DataFrames. No
per-person queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from courses.models import CertificationTrack, Course, Offering
from lms.people.models import Agency, AgencyMembership, Person, for_agency_subtree_q
from reports.compute.compliance import CREDITING_VERBS, RuleSpec
from reports.models import LearningRecord, RequirementRule


@dataclass
class Columns:
    """A column-oriented read: either `rows` (list of tuples) or `csv` (bytes with a header line)."""

    names: list[str]
    rows: list[tuple] | None = None
    csv: bytes | None = None


def read_columns(queryset: QuerySet, names: list[str], fields: list[str] | None = None) -> Columns:
    """Run `queryset.values_list(*fields)` (unordered) in one round trip.

    On PostgreSQL the rows come back as ONE CSV text built by string_agg: a COPY or a cursor
    hands Python one message or tuple per row, which costs more than the report itself at two
    million rows (bench/reports_compliance.py). For code and number columns only (no commas or
    quotes); the text must stay under PostgreSQL's 1 GB value limit (~25 million rows of six columns).
    """
    qs = queryset.order_by().values_list(*(fields or names))
    if connection.vendor == "postgresql":
        sql, params = qs.query.sql_with_params()
        aliases = [f"c{i}" for i in range(len(names))]
        line = " || ',' || ".join(f"coalesce(q.{a}::text, '')" for a in aliases)
        # Built from our own column aliases around Django's parameterised SQL; no user input.
        aggregate = f"SELECT string_agg({line}, E'\\n') FROM ({sql}) AS q({', '.join(aliases)})"  # noqa: S608
        with transaction.atomic(), connection.cursor() as cursor:
            # JIT compilation costs more than it saves on these one-pass reads (~0.3 s per query).
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(aggregate, params)
            text = cursor.fetchone()[0] or ""
        return Columns(names=names, csv=text.encode())
    return Columns(names=names, rows=list(qs))


def report_date(year: int, today: dt.date | None = None) -> dt.date:
    """The date people are placed at their agency: 31 December, or today for the running year (Taipei)."""
    today = today or timezone.localdate()
    return min(dt.date(year, 12, 31), today)


def agency_columns() -> Columns:
    return Columns(
        names=["agency_id", "path", "name", "code"], rows=list(Agency.objects.values_list("pk", "path", "name", "code"))
    )


def scoped_people(agency: Agency | None, *, as_of: dt.date) -> QuerySet:
    """People in service on `as_of` who may belong to `agency`'s subtree: current members plus those
    whose history places them there (placement itself is resolved by compute.frames). A leaver
    still counts for dates before they left (docs/hr-sync.md)."""
    people = Person.objects.filter(Q(is_active=True) | Q(left_on__gt=as_of))
    if agency is None:
        return people
    moved_in = AgencyMembership.objects.filter(for_agency_subtree_q(agency), started_on__lte=as_of).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=as_of)
    )
    return people.filter(for_agency_subtree_q(agency) | Q(pk__in=moved_in.values("person_id")))


def people_columns(people: QuerySet) -> Columns:
    return read_columns(
        people,
        ["person_id", "agency_id", "employment_type", "rank_series", "grade", "is_supervisor"],
        ["pk", "agency_id", "employment_type", "rank_series", "grade", "is_supervisor"],
    )


def membership_columns(people: QuerySet, *, as_of: dt.date) -> Columns:
    """The stretches covering `as_of` for these people (placement at the report date)."""
    rows = AgencyMembership.objects.filter(person__in=people.values("pk"), started_on__lte=as_of).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=as_of)
    )
    return Columns(names=["person_id", "agency_id"], rows=list(rows.values_list("person_id", "agency_id")))


RECORD_FIELDS = {
    "person_id": "person_id",
    "course_id": "course_id",
    "offering_id": "offering_id",
    "track_id": "track_id",
    "modality": "modality",
    "hours": "credited_hours",
    "scheduled_hours": "scheduled_hours",
    "year": "year",
    "verb": "verb",
    "occurred_on": "occurred_on",
}
# What compliance needs: the full-city read stays at six narrow columns (bench/reports_compliance.py).
COMPLIANCE_RECORD_COLUMNS = ["person_id", "course_id", "modality", "hours", "year", "verb"]


# Above this many people, filter the projection with a subquery instead of a list of ids
# (PostgreSQL takes at most 65,535 parameters, SQLite 32,766).
MAX_ID_PARAMETERS = 30_000


def record_columns(
    people: QuerySet | list[int] | None, *, first_year: int, last_year: int, names: list[str] | None = None
) -> Columns:
    """Projection rows of the years, for the people (ids, or a queryset joined in SQL) or everyone.

    A list of ids lets PostgreSQL use the (person, year) index for one agency's people instead
    of scanning the whole year (bench/reports_compliance.py, one agency ≤ 2 s).
    """
    names = names or list(RECORD_FIELDS)
    records = LearningRecord.objects.filter(year__gte=first_year, year__lte=last_year)
    if isinstance(people, list):
        records = records.filter(person_id__in=people)
    elif people is not None:
        records = records.filter(person__in=people.values("pk"))
    return read_columns(records, names, [RECORD_FIELDS[n] for n in names])


def credited_records(*, person: Person, first_year: int, last_year: int) -> QuerySet:
    """One person's projection rows that credit hours in the years: what compliance sums
    (compute.compliance.CREDITING_VERBS), read by 我的學習 and the personal record too."""
    return LearningRecord.objects.filter(
        person=person, year__gte=first_year, year__lte=last_year, verb__in=CREDITING_VERBS
    )


def certificate_columns(people: QuerySet | None) -> Columns:
    records = LearningRecord.objects.filter(verb=LearningRecord.Verb.EARNED, track__isnull=False)
    if people is not None:
        records = records.filter(person__in=people.values("pk"))
    return Columns(
        names=["person_id", "track_id", "offering_id", "occurred_on", "year"],
        rows=list(records.values_list("person_id", "track_id", "offering_id", "occurred_on", "year")),
    )


def course_columns() -> Columns:
    return Columns(names=["course_id", "axis_id"], rows=list(Course.objects.values_list("pk", "competency_axis_id")))


def course_topic_columns() -> Columns:
    through = Course.topics.through
    return Columns(names=["course_id", "topic_id"], rows=list(through.objects.values_list("course_id", "topic_id")))


def offering_columns() -> Columns:
    return Columns(
        names=["offering_id", "start_date", "end_date"],
        rows=list(Offering.objects.values_list("pk", "start_date", "end_date")),
    )


def track_columns() -> tuple[Columns, Columns]:
    tracks = Columns(
        names=["track_id", "validity_months", "min_attendance_percent"],
        rows=list(CertificationTrack.objects.values_list("pk", "validity_months", "min_attendance_percent")),
    )
    through = CertificationTrack.required_courses.through
    links = Columns(
        names=["track_id", "course_id"], rows=list(through.objects.values_list("certificationtrack_id", "course_id"))
    )
    return tracks, links


def rules_for_year(year: int) -> list[RequirementRule]:
    rules = RequirementRule.objects.filter(is_active=True, from_year__lte=year).filter(
        Q(to_year__isnull=True) | Q(to_year__gte=year)
    )
    return list(rules.select_related("agency", "course", "path").prefetch_related("topics", "competency_axes"))


def rule_specs(rules: list[RequirementRule], year: int) -> list[RuleSpec]:
    specs = []
    for rule in rules:
        first, last = rule.counted_years(year)
        path_courses = frozenset(
            rule.path.steps.filter(is_required=True).values_list("course_id", flat=True) if rule.path_id else []
        )
        specs.append(
            RuleSpec(
                id=rule.pk,
                code=rule.code,
                name=rule.name,
                measure=rule.measure,
                min_hours=float(rule.min_hours) if rule.min_hours is not None else None,
                topic_ids=frozenset(t.pk for t in rule.topics.all()),
                axis_ids=frozenset(a.pk for a in rule.competency_axes.all()),
                modalities=frozenset(rule.modalities or []),
                course_id=rule.course_id,
                path_course_ids=path_courses,
                first_year=first,
                last_year=last,
                coverage_target_percent=float(rule.coverage_target_percent)
                if rule.coverage_target_percent is not None
                else None,
                employment_types=frozenset(rule.employment_types or []),
                agency_path=rule.agency.path if rule.agency_id else None,
                rank_series=frozenset(rule.rank_series or []),
                min_grade=rule.min_grade,
                max_grade=rule.max_grade,
                supervisors=rule.supervisors,
            )
        )
    return specs


def person_labels(people: QuerySet) -> dict[int, tuple[str, str, str]]:
    """Employee number, name and e-mail of the people in scope (never the national ID)."""
    return {
        pk: (number, name, email)
        for pk, number, name, email in people.values_list("pk", "employee_number", "name", "email")
    }
