"""The SCORM run-time on the server: launch an attempt, take the player's commits, record xAPI.

The trainee's browser runs the package with scorm-again (elearning/static/elearning/player.js);
each LMSCommit/Commit and the final LMSFinish/Terminate POSTs the whole CMI tree to the attempt's
commit endpoint. Here it is checked (a clear zh-Hant error naming the element), stored for the
next launch (suspend_data, location, exit) and translated into statements (docs/elearning.md):
initialized once per launch, one crediting outcome per attempt (passed, or completed when the
package has no mastery score), failed once, terminated at the end of each launch.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import isodate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elearning import statements as s
from elearning.models import Attempt, ContentPackage, Standard
from lms.people.models import Person
from xapi import api as xapi_api

# SCORM 1.2 RTE §3.4: suspend_data is CMIString4096; SCORM 2004 4th ed. RTE §4.2.24: 64000 characters.
SUSPEND_DATA_MAX = {Standard.SCORM_12: 4096, Standard.SCORM_2004: 64000}
LOCATION_MAX = {Standard.SCORM_12: 255, Standard.SCORM_2004: 1000}
LESSON_STATUS_12 = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted", ""}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown", ""}
SUCCESS_2004 = {"passed", "failed", "unknown", ""}
EXIT_VALUES = {"time-out", "suspend", "logout", "normal", ""}
TIMESPAN_12 = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$")


class SessionClosed(Exception):
    """A commit from a launch that has ended or been replaced by a newer one."""


@dataclass(frozen=True)
class RuntimeState:
    completion: str  # completed | incomplete | not attempted | unknown | ""
    success: str  # passed | failed | unknown | ""
    score_scaled: Decimal | None
    score_raw: Decimal | None
    score_min: Decimal | None
    score_max: Decimal | None
    location: str
    suspend_data: str
    exit: str
    session_time: str | None  # ISO 8601 duration


def _invalid(element: str, message: str) -> ValidationError:
    return ValidationError({element: message})


def _decimal(value, element: str, *, low=None, high=None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _invalid(
            element, _("%(element)s 應為數字，而不是「%(value)s」。") % {"element": element, "value": value}
        ) from None
    if not number.is_finite() or (low is not None and number < low) or (high is not None and number > high):
        raise _invalid(element, _("%(element)s 的值「%(value)s」超出允許範圍。") % {"element": element, "value": value})
    return number


def _string(tree: dict, key: str, element: str, max_length: int | None = None) -> str:
    value = tree.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise _invalid(element, _("%(element)s 應為字串。") % {"element": element})
    value = str(value)
    if max_length is not None and len(value) > max_length:
        raise _invalid(element, _("%(element)s 超過 %(max)s 個字元。") % {"element": element, "max": max_length})
    return value


def _object(tree, key: str, element: str) -> dict:
    value = tree.get(key) or {}
    if not isinstance(value, dict):
        raise _invalid(element, _("%(element)s 應為物件。") % {"element": element})
    return value


def _duration_12(value: str) -> str | None:
    match = TIMESPAN_12.match(value)
    if not match:
        raise _invalid(
            "cmi.core.session_time",
            _("cmi.core.session_time 應為 HHHH:MM:SS.SS，而不是「%(value)s」。") % {"value": value},
        )
    hours, minutes, seconds, fraction = match.groups()
    return f"PT{int(hours)}H{int(minutes)}M{Decimal(seconds + (fraction or ''))}S"


def _duration_2004(value: str) -> str | None:
    try:
        isodate.parse_duration(value)
    except (isodate.ISO8601Error, ValueError):
        raise _invalid(
            "cmi.session_time", _("cmi.session_time 應為 ISO 8601 期間，而不是「%(value)s」。") % {"value": value}
        ) from None
    return value


def read_runtime(package: ContentPackage, data) -> RuntimeState:
    """The state a commit carries; ValidationError keyed by the CMI element otherwise."""
    if not isinstance(data, dict):
        raise _invalid("body", _("送出的資料不是 JSON 物件。"))
    cmi = data.get("cmi")
    if not isinstance(cmi, dict):
        raise _invalid("cmi", _("送出的資料缺少 cmi 物件。"))
    standard = package.standard
    if standard == Standard.SCORM_12:
        core = _object(cmi, "core", "cmi.core")
        status = _string(core, "lesson_status", "cmi.core.lesson_status")
        if status not in LESSON_STATUS_12:
            raise _invalid(
                "cmi.core.lesson_status",
                _("cmi.core.lesson_status 的值「%(value)s」不是 SCORM 1.2 允許的狀態。") % {"value": status},
            )
        score = _object(core, "score", "cmi.core.score")
        raw = _decimal(score.get("raw"), "cmi.core.score.raw", low=Decimal(0), high=Decimal(100))
        low = _decimal(score.get("min"), "cmi.core.score.min", low=Decimal(0), high=Decimal(100))
        high = _decimal(score.get("max"), "cmi.core.score.max", low=Decimal(0), high=Decimal(100))
        scaled = None
        if raw is not None:
            lower, upper = low or Decimal(0), high or Decimal(100)
            scaled = min(max((raw - lower) / (upper - lower), Decimal(0)), Decimal(1)) if upper > lower else None
        exit_value = _string(core, "exit", "cmi.core.exit")
        session_time = _string(core, "session_time", "cmi.core.session_time")
        state = RuntimeState(
            completion="completed" if status in ("passed", "completed", "failed") else status,
            success=status if status in ("passed", "failed") else "",
            score_scaled=scaled.quantize(Decimal("0.0001")) if scaled is not None else None,
            score_raw=raw,
            score_min=low,
            score_max=high,
            location=_string(core, "lesson_location", "cmi.core.lesson_location", LOCATION_MAX[standard]),
            suspend_data=_string(cmi, "suspend_data", "cmi.suspend_data", SUSPEND_DATA_MAX[standard]),
            exit=exit_value,
            session_time=_duration_12(session_time) if session_time else None,
        )
    else:
        completion = _string(cmi, "completion_status", "cmi.completion_status")
        if completion not in COMPLETION_2004:
            raise _invalid(
                "cmi.completion_status",
                _("cmi.completion_status 的值「%(value)s」不是 SCORM 2004 允許的狀態。") % {"value": completion},
            )
        success = _string(cmi, "success_status", "cmi.success_status")
        if success not in SUCCESS_2004:
            raise _invalid(
                "cmi.success_status",
                _("cmi.success_status 的值「%(value)s」不是 SCORM 2004 允許的狀態。") % {"value": success},
            )
        score = _object(cmi, "score", "cmi.score")
        session_time = _string(cmi, "session_time", "cmi.session_time")
        state = RuntimeState(
            completion=completion,
            success=success,
            score_scaled=_decimal(score.get("scaled"), "cmi.score.scaled", low=Decimal(-1), high=Decimal(1)),
            score_raw=_decimal(score.get("raw"), "cmi.score.raw"),
            score_min=_decimal(score.get("min"), "cmi.score.min"),
            score_max=_decimal(score.get("max"), "cmi.score.max"),
            location=_string(cmi, "location", "cmi.location", LOCATION_MAX[standard]),
            suspend_data=_string(cmi, "suspend_data", "cmi.suspend_data", SUSPEND_DATA_MAX[standard]),
            exit=_string(cmi, "exit", "cmi.exit"),
            session_time=_duration_2004(session_time) if session_time else None,
        )
    if state.exit not in EXIT_VALUES:
        element = "cmi.core.exit" if standard == Standard.SCORM_12 else "cmi.exit"
        raise _invalid(
            element, _("%(element)s 的值「%(value)s」不是允許的值。") % {"element": element, "value": state.exit}
        )
    mastery = package.mastery_score
    if mastery is not None and state.success in ("", "unknown") and state.score_scaled is not None:
        # The manifest's mastery score decides when the SCO reports a score but no success (SCORM 1.2 RTE §3.4.2.1).
        state = RuntimeState(**{**state.__dict__, "success": "passed" if state.score_scaled >= mastery else "failed"})
    return state


def launch_attempt(*, package: ContentPackage, person: Person) -> Attempt:
    """The person's attempt at the package (created on the first launch) with a new launch session."""
    with transaction.atomic():
        attempt, _created = Attempt.objects.select_for_update().get_or_create(package=package, person=person)
        attempt.session_key = uuid.uuid4()
        attempt.session_started_at = timezone.now()
        attempt.launch_count += 1
        attempt.save()
    return attempt


