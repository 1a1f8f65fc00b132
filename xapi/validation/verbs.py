"""Verbs (xAPI 1.0.3 §2.4.3)."""

from .common import IRI, LanguageMap, XapiModel

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


class Verb(XapiModel):
    id: IRI
    display: LanguageMap | None = None
