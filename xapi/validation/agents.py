"""Agents and Groups (xAPI 1.0.3 §2.4.2, xAPI 2.0 §9.2.2.1)."""

from typing import Annotated, Any, Literal

from pydantic import Discriminator, StrictStr, Tag, model_validator

from .common import IRL, MailtoIRI, Sha1Hex, XapiModel

IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")
_IFI_SET = frozenset(IFI_PROPERTIES)


class Account(XapiModel):
    """xAPI 1.0.3 §2.4.2.4 Account Object: both properties are required."""

    homePage: IRL  # noqa: N815 (the spec's property names)
    name: StrictStr


class _IdentifiedBase(XapiModel):
    name: StrictStr | None = None
    mbox: MailtoIRI | None = None
    mbox_sha1sum: Sha1Hex | None = None
    openid: IRL | None = None
    account: Account | None = None

    def ifi_count(self) -> int:
        # Only the properties the JSON had can be set (the usual Agent has one of them).
        return sum(getattr(self, prop) is not None for prop in self.model_fields_set & _IFI_SET)


class Agent(_IdentifiedBase):
    """xAPI 1.0.3 §2.4.2.1: an Agent has exactly one Inverse Functional Identifier."""

    objectType: Literal["Agent"] | None = None  # noqa: N815

    @model_validator(mode="after")
    def _exactly_one_ifi(self) -> "Agent":
        if self.ifi_count() != 1:
            raise ValueError("an Agent must have exactly one of mbox, mbox_sha1sum, openid, account")
        return self


class Group(_IdentifiedBase):
    """xAPI 1.0.3 §2.4.2.2: anonymous Groups list members; identified Groups have one IFI."""

    objectType: Literal["Group"]  # noqa: N815
    member: list[Agent] | None = None

    @model_validator(mode="after")
    def _ifi_or_members(self) -> "Group":
        count = self.ifi_count()
        if count > 1:
            raise ValueError("a Group must not have more than one Inverse Functional Identifier")
        if count == 0 and not self.member:
            raise ValueError("an anonymous Group must have at least one member")
        return self


def _actor_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return "Group" if value.get("objectType") == "Group" else "Agent"
    return None


Actor = Annotated[Annotated[Agent, Tag("Agent")] | Annotated[Group, Tag("Group")], Discriminator(_actor_tag)]
