"""E-learning and MOOC platforms: credit the completions they post to /xapi/ once their activities are mapped.

Outside platforms post with their own credentials; their statements stay in the LRS as they
are. For each completion statement (verb completed or passed, or result.completion /
result.success true) about an activity:
- mapped to a catalog course: credited with the course's hours, on the person's enrolment in
  an offering of that course if there is one, else on the offering running that day;
- accepted by staff as an external course: credited with the hours staff set, else the hours
  the statement states (the PLATFORM_HOURS context extension, else result.duration);
- unknown: an ExternalActivity row waits for staff; mapping it credits the backlog.
The learner is found by account name = employee number, else by mbox = e-mail. One outside
statement is credited at most once (a partial unique constraint on source_statement_id).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import isodate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from courses import vocabulary as v
from courses.models import (
    CertificationTrack,
    Completion,
    CompletionSource,
    Course,
    Enrollment,
    ExternalActivity,
    Modality,
    Offering,
)
from courses.services.completion import record_completion, void_completion
from lms.people.models import Person
from xapi import api as xapi_api

logger = logging.getLogger(__name__)

COMPLETION_VERBS = {v.Verbs.COMPLETED, v.Verbs.PASSED}


is_lms_statement = xapi_api.is_issued_by_lms


def is_completion(statement: dict) -> bool:
    result = statement.get("result") or {}
    if statement.get("verb", {}).get("id") in COMPLETION_VERBS:
        return result.get("success") is not False
    return result.get("completion") is True or result.get("success") is True


def find_person(actor: dict) -> Person | None:
    account = actor.get("account") or {}
    if account.get("name"):
        person = Person.objects.filter(employee_number=account["name"]).first()
        if person is not None:
            return person
    mbox = actor.get("mbox") or ""
    if mbox.lower().startswith("mailto:"):
        matches = list(Person.objects.filter(email__iexact=mbox[7:])[:2])
        if len(matches) == 1:
            return matches[0]
    return None


def statement_hours(statement: dict) -> Decimal | None:
    """Hours a platform states: the PLATFORM_HOURS context extension, else result.duration."""
    stated = ((statement.get("context") or {}).get("extensions") or {}).get(v.Extensions.PLATFORM_HOURS)
    if isinstance(stated, int | float | str):
        try:
            return Decimal(str(stated))
        except ArithmeticError:
            return None
    duration = (statement.get("result") or {}).get("duration")
    if duration:
        try:
            return Decimal(isodate.parse_duration(duration).total_seconds()) / 3600
        except (isodate.ISO8601Error, ValueError, AttributeError):
            return None
    return None


def _activity_title(activity: dict) -> str:
    names = (activity.get("definition") or {}).get("name") or {}
    for tag in ("zh-TW", "zh-Hant-TW", "zh-Hant", "zh", "en-US", "en"):
        if names.get(tag):
            return names[tag][:300]
    return next(iter(names.values()), "")[:300] if names else ""


def _statuses(iris: list[str]) -> dict[str, str]:
    """Status by activity IRI of the registered ones among `iris`.

    Most outside activities are pending or ignored, and this runs on every ingest request that
    carries a completion, so it is one plain query (a QuerySet would cost more Python than the
    database spends on it); whole rows are loaded only for the activities that credit.
    """
    table = connection.ops.quote_name(ExternalActivity._meta.db_table)
    placeholders = ", ".join(["%s"] * len(iris))
    # Only the table name (from the model) and placeholders are formatted in; the IRIs are parameters.
    sql = f"SELECT activity_iri, status FROM {table} WHERE activity_iri IN ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, iris)
        return dict(cursor.fetchall())


def _candidates(statements: list[dict]) -> list[dict]:
    return [
        s
        for s in statements
        if not is_lms_statement(s)
        and (s.get("object") or {}).get("objectType", "Activity") == "Activity"
        and is_completion(s)
    ]


def select_statements_to_credit(*, statements: list[dict]) -> list[str]:
    """At ingest: register unknown activities; return the ids of completions about mapped or accepted ones.

    Batches from platforms run to hundreds of statements (~1.6 million
    e-learning completions a year), so activities are looked up and registered in bulk, and
    only statements that will credit are queued for `apply_statement_changes`.
    """
    candidates = _candidates(statements)
    if not candidates:
        return []
    first_seen: dict[str, dict] = {}
    for statement in candidates:
        first_seen.setdefault(statement["object"]["id"][:500], statement)
    statuses = _statuses(list(first_seen))
    missing = [iri for iri in first_seen if iri not in statuses]
    if missing:
        ExternalActivity.objects.bulk_create(
            [
                ExternalActivity(
                    activity_iri=iri,
                    title=_activity_title(first_seen[iri]["object"]),
                    platform=((first_seen[iri].get("authority") or {}).get("name") or "")[:200],
                )
                for iri in missing
            ],
            ignore_conflicts=True,  # another batch may register the same activity at the same moment
        )
    creditable = (ExternalActivity.Status.MAPPED, ExternalActivity.Status.ACCEPTED)
    return [s["id"] for s in candidates if statuses.get(s["object"]["id"][:500]) in creditable]


def completion_candidate_ids(*, statements: list[dict]) -> list[str]:
    """Ids that might credit, without the database: what is queued when the ingest-time lookup fails."""
    return [s["id"] for s in _candidates(statements) if "id" in s]


def apply_statement_changes(*, statement_ids: list) -> None:
    """Consumer of the LRS (lms.deliveries): bring completions in line with each statement's current state.

    Live outside completion about a mapped or accepted activity: credited (at most once).
    Voided: the completion it was the basis of is voided with its certificate, as a correction
    (courses/services/completion.py); so is a completion whose own LMS statement was voided by
    someone else. Order-independent and idempotent: only the current state counts.
    """
    states = xapi_api.get_statement_states(list(statement_ids))
    live = []
    for statement_id, (statement, voided) in states.items():
        if voided:
            correct_for_voided_statement(statement_id=statement_id)
        else:
            live.append(statement)
    candidates = _candidates(live)
    if not candidates:
        return
    creditable = (ExternalActivity.Status.MAPPED, ExternalActivity.Status.ACCEPTED)
    known = {
        activity.activity_iri: activity
        for activity in ExternalActivity.objects.filter(
            activity_iri__in={s["object"]["id"][:500] for s in candidates}, status__in=creditable
        ).select_related("course")
    }
    for statement in candidates:
        activity = known.get(statement["object"]["id"][:500])
        if activity is not None:
            credit_statement(statement=statement, activity=activity)


def correct_for_voided_statement(*, statement_id) -> int:
    """A statement was voided: void the completions it credited; return how many were corrected."""
    corrected = 0
    for completion in Completion.objects.filter(source_statement_id=statement_id, voided_at__isnull=True):
        void_completion(completion=completion)
        _uncomplete_enrollment(completion)
        _redecide_certifications(completion)
        corrected += 1
    for completion in Completion.objects.filter(statement_id=statement_id, voided_at__isnull=True):
        void_completion(completion=completion, statement_already_voided=True)
        _uncomplete_enrollment(completion)
        _redecide_certifications(completion)
        corrected += 1
    return corrected


def _redecide_certifications(completion: Completion) -> None:
    """A track certificate whose required course this completion was is decided again (and revoked if it lacks it)."""
    from courses.services.certification import decide_certification

    if completion.course_id is None:
        return
    for track in CertificationTrack.objects.filter(required_courses=completion.course_id):
        decide_certification(person=completion.person, track=track)


def _uncomplete_enrollment(completion: Completion) -> None:
    enrollment = completion.enrollment
    if enrollment is not None and not enrollment.completions.filter(voided_at__isnull=True).exists():
        enrollment.status = Enrollment.Status.NOT_COMPLETED
        enrollment.save(update_fields=["status", "updated_at"])


def _offering_for(person: Person, course: Course, at: dt.datetime) -> tuple[Offering | None, Enrollment | None]:
    enrollment = (
        Enrollment.objects.filter(person=person, offering__course=course, status__in=Enrollment.ACTIVE_STATUSES)
        .select_related("offering")
        .order_by("-offering__start_date")
        .first()
    )
    if enrollment is not None:
        return enrollment.offering, enrollment
    day = timezone.localdate(at)
    offering = (
        Offering.objects.filter(course=course, start_date__lte=day, end_date__gte=day, is_cancelled=False)
        .order_by("start_date")
        .first()
    )
    return offering, None


def credit_statement(*, statement: dict, activity: ExternalActivity) -> Completion | None:
    """Credit one outside completion statement; None when the learner is unknown, no hours, or already credited."""
    person = find_person(statement.get("actor") or {})
    if person is None:
        logger.info("external statement %s: no learner matches its actor", statement.get("id"))
        return None
    if Completion.objects.filter(source_statement_id=statement["id"], voided_at__isnull=True).exists():
        return None
    at = parse_datetime(statement.get("timestamp") or statement.get("stored"))
    course = activity.course if activity.status == ExternalActivity.Status.MAPPED else None
    if course is not None:
        hours = course.credit_hours
        offering, enrollment = _offering_for(person, course, at)
        if enrollment is not None and enrollment.completions.filter(voided_at__isnull=True).exists():
            enrollment = None  # a second completion of the same course is credited on its own, not on the enrolment
    else:
        hours = activity.hours or statement_hours(statement)
        offering = enrollment = None
    if not hours:
        logger.info("external statement %s: no hours to credit", statement.get("id"))
        return None
    try:
        with transaction.atomic():
            completion = record_completion(
                person=person,
                course=course,
                offering=offering,
                enrollment=enrollment,
                modality=offering.modality if offering else (course.modality if course else Modality.ELEARNING),
                source=CompletionSource.EXTERNAL,
                credited_hours=hours,
                scheduled_hours=course.credit_hours if course else hours,
                completed_at=at,
                source_statement_id=statement["id"],
                external_title="" if course else (activity.title or activity.activity_iri)[:200],
                external_activity=None if course else {"objectType": "Activity", "id": activity.activity_iri},
            )
            if enrollment is not None and enrollment.status in (Enrollment.Status.ENROLLED,):
                enrollment.status = Enrollment.Status.COMPLETED
                enrollment.save(update_fields=["status", "updated_at"])
    except IntegrityError:
        return None  # credited concurrently by another worker: the constraint kept it to once
    except ValidationError as error:
        # The platform's statement is stored whatever we make of it; hours we cannot credit
        # (e.g. an absurd duration) are left for staff rather than failing the platform's request.
        logger.warning("external statement %s not credited: %s", statement.get("id"), error)
        return None
    return completion


def map_external_activity(
    *, activity: ExternalActivity, status: str, by_user, course: Course | None = None, hours: Decimal | None = None
) -> int:
    """Staff decide what an outside activity is; statements already stored about it are credited now.

    Remapping voids the completions credited under the previous decision. Returns how many
    statements were credited.
    """
    activity.status = status
    activity.course = course if status == ExternalActivity.Status.MAPPED else None
    activity.hours = hours if status == ExternalActivity.Status.ACCEPTED else None
    activity.decided_by = by_user
    if status == ExternalActivity.Status.ACCEPTED and not activity.title:
        raise ValidationError({"status": _("外部課程需有名稱。")})
    activity.full_clean()
    credited = 0
    with transaction.atomic():
        activity.save()
        previous_ids = _source_ids_for(activity)
        for completion in Completion.objects.filter(source_statement_id__in=previous_ids, voided_at__isnull=True):
            void_completion(completion=completion)
        if status in (ExternalActivity.Status.MAPPED, ExternalActivity.Status.ACCEPTED):
            for statement in _backlog(activity):
                credited += credit_statement(statement=statement, activity=activity) is not None
    return credited


def _backlog(activity: ExternalActivity) -> list[dict]:
    return [
        s
        for s in xapi_api.query_statements(activity=activity.activity_iri, ascending=True)
        if not is_lms_statement(s) and is_completion(s)
    ]


def _source_ids_for(activity: ExternalActivity) -> list[str]:
    return [s["id"] for s in _backlog(activity)]