def initial_cmi(attempt: Attempt) -> dict:
    """The CMI tree the player loads before the SCO initializes: who the learner is and where they left off."""
    runtime = attempt.runtime or {}
    person = attempt.person
    resumed = runtime.get("exit") == "suspend"
    mastery = attempt.package.mastery_score
    if attempt.package.standard == Standard.SCORM_12:
        cmi = {
            "suspend_data": runtime.get("suspend_data", ""),
            "core": {
                "student_id": person.employee_number,
                "student_name": person.name,
                "lesson_location": runtime.get("location", ""),
                "lesson_status": runtime.get("lesson_status", ""),
                "entry": "resume" if resumed else ("" if attempt.launch_count > 1 else "ab-initio"),
                "credit": "credit",
                "lesson_mode": "normal",
            },
        }
        if mastery is not None:
            cmi["student_data"] = {"mastery_score": format((mastery * 100).normalize(), "f")}
        return cmi
    cmi = {
        "learner_id": person.employee_number,
        "learner_name": person.name,
        "location": runtime.get("location", ""),
        "suspend_data": runtime.get("suspend_data", ""),
        "entry": "resume" if resumed else "ab-initio" if attempt.launch_count <= 1 else "",
        "credit": "credit",
        "mode": "normal",
    }
    if runtime.get("completion_status"):
        cmi["completion_status"] = runtime["completion_status"]
    if runtime.get("success_status"):
        cmi["success_status"] = runtime["success_status"]
    if mastery is not None:
        cmi["scaled_passing_score"] = format(mastery.normalize(), "f")
    return cmi


