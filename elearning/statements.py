"""The xAPI statements the LMS's SCORM player records about an attempt (docs/elearning.md).

They follow the ADL SCORM profile's verbs (initialized, completed, passed, failed, terminated),
are about the course activity (courses/vocabulary.py COURSE_ACTIVITY), carry the attempt id as
context.registration, and are recorded under the player's own credential — not the LMS's
authority — so that courses credits them exactly as it credits an outside platform's
completion: through the LRS signal, the delivery queue and the mapped activity.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.utils import timezone

from courses import vocabulary as v

INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
COMPLETED = v.Verbs.COMPLETED
PASSED = v.Verbs.PASSED
FAILED = v.Verbs.FAILED
VERB_NAMES = {
    INITIALIZED: "initialized",
    TERMINATED: "terminated",
    COMPLETED: "completed",
    PASSED: "passed",
    FAILED: "failed",
}
SCORM_PROFILE = "https://w3id.org/xapi/scorm"
PLAYER_CREDENTIAL = "LMS SCORM player"
STANDARD_EXTENSION = v.BASE + "/extensions/package-standard"


def course_activity_id(course) -> str:
    return v.COURSE_ACTIVITY.format(code=course.code)


def build_statement(
    *,
    attempt,
    verb: str,
    success: bool | None = None,
    completion: bool | None = None,
    score: dict | None = None,
    duration: str | None = None,
) -> dict:
    package = attempt.package
    course = package.course
    statement: dict = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": v.HOME_PAGE, "name": attempt.person.employee_number}},
        "verb": {"id": verb, "display": {"en-US": VERB_NAMES[verb]}},
        "object": {
            "objectType": "Activity",
            "id": course_activity_id(course),
            "definition": {"type": v.TYPE_COURSE, "name": {v.LANGUAGE: course.title}},
        },
        "context": {
            "registration": str(attempt.id),
            "contextActivities": {"category": [{"objectType": "Activity", "id": SCORM_PROFILE}]},
            "extensions": {v.Extensions.COURSE: course.code, STANDARD_EXTENSION: package.standard},
        },
        "timestamp": timezone.now().isoformat(),
    }
    result: dict = {}
    if completion is not None:
        result["completion"] = completion
    if success is not None:
        result["success"] = success
    if score:
        result["score"] = score
    if duration:
        result["duration"] = duration
    if result:
        statement["result"] = result
    return statement


def xapi_score(
    *, scaled: Decimal | None, raw: Decimal | None, minimum: Decimal | None, maximum: Decimal | None
) -> dict:
    """xAPI result.score (1.0.3 §2.4.5.1): raw only within min..max, scaled within -1..1."""
    score: dict = {}
    if scaled is not None:
        score["scaled"] = float(scaled)
    if raw is not None:
        lower = minimum if minimum is not None else Decimal(0)
        upper = maximum if maximum is not None else Decimal(100)
        if lower <= raw <= upper and lower < upper:
            score.update(raw=float(raw), min=float(lower), max=float(upper))
    return score
