"""Validation at the edge: raw JSON in, normalized statement dicts or a StatementInvalid out.

One module per xAPI object (agents, verbs, activities, results, context, attachments,
statements), strict pydantic types with extra="forbid", and explicit differences between
xAPI 1.0.3 and 2.0.0 passed as the validation context. Errors are collected with their property
path, so the 400 names it ("statements[3].actor.mbox: must be a mailto IRI").
"""

import json
import math
from typing import Any

import pydantic
from django.core.exceptions import ValidationError

from . import exact
from .agents import Agent, Group
from .common import PATTERN_MESSAGES, VERSION_1, VERSION_2, format_stored, format_timestamp, is_uuid, parse_timestamp
from .statements import Statement

__all__ = [
    "VERSION_1",
    "VERSION_2",
    "StatementInvalid",
    "format_stored",
    "format_timestamp",
    "is_uuid",
    "parse_timestamp",
    "validate_actor",
    "validate_statements",
]

_TAGS = {"Agent", "Group", "Activity", "StatementRef", "SubStatement"}


class StatementInvalid(ValidationError, ValueError):  # noqa: N818 (reads as "the statement is invalid")
    """A statement, a batch or a parameter broke a rule; `errors` lists (path, message) pairs.

    A Django ValidationError keyed by property path (`message_dict`), so LMS services that
    record statements inside their own validation can let it through unchanged.
    """

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        by_path: dict[str, list[str]] = {}
        for path, message in errors:
            by_path.setdefault(path or "statement", []).append(message)
        super().__init__(by_path)

    def __str__(self) -> str:
        return "; ".join(f"{path}: {message}" if path else message for path, message in self.errors)


def _join(prefix: str, loc: tuple) -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in _TAGS or "[" in part or part.startswith("function-"):
            continue
        else:
            path += f".{part}" if path else part
    return path


_NUL_MESSAGE = "must not contain the character U+0000, which the store cannot keep"


def _nulls(value: Any, path: str, found: list[tuple[str, str]], *, in_extension: bool = False) -> None:
    # xAPI 1.0.3 §2.2: properties must not be null; extension values are free JSON. Anywhere, a
    # string with U+0000 is refused: PostgreSQL's JSONB cannot hold it (a 400 here, not a 500).
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            if "\x00" in key:
                found.append((child, _NUL_MESSAGE))
            if item is None:
                if not in_extension:
                    found.append((child, "must not be null"))
            else:
                _nulls(item, child, found, in_extension=in_extension or key == "extensions")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if item is None:
                if not in_extension:
                    found.append((f"{path}[{index}]", "must not be null"))
            else:
                _nulls(item, f"{path}[{index}]", found, in_extension=in_extension)
    elif isinstance(value, str):
        if "\x00" in value:
            found.append((path, _NUL_MESSAGE))
        elif exact.has_surrogate(value):
            found.append((path, exact.SURROGATE))
    elif isinstance(value, float) and not math.isfinite(value):
        # Python callers: JSON cannot carry NaN or Infinity (HTTP bodies are checked when parsed).
        found.append((path, f"{value} {exact.NON_FINITE}"))


def _pydantic_errors(exc: pydantic.ValidationError, prefix: str) -> list[tuple[str, str]]:
    errors = []
    for error in exc.errors(include_url=False, include_input=False):
        if error["type"] == "string_pattern_mismatch":
            message = PATTERN_MESSAGES[error["ctx"]["pattern"]]
        else:
            message = error["msg"].removeprefix("Value error, ")
        entry = (_join(prefix, error["loc"]), message)
        if entry not in errors:
            errors.append(entry)
    return errors


def _normalize(statement: dict, version: str) -> dict:
    context = statement.get("context")
    if context and "contextActivities" in context:
        # xAPI 1.0.3 §2.4.6.2: a single Activity is stored and returned as an array.
        context["contextActivities"] = {
            key: value if isinstance(value, list) else [value] for key, value in context["contextActivities"].items()
        }
    if statement.get("object", {}).get("objectType") == "SubStatement":
        _normalize(statement["object"], version)
    if version != VERSION_1 and "timestamp" in statement:
        # xAPI 2.0 §9.2.4.2: timestamps in another offset are converted to UTC, not rejected.
        statement["timestamp"] = format_timestamp(parse_timestamp(statement["timestamp"]))
    return statement


def validate_statements(
    data: Any, *, version: str, prefix: str = "statements", source: bytes | None = None
) -> list[dict]:
    """Validate one statement (a dict) or a batch (a list) whole; return normalized copies.

    `source` is the JSON text `data` was just parsed from, when `data` belongs to the caller
    alone (an HTTP body): then the statements are normalized in place instead of copied, and
    the walk looking for nulls (and for U+0000 in strings) is skipped when the text has neither.
    Raises StatementInvalid with every error of every statement; nothing is partially accepted.
    """
    nulls_possible = source is None or b"null" in source or b"\\u0000" in source
    items = data if isinstance(data, list) else [data]
    single = not isinstance(data, list)
    errors: list[tuple[str, str]] = []
    result = []
    for index, item in enumerate(items):
        path = "statement" if single else f"{prefix}[{index}]"
        if not isinstance(item, dict):
            errors.append((path, "must be a JSON object"))
            continue
        if nulls_possible:
            found: list[tuple[str, str]] = []
            _nulls(item, path, found)
            if found:
                errors.extend(found)
                continue
        try:
            Statement.model_validate(item, context={"version": version})
        except pydantic.ValidationError as exc:
            errors.extend(_pydantic_errors(exc, path))
            continue
        # A JSON round trip is the fastest deep copy of a JSON document; the caller's dict stays intact.
        result.append(_normalize(item if source is not None else json.loads(json.dumps(item)), version))
    if not items:
        errors.append((prefix, "must not be empty"))
    if errors:
        raise StatementInvalid(errors)
    return result


def validate_actor(data: Any, *, name: str = "agent", group_allowed: bool = True) -> dict:
    """Validate an Agent (or identified Group) given as a query parameter."""
    if not isinstance(data, dict):
        raise StatementInvalid([(name, "must be a JSON object")])
    model = Group if data.get("objectType") == "Group" and group_allowed else Agent
    try:
        model.model_validate(data, context={"version": VERSION_2})
    except pydantic.ValidationError as exc:
        raise StatementInvalid(_pydantic_errors(exc, name)) from exc
    return data
