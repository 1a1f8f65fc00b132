"""Activities and their definitions (xAPI 1.0.3 §2.4.4.1)."""

from typing import Literal

from pydantic import StrictStr, field_validator, model_validator

from .common import IRI, IRL, Extensions, LanguageMap, XapiModel

INTERACTION_TYPES = (
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
)
# xAPI 1.0.3 §2.4.4.1.1 Interaction Components: which component lists go with which type.
COMPONENT_LISTS = {
    "choice": {"choices"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "matching": {"source", "target"},
    "performance": {"steps"},
}
ALL_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
_INTERACTION_PROPERTIES = frozenset({"interactionType", "correctResponsesPattern", *ALL_COMPONENT_LISTS})


class InteractionComponent(XapiModel):
    id: StrictStr
    description: LanguageMap | None = None

    @field_validator("id")
    @classmethod
    def _no_whitespace(cls, value: str) -> str:
        if not value or any(ch.isspace() for ch in value):
            raise ValueError("must be a non-empty string without whitespace")
        return value


class ActivityDefinition(XapiModel):
    name: LanguageMap | None = None
    description: LanguageMap | None = None
    type: IRI | None = None
    moreInfo: IRL | None = None  # noqa: N815
    extensions: Extensions | None = None
    interactionType: Literal[INTERACTION_TYPES] | None = None  # noqa: N815
    correctResponsesPattern: list[StrictStr] | None = None  # noqa: N815
    choices: list[InteractionComponent] | None = None
    scale: list[InteractionComponent] | None = None
    source: list[InteractionComponent] | None = None
    target: list[InteractionComponent] | None = None
    steps: list[InteractionComponent] | None = None

    @model_validator(mode="after")
    def _interaction_components(self) -> "ActivityDefinition":
        if not self.model_fields_set & _INTERACTION_PROPERTIES:
            return self  # the usual definition: a name, a type, nothing to check here
        present = {name for name in ALL_COMPONENT_LISTS if getattr(self, name) is not None}
        if (self.correctResponsesPattern is not None or present) and self.interactionType is None:
            raise ValueError("interactionType is required with correctResponsesPattern or interaction components")
        allowed = COMPONENT_LISTS.get(self.interactionType or "", set())
        if present - allowed:
            raise ValueError(
                f"{', '.join(sorted(present - allowed))} not allowed for interactionType {self.interactionType}"
            )
        for name in present:
            ids = [component.id for component in getattr(self, name)]
            if len(ids) != len(set(ids)):
                raise ValueError(f"{name} ids must be unique")
        return self


class Activity(XapiModel):
    objectType: Literal["Activity"] | None = None  # noqa: N815
    id: IRI
    definition: ActivityDefinition | None = None
