"""Statements and SubStatements (xAPI 1.0.3 §2.4, xAPI 2.0 §9.2)."""

import re
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag, ValidationInfo, model_validator

from .activities import Activity
from .agents import Actor, Agent, Group
from .attachments import Attachment
from .common import VERSION_1, Timestamp, UUIDStr, XapiModel, spec_version
from .context import Context, StatementRef
from .results import Result
from .verbs import VOIDED, Verb

OBJECT_TYPES = ("Activity", "Agent", "Group", "StatementRef", "SubStatement")
# xAPI 1.0.3 §2.4.10: "1.0" or "1.0.x"; an xAPI 2.0 LRS also accepts "2.0.x" (xAPI 2.0 §9.2.4.3).
_VERSIONS = {VERSION_1: re.compile(r"^1\.0(\.\d+)?$"), "2.0.0": re.compile(r"^(1\.0|2\.0)(\.\d+)?$")}


def _object_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        object_type = value.get("objectType", "Activity")
        return object_type if object_type in OBJECT_TYPES else None
    return None


def _check_context_against_object(context: Context | None, obj: Any) -> None:
    # xAPI 1.0.3 §2.4.6: revision and platform only when the object is an Activity.
    if context is not None and not isinstance(obj, Activity):
        for name in ("revision", "platform"):
            if getattr(context, name) is not None:
                raise ValueError(f"context.{name} is only allowed when the object is an Activity")


def _check_voiding(verb: Verb, obj: Any) -> None:
    # xAPI 1.0.3 §2.3.2: a voiding statement's object is a StatementRef.
    if verb.id == VOIDED and not isinstance(obj, StatementRef):
        raise ValueError("a statement with the voided verb must have a StatementRef object")


SubObject = Annotated[
    Annotated[Activity, Tag("Activity")]
    | Annotated[Agent, Tag("Agent")]
    | Annotated[Group, Tag("Group")]
    | Annotated[StatementRef, Tag("StatementRef")],
    Discriminator(
        _object_tag,
        custom_error_type="invalid_object_type",
        custom_error_message="objectType must be Activity, Agent, Group or StatementRef",
    ),
]


class SubStatement(XapiModel):
    """xAPI 1.0.3 §2.4.4.3: no id, stored, version or authority, and no nested SubStatement."""

    objectType: Literal["SubStatement"]  # noqa: N815
    actor: Actor
    verb: Verb
    object: SubObject
    result: Result | None = None
    context: Context | None = None
    timestamp: Timestamp | None = None
    attachments: list[Attachment] | None = None

    @model_validator(mode="after")
    def _rules(self) -> "SubStatement":
        _check_context_against_object(self.context, self.object)
        _check_voiding(self.verb, self.object)
        return self


StatementObject = Annotated[
    Annotated[Activity, Tag("Activity")]
    | Annotated[Agent, Tag("Agent")]
    | Annotated[Group, Tag("Group")]
    | Annotated[StatementRef, Tag("StatementRef")]
    | Annotated[SubStatement, Tag("SubStatement")],
    Discriminator(
        _object_tag,
        custom_error_type="invalid_object_type",
        custom_error_message="objectType must be Activity, Agent, Group, StatementRef or SubStatement",
    ),
]


class Statement(XapiModel):
    id: UUIDStr | None = None
    actor: Actor
    verb: Verb
    object: StatementObject
    result: Result | None = None
    context: Context | None = None
    timestamp: Timestamp | None = None
    stored: Timestamp | None = None
    authority: Actor | None = None
    version: str | None = None
    attachments: list[Attachment] | None = None

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> "Statement":
        _check_context_against_object(self.context, self.object)
        _check_voiding(self.verb, self.object)
        if self.version is not None and not _VERSIONS[spec_version(info)].match(self.version):
            raise ValueError(f"version {self.version!r} is not supported")
        # xAPI 1.0.3 §2.4.9: a Group authority is an OAuth pair of exactly two Agents.
        if isinstance(self.authority, Group) and (self.authority.ifi_count() or len(self.authority.member or []) != 2):
            raise ValueError("a Group authority must be an anonymous Group of exactly two Agents")
        return self
