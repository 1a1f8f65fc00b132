"""Report builders: selectors → compute → rows. Shared by pages, downloads, tasks, e-mails and the API.

Every builder takes the scope (an agency subtree, or None for the whole city) explicitly; the
callers derive it from the user with reports.scoping, so all doors apply the same rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from courses.models import Topic
from lms.people.models import Agency, Person
from lms.roc import roc_year
from reports import selectors
from reports.compute import center as center_compute
from reports.compute import certification as cert_compute
from reports.compute import compliance as compute
from reports.compute import frames, tables
from reports.compute.compliance import RuleSpec


@dataclass
class ComplianceReport:
    year: int
    as_of: dt.date
    agency: Agency | None
    rules: list[RuleSpec]
    agencies: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)  # (person, rule) rows; only the missing ones unless full
    headcount: int = 0

    @property
    def roc_year(self) -> int:
        return roc_year(self.year)

    def rule_totals(self) -> list[dict]:
        """Per rule over the whole scope: eligible, compliant and their share (the page's totals and chart)."""
        return tables.rule_totals(rules=self.rules, agency_rows=self.agencies)

    def people_matching(self, *, rule_code: str = "", query: str = "") -> list[dict]:
        """The people rows of one rule (by code) whose name or employee number contains `query`."""
        query = query.strip().casefold()
        return [
            row
            for row in self.people
            if (not rule_code or row["rule_code"] == rule_code)
            and (not query or query in row["name"].casefold() or query in row["employee_number"].casefold())
        ]


def _record_scope(agency, person, people_qs, people):
    """Everyone (None) for the city; else the placed people's ids, or their queryset when too many."""
    if agency is None and person is None:
        return None
    ids = [int(i) for i in people["person_id"].tolist()]
    return ids if len(ids) <= selectors.MAX_ID_PARAMETERS else people_qs


def _load(agency: Agency | None, year: int, as_of: dt.date, rules: list[RuleSpec], person: Person | None = None):
    agencies = frames.to_frame(selectors.agency_columns(), {"agency_id": "int64", "path": "str"})
    people_qs = selectors.scoped_people(agency, as_of=as_of)
    if person is not None:
        people_qs = people_qs.filter(pk=person.pk)
    people = frames.to_frame(selectors.people_columns(people_qs), frames.PEOPLE_DTYPES)
    memberships = frames.to_frame(
        selectors.membership_columns(people_qs, as_of=as_of), {"person_id": "int64", "agency_id": "int64"}
    )
    people = frames.place_people(people, memberships, agencies, agency.path if agency else None)
    first = min([r.first_year for r in rules] + [year])
    records = frames.to_frame(
        selectors.record_columns(
            _record_scope(agency, person, people_qs, people),
            first_year=first,
            last_year=year,
            names=selectors.COMPLIANCE_RECORD_COLUMNS,
        ),
        frames.COMPLIANCE_RECORD_DTYPES,
    )
    courses = frames.to_frame(selectors.course_columns(), {"course_id": "int64", "axis_id": "float64"})
    course_topics = frames.to_frame(selectors.course_topic_columns(), {"course_id": "int64", "topic_id": "int64"})
    return agencies, people_qs, people, records, courses, course_topics


def build_compliance_report(
    *, year: int, agency: Agency | None = None, today: dt.date | None = None, full_people: bool = False
) -> ComplianceReport:
    """Per-agency (rolled up) compliance and the non-compliant people, for the scope and year.

    People are counted at the agency they served on the report date (31 December, or today in
    the running year): a person who moved mid-year counts at the new agency only.
    """
    as_of = selectors.report_date(year, today)
    rules = selectors.rule_specs(selectors.rules_for_year(year), year)
    agencies, people_qs, people, records, courses, course_topics = _load(agency, year, as_of, rules)
    person_rules = compute.person_rule_status(
        people=people, agencies=agencies, records=records, courses=courses, course_topics=course_topics, rules=rules
    )
    hours = compute.person_year_hours(records, people, year)
    overview, per_rule = compute.agency_summary(
        people=people, agencies=agencies, person_rules=person_rules, hours=hours, rules=rules
    )
    report = ComplianceReport(year=year, as_of=as_of, agency=agency, rules=rules, headcount=len(people))
    report.agencies = tables.agency_rows(
        overview=overview, per_rule=per_rule, agencies=agencies, scope_path=agency.path if agency else None, rules=rules
    )
    missing = person_rules if full_people else compute.noncompliant(person_rules)
    labels = selectors.person_labels(people_qs) if len(missing) else {}
    report.people = tables.person_rule_rows(
        person_rules=missing, people=people, agencies=agencies, labels=labels, rules=rules, only_missing=not full_people
    )
    return report


@dataclass
class LearnerReport:
    person: Person
    year: int
    as_of: dt.date
    total_hours: float
    rules: list[dict]

    @property
    def roc_year(self) -> int:
        return roc_year(self.year)


def build_learner_report(*, person: Person, year: int, today: dt.date | None = None) -> LearnerReport:
    """One learner: each rule that applies to them, met or not, hours so far and still missing."""
    as_of = selectors.report_date(year, today)
    rules = selectors.rule_specs(selectors.rules_for_year(year), year)
    agencies, people_qs, people, records, courses, course_topics = _load(None, year, as_of, rules, person=person)
    person_rules = compute.person_rule_status(
        people=people, agencies=agencies, records=records, courses=courses, course_topics=course_topics, rules=rules
    )
    hours = compute.person_year_hours(records, people, year)
    labels = {person.pk: (person.employee_number, person.name, person.email)}
    rows = tables.person_rule_rows(
        person_rules=person_rules, people=people, agencies=agencies, labels=labels, rules=rules, only_missing=False
    )
    total = compute.total_hours(hours)
    return LearnerReport(person=person, year=year, as_of=as_of, total_hours=total, rules=rows)


@dataclass
class CertificationReport:
    year: int
    agency: Agency | None
    by_track: list[dict]
    by_offering: list[dict]
    by_agency: list[dict]

    @property
    def roc_year(self) -> int:
        return roc_year(self.year)


def build_certification_report(
    *, year: int, agency: Agency | None = None, today: dt.date | None = None
) -> CertificationReport:
    """Per track, offering and agency: trained, barred, sat, passed, pass rates, certificates issued and expiring."""
    as_of = selectors.report_date(year, today)
    agencies = frames.to_frame(selectors.agency_columns(), {"agency_id": "int64", "path": "str"})
    people_qs = selectors.scoped_people(agency, as_of=as_of)
    people = frames.to_frame(selectors.people_columns(people_qs), frames.PEOPLE_DTYPES)
    memberships = frames.to_frame(
        selectors.membership_columns(people_qs, as_of=as_of), {"person_id": "int64", "agency_id": "int64"}
    )
    people = frames.place_people(people, memberships, agencies, agency.path if agency else None)
    scope = people_qs if agency else None
    records = frames.to_frame(selectors.record_columns(scope, first_year=year, last_year=year), frames.RECORD_DTYPES)
    certificates = frames.to_frame(
        selectors.certificate_columns(scope),
        {
            "person_id": "int64",
            "track_id": "float64",
            "offering_id": "float64",
            "occurred_on": "datetime",
            "year": "int64",
        },
    )
    tracks_cols, links_cols = selectors.track_columns()
    tracks = frames.to_frame(
        tracks_cols, {"track_id": "float64", "validity_months": "float64", "min_attendance_percent": "float64"}
    )
    links = frames.to_frame(links_cols, {"track_id": "float64", "course_id": "float64"})
    records, certificates = cert_compute.at_agencies(people, records, certificates)
    kwargs = {"records": records, "track_courses": links, "certificates": certificates, "tracks": tracks, "year": year}
    return CertificationReport(
        year=year,
        agency=agency,
        by_track=_label_certification(tables.figure_rows(cert_compute.certification_summary(**kwargs))),
        by_offering=_label_certification(
            tables.figure_rows(cert_compute.certification_summary(**kwargs, by=("track_id", "offering_id")))
        ),
        by_agency=_label_certification(
            tables.figure_rows(cert_compute.certification_summary(**kwargs, by=("track_id", "agency_id")))
        ),
    )


def _label_certification(rows: list[dict]) -> list[dict]:
    from courses.models import CertificationTrack, Offering

    tracks = dict(CertificationTrack.objects.values_list("pk", "name"))
    offerings = dict(
        Offering.objects.filter(pk__in={r.get("offering_id") for r in rows} - {None}).values_list("pk", "code")
    )
    agencies = dict(Agency.objects.filter(pk__in={r.get("agency_id") for r in rows} - {None}).values_list("pk", "name"))
    for row in rows:
        row["track_name"] = tracks.get(row.get("track_id"), "")
        if "offering_id" in row:
            row["offering_code"] = offerings.get(row["offering_id"], "—")
        if "agency_id" in row:
            row["agency_name"] = agencies.get(row["agency_id"], "")
    return rows


@dataclass
class CenterReport:
    year: int
    agency: Agency | None
    total: dict
    by_modality: list[dict]
    by_month: list[dict]
    by_topic: list[dict]
    satisfaction: list[dict]

    @property
    def roc_year(self) -> int:
        return roc_year(self.year)


def build_center_report(*, year: int, agency: Agency | None = None) -> CenterReport:
    """Classes, completions (人次), person-days (人天次) and hours by modality, month and topic."""
    from django.utils.translation import gettext as _

    from courses.models import Modality
    from courses.selectors import satisfaction_by_offering

    people_qs = selectors.scoped_people(agency, as_of=selectors.report_date(year)) if agency else None
    records = frames.to_frame(
        selectors.record_columns(people_qs, first_year=year, last_year=year), frames.RECORD_DTYPES
    )
    offerings = frames.to_frame(
        selectors.offering_columns(), {"offering_id": "float64", "start_date": "datetime", "end_date": "datetime"}
    )
    offerings = center_compute.offering_days(offerings)
    course_topics = frames.to_frame(selectors.course_topic_columns(), {"course_id": "float64", "topic_id": "int64"})
    figures = center_compute.center_statistics(records=records, offerings=offerings, course_topics=course_topics)
    total = tables.figure_rows(figures["total"])
    modality_names = dict(Modality.choices)
    by_modality = tables.figure_rows(figures["by_modality"])
    for row in by_modality:
        row["modality_name"] = str(modality_names.get(row["modality"], row["modality"] or _("未註明")))
    topic_names = dict(Topic.objects.values_list("pk", "name"))
    by_topic = tables.figure_rows(figures["by_topic"])
    for row in by_topic:
        row["topic_name"] = topic_names.get(row["topic_id"], "")
    by_month = {row["month"]: row for row in tables.figure_rows(figures["by_month"])}
    months = [
        by_month.get(m, {"month": m, "classes": 0, "completions": 0, "person_days": 0, "hours": 0})
        for m in range(1, 13)
    ]
    return CenterReport(
        year=year,
        agency=agency,
        total=total[0] if total else {"classes": 0, "completions": 0, "person_days": 0, "hours": 0},
        by_modality=by_modality,
        by_month=months,
        by_topic=by_topic,
        # 訓後滿意度 comes from the evaluations trainees submit after completing (courses), not from
        # the LRS: an evaluation is an opinion about the class, not a learning record.
        satisfaction=[
            {
                "offering_code": row["enrollment__offering__code"],
                "course_title": row["enrollment__offering__course__title"],
                "average": round(float(row["average"]), 2),
                "responses": row["responses"],
            }
            for row in satisfaction_by_offering(year=year, people=people_qs)
        ],
    )


def build_expiring_certificates(*, agency: Agency | None, days: int, today: dt.date | None = None) -> list[dict]:
    """Certification certificates expiring in the next `days` days (not renewed, not revoked), per agency.

    Scoped like every report: an officer's agency subtree (reports.scoping), people placed by
    their current agency. Rows are sorted by agency, then expiry date; each says what is still
    missing to renew (courses.services.renewal).
    """
    from django.utils import timezone

    from courses.models import Certificate
    from courses.services.renewal import renewal_missing_text, renewal_progress
    from lms.people.models import for_agency_subtree_q

    today = today or timezone.localdate()
    certificates = Certificate.objects.filter(
        kind=Certificate.Kind.CERTIFICATION,
        revoked_at__isnull=True,
        superseded_at__isnull=True,
        valid_until__gte=today,
        valid_until__lte=today + dt.timedelta(days=days),
        person__is_active=True,
    ).select_related("person__agency", "track")
    if agency is not None:
        certificates = certificates.filter(for_agency_subtree_q(agency, prefix="person__agency"))
    rows = []
    for certificate in certificates.order_by("person__agency__path", "valid_until", "number"):
        person = certificate.person
        rows.append(
            {
                "person_id": person.pk,
                "agency_code": person.agency.code,
                "agency_name": person.agency.name,
                "employee_number": person.employee_number,
                "name": person.name,
                "track_name": certificate.track.name,
                "certificate_number": certificate.number,
                "valid_until": certificate.valid_until,
                "valid_until_roc": f"{roc_year(certificate.valid_until.year)}/{certificate.valid_until:%m/%d}",
                "days_left": (certificate.valid_until - today).days,
                "renewal_missing": renewal_missing_text(renewal_progress(certificate)),
            }
        )
    return rows


def expiring_by_agency(rows: list[dict]) -> list[dict]:
    """Counts per agency for the page's summary table."""
    counts: dict[str, dict] = {}
    for row in rows:
        entry = counts.setdefault(
            row["agency_code"], {"agency_code": row["agency_code"], "agency_name": row["agency_name"], "count": 0}
        )
        entry["count"] += 1
    return list(counts.values())
