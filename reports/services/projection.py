"""The projection: LMS-issued xAPI statements → LearningRecord rows (courses/vocabulary.py is the profile).

This is the only code in reports that reads a statement. Receivers of xapi.signals call
`project_statements` and `unproject_voided`; `rebuild_projection` replays the LRS.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from itertools import islice
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.dateparse import parse_datetime

from courses.models import CertificationTrack, Course, Offering
from courses.vocabulary import HOME_PAGE, Extensions, Verbs
from lms.people.models import Person
from lms.people.retention import known_pseudonyms
from reports import lrs
from reports.models import LearningRecord

logger = logging.getLogger(__name__)

TAIPEI = ZoneInfo("Asia/Taipei")

# The four outcome verbs of the profile; every other verb (registered, attended …) is not a credited outcome.
PROJECTED_VERBS = {
    Verbs.COMPLETED: LearningRecord.Verb.COMPLETED,
    Verbs.PASSED: LearningRecord.Verb.PASSED,
    Verbs.FAILED: LearningRecord.Verb.FAILED,
    Verbs.EARNED: LearningRecord.Verb.EARNED,
}


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _employee_number(statement: dict) -> str | None:
    account = (statement.get("actor") or {}).get("account") or {}
    if account.get("homePage") != HOME_PAGE:
        return None
    return account.get("name")


def _occurred_at(statement: dict) -> dt.datetime | None:
    value = statement.get("timestamp") or statement.get("stored")
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


def project_statements(*, statements: Iterable[dict]) -> int:
    """Project the credited outcomes among `statements`; return how many rows were added.

    Idempotent: a statement already projected is skipped (statement_id is unique), so a
    replay or a rebuild never counts hours twice.
    """
    rows = projected_rows(statements=statements)
    if not rows:
        return 0
    existing = set(
        LearningRecord.objects.filter(statement_id__in=[r.statement_id for r in rows]).values_list(
            "statement_id", flat=True
        )
    )
    rows = [r for r in rows if r.statement_id not in existing]
    with transaction.atomic():
        LearningRecord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def projected_rows(*, statements: Iterable[dict]) -> list[LearningRecord]:
    """The (unsaved) LearningRecord rows that `statements` project to; reconcile_records compares them."""
    parsed = []
    for statement in statements:
        verb = PROJECTED_VERBS.get((statement.get("verb") or {}).get("id"))
        if verb is None or not lrs.is_issued_by_lms(statement):
            continue
        number = _employee_number(statement)
        occurred_at = _occurred_at(statement)
        if number is None or occurred_at is None or "id" not in statement:
            logger.warning("statement %s is not profile-conformant; not projected", statement.get("id"))
            continue
        context = statement.get("context") or {}
        ext = context.get("extensions") or {}
        parsed.append((statement, verb, number, occurred_at, ext, context))
    if not parsed:
        return []

    people = dict(
        Person.objects.filter(employee_number__in={p[2] for p in parsed}).values_list("employee_number", "pk")
    )
    # A leaver past retention keeps their records under a pseudonym (lms.people.retention).
    unknown = {alias: p[2] for p in parsed if p[2] not in people for alias in known_pseudonyms(p[2])}
    if unknown:
        for alias, pk in Person.objects.filter(employee_number__in=unknown).values_list("employee_number", "pk"):
            people[unknown[alias]] = pk
    courses = dict(
        Course.objects.filter(code__in={p[4].get(Extensions.COURSE) for p in parsed} - {None}).values_list("code", "pk")
    )
    offerings = {
        code: (pk, course_id)
        for code, pk, course_id in Offering.objects.filter(
            code__in={p[4].get(Extensions.OFFERING) for p in parsed} - {None}
        ).values_list("code", "pk", "course_id")
    }
    tracks = dict(
        CertificationTrack.objects.filter(
            code__in={p[4].get(Extensions.CERTIFICATION) for p in parsed} - {None}
        ).values_list("code", "pk")
    )

    rows = []
    for statement, verb, number, occurred_at, ext, context in parsed:
        person_id = people.get(number)
        if person_id is None:
            logger.warning("statement %s names unknown learner %s; not projected", statement["id"], number)
            continue
        offering_id, offering_course_id = offerings.get(ext.get(Extensions.OFFERING), (None, None))
        local = occurred_at.astimezone(TAIPEI)
        score = ((statement.get("result") or {}).get("score") or {}).get("raw")
        registration = context.get("registration")
        rows.append(
            LearningRecord(
                statement_id=uuid.UUID(str(statement["id"])),
                person_id=person_id,
                verb=verb,
                course_id=courses.get(ext.get(Extensions.COURSE)) or offering_course_id,
                offering_id=offering_id,
                track_id=tracks.get(ext.get(Extensions.CERTIFICATION)),
                external_title=str(ext.get(Extensions.EXTERNAL_COURSE_TITLE) or "")[:200],
                modality=str(ext.get(Extensions.MODALITY) or "")[:20],
                credited_hours=max(_decimal(ext.get(Extensions.CREDITED_HOURS)) or Decimal("0"), Decimal("0")),
                scheduled_hours=_decimal(ext.get(Extensions.SCHEDULED_HOURS)),
                leave_hours=_decimal(ext.get(Extensions.LEAVE_HOURS)),
                score=_decimal(score),
                certificate_number=str(ext.get(Extensions.CERTIFICATE_NUMBER) or "")[:60],
                occurred_at=occurred_at,
                occurred_on=local.date(),
                year=local.year,
                registration=uuid.UUID(str(registration)) if registration else None,
            )
        )
    return rows


def projected_statement_ids(*, statements: Iterable[dict]) -> list[str]:
    """Ids among `statements` that the projection may hold: LMS-issued outcomes. No database access."""
    return [
        s["id"]
        for s in statements
        if (s.get("verb") or {}).get("id") in PROJECTED_VERBS and lrs.is_issued_by_lms(s) and "id" in s
    ]


def sync_projection(*, statement_ids: Iterable[uuid.UUID | str]) -> None:
    """Consumer of the LRS (lms.deliveries): each statement's rows follow its current state.

    Live: projected (once). Voided or not stored: its rows leave the projection; the LRS keeps
    the statement and the voiding statement, which are the record of the correction.
    """
    ids = [uuid.UUID(str(i)) for i in statement_ids]
    states = lrs.get_statement_states(ids)
    unproject_voided(statement_ids=[i for i in ids if i not in states or states[i][1]])
    project_statements(statements=[data for data, voided in states.values() if not voided])


def unproject_voided(*, statement_ids: Iterable[uuid.UUID | str]) -> int:
    """Voided statements leave the projection (the LRS keeps them); return how many rows left."""
    ids = [uuid.UUID(str(i)) for i in statement_ids]
    if not ids:
        return 0
    deleted, _ = LearningRecord.objects.filter(statement_id__in=ids).delete()
    return deleted


def rebuild_projection(*, batch_size: int = 5000) -> int:
    """Empty the projection and replay every stored, non-voided outcome statement from the LRS."""
    with transaction.atomic():
        LearningRecord.objects.all().delete()
        total = 0
        for verb in PROJECTED_VERBS:
            # A page of the LRS at a time, never the whole history in memory.
            statements = lrs.iter_statements(verb=verb, ascending=True)
            while chunk := list(islice(statements, batch_size)):
                total += project_statements(statements=chunk)
    return total
