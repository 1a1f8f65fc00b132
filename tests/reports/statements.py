"""Build vocabulary-conformant LMS statements (courses/vocabulary.py) and record/void them through the LRS.

Statements are documents, so they are dict builders (conventions §3.7). `record` goes through
xapi.api.record_statements once the xapi branch provides it; until then it sends the contract's
statements_stored signal on commit exactly as the LRS would (reports.lrs), so the projection
receivers are exercised end to end either way.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

import xapi.api as xapi_api
from courses.vocabulary import COURSE_ACTIVITY, HOME_PAGE, TYPE_COURSE, Extensions, Verbs
from reports import lrs

VERBS = {"completed": Verbs.COMPLETED, "passed": Verbs.PASSED, "failed": Verbs.FAILED, "earned": Verbs.EARNED}
LMS = {"objectType": "Agent", "name": "KCG LMS", "account": {"homePage": "urn:kcg-lms:xapi:credential", "name": "lms"}}


def make_statement(
    person,
    verb: str = "completed",
    *,
    course=None,
    offering=None,
    at: dt.datetime,
    hours=None,
    modality: str | None = None,
    scheduled=None,
    leave=None,
    track=None,
    certificate_number: str | None = None,
    score=None,
    statement_id: uuid.UUID | None = None,
) -> dict:
    course = course or (offering.course if offering else None)
    extensions = {}
    if course is not None:
        extensions[Extensions.COURSE] = course.code
    if offering is not None:
        extensions[Extensions.OFFERING] = offering.code
    extensions[Extensions.MODALITY] = modality or (offering.modality if offering else course.modality if course else "")
    if hours is not None:
        extensions[Extensions.CREDITED_HOURS] = float(Decimal(str(hours)))
    if scheduled is not None:
        extensions[Extensions.SCHEDULED_HOURS] = float(scheduled)
    if leave is not None:
        extensions[Extensions.LEAVE_HOURS] = float(leave)
    if track is not None:
        extensions[Extensions.CERTIFICATION] = track.code
    if certificate_number:
        extensions[Extensions.CERTIFICATE_NUMBER] = certificate_number
    statement = {
        "id": str(statement_id or uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "name": person.name,
            "account": {"homePage": HOME_PAGE, "name": person.employee_number},
        },
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": {
            "objectType": "Activity",
            "id": COURSE_ACTIVITY.format(code=course.code if course else "external"),
            "definition": {"type": TYPE_COURSE},
        },
        "context": {"extensions": extensions},
        "timestamp": at.isoformat(),
    }
    if score is not None:
        statement["result"] = {"score": {"raw": float(score)}, "success": verb == "passed"}
    return statement


def record(statements: list[dict]) -> list[uuid.UUID]:
    if hasattr(xapi_api, "record_statements"):
        return xapi_api.record_statements(statements, authority=getattr(xapi_api, "LMS_AUTHORITY", None))
    stored = [{**s, "authority": LMS, "stored": timezone.now().isoformat()} for s in statements]
    ids = [uuid.UUID(s["id"]) for s in stored]
    transaction.on_commit(lambda: lrs.statements_stored.send(sender=None, statement_ids=ids, statements=stored))
    return ids


def void(statement_id) -> None:
    if hasattr(xapi_api, "void_statement"):
        xapi_api.void_statement(statement_id)
        return
    ids = [uuid.UUID(str(statement_id))]
    transaction.on_commit(lambda: lrs.statements_voided.send(sender=None, statement_ids=ids))
