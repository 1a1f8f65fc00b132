"""我的學習's figures from the reports' count: the learning record, progress against each rule, what fills a gap.

The learning record (hours, the history table, the personal record PDF/CSV) is the person's
crediting rows of the projection (selectors.credited_records) and the progress figures are the
learner report's (builders.build_learner_report), so 我的學習 and 報表 never disagree: a voided
statement leaves both at once (docs/trainee-home.md).

For a rule not yet met in the running year, the suggestions are offerings of courses that count
for it: published courses whose topics, competency axis, modality, course or learning path match
the rule, with an offering that is open for enrolment now and ends by the rule's deadline, that
the person is eligible for, not already enrolled in and has not completed (in the projection)
within the rule's years.
E-learning first (it can be done at once), then the soonest start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from courses.models import Certificate, Course, Enrollment, LearningPathStep, Modality, Offering
from courses.services.enrollment import eligibility_problems
from courses.trainee_home import HomeSection, RecordLine
from lms.people.models import Person
from reports import builders, selectors
from reports.models import RequirementRule

SUGGESTIONS_PER_RULE = 4


@dataclass
class RuleProgress:
    rule: RequirementRule
    value: float
    target: float
    missing: float
    met: bool
    unit: str
    deadline: dt.date | None
    suggestions: list[Offering] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return 100 if not self.target else min(100, int(self.value * 100 / self.target))


def deadline_of(rule: RequirementRule, year: int) -> dt.date | None:
    """An annual rule is due on 31 December of the year; a window rule on 31 December of its last year."""
    if rule.period == RequirementRule.Period.WINDOW:
        return dt.date(rule.to_year, 12, 31) if rule.to_year else None
    return dt.date(year, 12, 31)


def courses_counting_for(rule: RequirementRule):
    """Published courses whose learning counts for the rule (the same criteria as reports.compute.compliance)."""
    courses = Course.objects.published()
    measure = rule.measure
    M = RequirementRule.Measure
    if measure == M.TOPIC_HOURS:
        return courses.filter(topics__in=rule.topics.all()).distinct()
    if measure == M.AXIS_HOURS:
        return courses.filter(competency_axis__in=rule.competency_axes.all())
    if measure == M.WORK_RELATED_HOURS:
        return courses.filter(competency_axis__isnull=False)
    if measure == M.MODALITY_HOURS:
        return courses.filter(offerings__modality__in=rule.modalities or []).distinct()
    if measure == M.COURSE_COMPLETION:
        return courses.filter(pk=rule.course_id)
    if measure == M.PATH_COMPLETION:
        steps = LearningPathStep.objects.filter(path_id=rule.path_id, is_required=True)
        return courses.filter(pk__in=steps.values("course_id"))
    return courses  # total hours: any course counts


def offerings_filling(
    rule: RequirementRule, *, person: Person, deadline: dt.date | None, now: dt.datetime | None = None
) -> list[Offering]:
    """Offerings open for enrolment now that would fill the rule's gap and that the person may take."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    taken = Enrollment.objects.filter(person=person, status__in=Enrollment.ACTIVE_STATUSES).values("offering_id")
    first, last = rule.counted_years(today.year)
    done = (
        selectors.credited_records(person=person, first_year=first, last_year=last)
        .filter(course__isnull=False)
        .values("course_id")
    )
    offerings = (
        Offering.objects.filter(course__in=courses_counting_for(rule), is_cancelled=False)
        .exclude(course__in=done)
        .upcoming(today)
        .filter(enrollment_opens__lte=now, enrollment_closes__gte=now)
        .exclude(pk__in=taken)
        .select_related("course")
        .with_seats()
    )
    if rule.measure == RequirementRule.Measure.MODALITY_HOURS:
        offerings = offerings.filter(modality__in=rule.modalities or [])
    if deadline is not None:
        offerings = offerings.filter(Q(end_date__lte=deadline) | Q(modality=Modality.ELEARNING))
    ordered = sorted(offerings, key=lambda o: (o.modality != Modality.ELEARNING, o.start_date, o.code))
    chosen, seen_courses = [], set()
    for offering in ordered:
        if offering.course_id in seen_courses or eligibility_problems(person=person, course=offering.course):
            continue
        seen_courses.add(offering.course_id)
        chosen.append(offering)
        if len(chosen) >= SUGGESTIONS_PER_RULE:
            break
    return chosen


def rule_progress(*, person: Person, year: int, today: dt.date | None = None) -> list[RuleProgress]:
    """Every rule that applies to the person in `year`: done, target, missing, deadline, and what would fill it."""
    today = today or timezone.localdate()
    report = builders.build_learner_report(person=person, year=year, today=today)
    rules = RequirementRule.objects.in_bulk([row["rule_id"] for row in report.rules])
    progress = []
    for row in report.rules:
        rule = rules[row["rule_id"]]
        deadline = deadline_of(rule, year)
        item = RuleProgress(
            rule=rule,
            value=float(row["value"]),
            target=float(row["target"]),
            missing=float(row["missing"]),
            met=bool(row["met"]),
            unit=str(row["unit"]),
            deadline=deadline,
        )
        if not item.met and year == today.year and (deadline is None or deadline >= today):
            item.suggestions = offerings_filling(rule, person=person, deadline=deadline)
        progress.append(item)
    return progress


def home_section(*, person: Person, year: int, today: dt.date) -> HomeSection:
    """The 我的學習 section (registered in reports.apps): progress against the year's rules."""
    return HomeSection(
        template="reports/_my_progress.html",
        context={
            "progress": rule_progress(person=person, year=year, today=today),
            "progress_year": year,
            "is_current_year": year == today.year,
        },
    )


def _tenths(hours: Decimal) -> Decimal:
    """3.00 → 3.0: hours are credited in tenths (courses.services.completion) and shown so."""
    tenths = hours.quantize(Decimal("0.1"))
    return tenths if tenths == hours else hours


def record_lines(*, person: Person, year: int) -> list[RecordLine]:
    """The person's credited learning of `year`, one line per projection row, oldest first.

    Registered as 我的學習's record source (reports.apps). Rows that count for nothing (no hours
    and no course, e.g. a passed exam) are left out; the totals are the learner report's.
    """
    records = list(
        selectors.credited_records(person=person, first_year=year, last_year=year)
        .select_related("course__competency_axis", "offering")
        .order_by("occurred_at", "pk")
    )
    records = [r for r in records if r.credited_hours or r.course_id]
    # Completion certificates ride on the completion, not on a statement of their own.
    numbers: dict = {}
    for statement_id, number in (
        Certificate.objects.filter(
            completion__statement_id__in=[r.statement_id for r in records], revoked_at__isnull=True
        )
        .order_by("issued_at", "pk")
        .values_list("completion__statement_id", "number")
    ):
        numbers.setdefault(statement_id, []).append(number)
    return [
        RecordLine(
            occurred_at=r.occurred_at,
            title=r.course.title if r.course_id else r.external_title,
            offering_code=r.offering.code if r.offering_id else "",
            modality=r.modality,
            category=r.course.competency_axis.name if r.course_id and r.course.competency_axis_id else "",
            credited_hours=_tenths(r.credited_hours),
            certificate_numbers=tuple(numbers.get(r.statement_id, ())),
        )
        for r in records
    ]
