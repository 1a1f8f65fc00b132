"""Context (xAPI 1.0.3 §2.4.6) and 2.0 context agents and groups (xAPI 2.0 §9.2.2.5)."""

from typing import Literal

from pydantic import StrictStr, ValidationInfo, field_validator, model_validator

from .activities import Activity
from .agents import Actor, Agent, Group
from .common import IRI, VERSION_1, Extensions, LanguageTag, UUIDStr, XapiModel, spec_version


class StatementRef(XapiModel):
    """xAPI 1.0.3 §2.4.4.3 Statement Reference: used as an object and as context.statement."""

    objectType: Literal["StatementRef"]  # noqa: N815
    id: UUIDStr


class ContextActivities(XapiModel):
    """xAPI 1.0.3 §2.4.6.2: each property is one Activity or an array of them."""

    parent: Activity | list[Activity] | None = None
    grouping: Activity | list[Activity] | None = None
    category: Activity | list[Activity] | None = None
    other: Activity | list[Activity] | None = None


class _RelevantTypes(XapiModel):
    relevantTypes: list[IRI] | None = None  # noqa: N815

    @field_validator("relevantTypes")
    @classmethod
    def _not_empty(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:
            raise ValueError("relevantTypes must not be empty")
        return value


class ContextAgent(_RelevantTypes):
    objectType: Literal["contextAgent"]  # noqa: N815
    agent: Agent


class ContextGroup(_RelevantTypes):
    objectType: Literal["contextGroup"]  # noqa: N815
    group: Group


class Context(XapiModel):
    registration: UUIDStr | None = None
    instructor: Actor | None = None
    team: Group | None = None
    contextActivities: ContextActivities | None = None  # noqa: N815
    revision: StrictStr | None = None
    platform: StrictStr | None = None
    language: LanguageTag | None = None
    statement: StatementRef | None = None
    extensions: Extensions | None = None
    # xAPI 2.0 only; a 1.0.3 statement carrying them is rejected below as an unknown property.
    contextAgents: list[ContextAgent] | None = None  # noqa: N815
    contextGroups: list[ContextGroup] | None = None  # noqa: N815

    @model_validator(mode="after")
    def _version_specific(self, info: ValidationInfo) -> "Context":
        if spec_version(info) == VERSION_1:
            extra = [name for name in ("contextAgents", "contextGroups") if getattr(self, name) is not None]
            if extra:
                raise ValueError(f"{', '.join(extra)} are xAPI 2.0 properties, not allowed in 1.0.3")
        return self
