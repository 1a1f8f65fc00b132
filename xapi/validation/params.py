"""Query parameters of the resources (xAPI 1.0.3 §7.2.3 GET Statements, §7.3-§7.6 documents).

Each parser raises StatementInvalid naming the parameter, which the HTTP edge answers with 400.
"""

import uuid
from datetime import datetime

from . import StatementInvalid, exact, is_uuid, parse_timestamp, validate_actor

STATEMENT_FILTERS = (
    "agent", "verb", "activity", "registration", "related_activities", "related_agents", "since", "until",
    "limit", "ascending",
)  # fmt: skip
FORMATS = ("ids", "exact", "canonical")


def _invalid(name: str, message: str) -> StatementInvalid:
    return StatementInvalid([(name, message)])


def only(params: dict[str, str], allowed: set[str] | tuple[str, ...]) -> None:
    unknown = set(params) - set(allowed)
    if unknown:
        raise _invalid(", ".join(sorted(unknown)), "unexpected parameter")


def flag(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false")
    if value not in ("true", "false"):
        raise _invalid(name, "must be true or false")
    return value == "true"


def iri(params: dict[str, str], name: str, *, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None:
        if required:
            raise _invalid(name, "required")
        return None
    if ":" not in value or any(ch.isspace() for ch in value):
        raise _invalid(name, "must be an IRI")
    return value


def actor(params: dict[str, str], name: str = "agent", *, required: bool = True) -> dict | None:
    if name not in params:
        if required:
            raise _invalid(name, "required")
        return None
    try:
        data = exact.loads(params[name], name)
    except exact.Unstorable as exc:
        raise _invalid(exc.path, exc.message) from exc
    except ValueError as exc:
        raise _invalid(name, "not valid JSON") from exc
    if "\\u0000" in params[name]:
        raise _invalid(name, "must not contain the character U+0000")
    return validate_actor(data, name=name)


def timestamp(params: dict[str, str], name: str) -> datetime | None:
    if name not in params:
        return None
    try:
        return parse_timestamp(params[name])
    except ValueError as exc:
        raise _invalid(name, str(exc)) from exc


def uuid_value(params: dict[str, str], name: str, *, required: bool = False) -> uuid.UUID | None:
    value = params.get(name)
    if value is None:
        if required:
            raise _invalid(name, "required")
        return None
    if not is_uuid(value):
        raise _invalid(name, "must be a UUID")
    return uuid.UUID(value)


def statement_format(params: dict[str, str]) -> str:
    value = params.get("format", "exact")
    if value not in FORMATS:
        raise _invalid("format", "must be ids, exact or canonical")
    return value


def statement_filters(params: dict[str, str]) -> dict:
    """The filters of a statement query, parsed (keyword arguments of selectors.StatementQuery)."""
    limit = params.get("limit", "0")
    if not limit.isdigit():
        raise _invalid("limit", "must be a non-negative integer")
    return {
        "agent": actor(params, required=False),
        "verb": iri(params, "verb"),
        "activity": iri(params, "activity"),
        "registration": uuid_value(params, "registration"),
        "related_activities": flag(params, "related_activities"),
        "related_agents": flag(params, "related_agents"),
        "since": timestamp(params, "since"),
        "until": timestamp(params, "until"),
        "limit": int(limit),
        "ascending": flag(params, "ascending"),
    }