def _player_authority() -> dict:
    credential, _secret = xapi_api.get_or_create_credential(s.PLAYER_CREDENTIAL, ["statements/write"])
    return credential.authority


def commit_runtime(*, attempt_id, session_key, data, initialize: bool = False, terminate: bool = False) -> Attempt:
    """Store one commit of the player and record what it means in the LRS, in one transaction.

    Raises SessionClosed for a launch that is no longer the open one, ValidationError (keyed by
    the CMI element) for data the SCO could not have set. Nothing is stored on either.
    """
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("package__course", "person").get(pk=attempt_id)
        if attempt.session_key is None or str(attempt.session_key) != str(session_key):
            raise SessionClosed
        package = attempt.package
        batch: list[dict] = []
        if initialize:
            batch.append(s.build_statement(attempt=attempt, verb=s.INITIALIZED))
        if data is not None and not (initialize and data == {}):
            state = read_runtime(package, data)
            batch.extend(_outcome_statements(attempt, state))
            attempt.runtime = {
                "location": state.location,
                "suspend_data": state.suspend_data,
                "exit": state.exit,
                "lesson_status": (data["cmi"].get("core") or {}).get("lesson_status", "")
                if package.standard == Standard.SCORM_12
                else "",
                "completion_status": state.completion if package.standard == Standard.SCORM_2004 else "",
                "success_status": state.success if package.standard == Standard.SCORM_2004 else "",
                "session_time": state.session_time or "",
            }
            attempt.completion_status = state.completion
            attempt.success_status = state.success
            attempt.score_scaled = state.score_scaled
        else:
            state = None
        if terminate:
            duration = state.session_time if state else None
            batch.append(s.build_statement(attempt=attempt, verb=s.TERMINATED, duration=duration))
            attempt.session_key = None
        attempt.full_clean()
        attempt.save()
        if batch:
            xapi_api.record_statements(batch, authority=_player_authority())
    return attempt


def _outcome_statements(attempt: Attempt, state: RuntimeState) -> list[dict]:
    score = s.xapi_score(
        scaled=state.score_scaled, raw=state.score_raw, minimum=state.score_min, maximum=state.score_max
    )
    completed = state.completion == "completed"
    statements = []
    if state.success == "failed" and not attempt.failed_recorded and not attempt.outcome_verb:
        # No result.completion on failed: courses reads completion=true as a completion whatever the
        # verb (courses/services/external.py is_completion), and a failed attempt must not credit.
        statements.append(s.build_statement(attempt=attempt, verb=s.FAILED, success=False, score=score))
        attempt.failed_recorded = True
    if attempt.outcome_verb:
        return statements  # an attempt credits once; later commits only update the stored data
    if state.success == "passed":
        statements.append(s.build_statement(attempt=attempt, verb=s.PASSED, success=True, completion=True, score=score))
        attempt.outcome_verb = s.PASSED
    elif completed and attempt.package.mastery_score is None and state.success != "failed":
        statements.append(s.build_statement(attempt=attempt, verb=s.COMPLETED, completion=True, score=score or None))
        attempt.outcome_verb = s.COMPLETED
    return statements
