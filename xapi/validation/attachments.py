"""Attachments (xAPI 1.0.3 §2.4.11) and statement signatures (xAPI 1.0.3 §2.6)."""

from pydantic import StrictInt, field_validator

from .common import IRI, IRL, LanguageMap, MediaType, Sha2Hex, XapiModel

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"


class Attachment(XapiModel):
    usageType: IRI  # noqa: N815
    display: LanguageMap
    description: LanguageMap | None = None
    contentType: MediaType  # noqa: N815
    length: StrictInt
    sha2: Sha2Hex
    fileUrl: IRL | None = None  # noqa: N815

    @field_validator("length")
    @classmethod
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("length must not be negative")
        return value
