"""Build vocabulary-conformant LMS statements (courses/vocabulary.py) and record/void them through the LRS.

Statements are documents, so they are dict builders (docs/conventions.md §7). `record` and `void` go
through xapi.api, so the projection is fed by the LRS's own on-commit signals, end to end.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import xapi.api as xapi_api
from courses.vocabulary import COURSE_ACTIVITY, HOME_PAGE, TYPE_COURSE, Extensions, Verbs

VERBS = {"completed": Verbs.COMPLETED, "passed": Verbs.PASSED, "failed": Verbs.FAILED, "earned": Verbs.EARNED}


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
        # As stored: the LMS's own authority (only LMS-issued statements are credited).
        "authority": xapi_api.LMS_AUTHORITY,
    }
    if score is not None:
        statement["result"] = {"score": {"raw": float(score)}, "success": verb == "passed"}
    return statement


def record(statements: list[dict]) -> list[uuid.UUID]:
    # The LRS sets the authority itself from the caller: send the statements without one.
    unsigned = [{key: value for key, value in s.items() if key != "authority"} for s in statements]
    return xapi_api.record_statements(unsigned, authority=xapi_api.LMS_AUTHORITY)


def void(statement_id) -> None:
    xapi_api.void_statement(statement_id)
