"""Value types shared by every xAPI object: IRIs, language maps, UUIDs, timestamps, durations.

Every type is strict: JSON strings stay strings and numbers stay numbers (xAPI 1.0.3 §2.2
"An LRS rejects a Statement ... with the wrong data type"). Each type raises ValueError with a
short message; `xapi.validation` adds the property path.
"""

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Annotated, Any

import isodate
from isodate.isoduration import ISO8601_PERIOD_REGEX
from pydantic import AfterValidator, BaseModel, ConfigDict, StrictStr, StringConstraints

VERSION_1 = "1.0.3"
VERSION_2 = "2.0.0"


class XapiModel(BaseModel):
    """Strict base: unknown properties are errors (xAPI 1.0.3 §2.2 "rejects ... additional properties")."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)


# Patterns checked by pydantic-core itself (its Rust regex engine, no call back into Python for
# every string of every statement), each with the message the 400 gives when it does not match.
PATTERN_MESSAGES: dict[str, str] = {}


def _pattern(pattern: str, message: str) -> type[str]:
    """A strict string type admitting only `pattern` (anchored), with `message` otherwise."""
    PATTERN_MESSAGES[pattern] = message
    return Annotated[str, StringConstraints(strict=True, pattern=pattern)]


def spec_version(info: Any) -> str:
    """The spec version the payload is validated against (passed as validation context)."""
    return (info.context or {}).get("version", VERSION_2)


# RFC 3987 is wide; what matters for conformance is an absolute IRI: a scheme, a colon, and no
# whitespace or characters that RFC 3987 excludes outright.
_IRI_PATTERN = r'^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$'
_IRI = re.compile(_IRI_PATTERN.removesuffix("$") + r"\Z")


@lru_cache(maxsize=8192)
def is_iri(value: str) -> bool:
    # Cached: the same extension IRIs recur in almost every statement.
    return _IRI.match(value) is not None


IRI = _pattern(_IRI_PATTERN, "must be an absolute IRI")
IRL = IRI

# RFC 5646 language tags (xAPI 1.0.3 §4.1 Language Map keys).
_LANGTAG_PATTERN = (
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?"
    r"|[xX](?:-[A-Za-z0-9]{1,8})+"
    r"|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)"
    r"|sgn-(?:BE-FR|BE-NL|CH-DE)"
    r"|(?:zh-(?:cmn|cmn-Hans|cmn-Hant|gan|min|min-nan|wuu|yue)))$"
)
_LANGTAG = re.compile(_LANGTAG_PATTERN.removesuffix("$") + r"\Z")


@lru_cache(maxsize=1024)
def is_language_tag(value: str) -> bool:
    return bool(_LANGTAG.match(value))


LanguageTag = _pattern(_LANGTAG_PATTERN, "must be an RFC 5646 language tag")


def _language_map(value: dict) -> dict:
    for key in value:
        if not is_language_tag(key):
            raise ValueError(f"{key!r} is not an RFC 5646 language tag")
    return value


LanguageMap = Annotated[dict[StrictStr, StrictStr], AfterValidator(_language_map)]


def _extensions(value: dict) -> dict:
    # xAPI 1.0.3 §2.4.6.5 Extensions: keys are IRIs, values are any JSON value.
    for key in value:
        if not is_iri(key):
            raise ValueError(f"extension key {key!r} must be an absolute IRI")
    return value


Extensions = Annotated[dict[StrictStr, Any], AfterValidator(_extensions)]

# xAPI 1.0.3 §4.1.1 UUIDs: the RFC 4122 §3 string representation. Version and variant bits are
# not checked: RFC 4122 itself defines the nil UUID, and outside platforms mint their own ids.
_UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_UUID = re.compile(_UUID_PATTERN.removesuffix("$") + r"\Z")


def is_uuid(value: str) -> bool:
    return _UUID.match(value) is not None


UUIDStr = _pattern(_UUID_PATTERN, "must be a UUID (RFC 4122)")

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$"
)


@lru_cache(maxsize=4096)
def parse_timestamp(value: str) -> datetime:
    """Parse an ISO 8601 / RFC 3339 date-time into an aware UTC datetime.

    xAPI 1.0.3 §4.5 Timestamps: an offset of -00, -0000 or -00:00 is rejected (RFC 3339 "unknown
    local offset"); a timestamp without an offset is taken as UTC. Cached: ingest parses each
    timestamp when validating and again when deriving the indexed column (datetimes are immutable).
    """
    match = _TIMESTAMP.match(value)
    if not match:
        raise ValueError("must be an ISO 8601 date-time")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    if sign == "-" and int(off_h) == 0 and int(off_m or 0) == 0:
        raise ValueError("an offset of -00:00 is not allowed")
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            micro,
            tzinfo=_offset(sign, off_h, off_m) if sign else UTC,
        )
    except ValueError as exc:
        raise ValueError("must be a valid date-time") from exc
    return moment.astimezone(UTC)


@lru_cache(maxsize=256)
def _offset(sign: str, hours: str, minutes: str | None) -> timezone:
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return timezone(-offset if sign == "-" else offset)


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with millisecond precision (xAPI 2.0 §4.2.7 "at least milliseconds")."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def format_stored(moment: datetime) -> str:
    """`stored` and Consistent-Through: RFC 3339 in UTC to the microsecond, the precision of the
    database clock, so that no two moments of the ordering share one text (xapi.services.consistency)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _timestamp(value: str) -> str:
    parse_timestamp(value)
    return value


Timestamp = Annotated[StrictStr, AfterValidator(_timestamp)]


_WEEKS = re.compile(r"^P\d+(\.\d+)?W$")
_SECONDS = re.compile(r"(\d+)(?:\.(\d+))?S$")


def comparable_duration(value: str) -> str:
    """xAPI 2.0 §4.2.7: durations compare at 0.01 s precision; finer digits are truncated."""

    def truncate(match: re.Match) -> str:
        fraction = (match.group(2) or "")[:2].rstrip("0")
        return f"{match.group(1)}.{fraction}S" if fraction else f"{match.group(1)}S"

    return _SECONDS.sub(truncate, value)


def _duration(value: str) -> str:
    # xAPI 1.0.3 §4.6 Durations: ISO 8601 durations.
    if not value.startswith("P") or value in ("P", "PT") or value.endswith("T"):
        raise ValueError("must be an ISO 8601 duration")
    # ISO 8601:2004 §4.4.3.2: weeks ("P4W") are not combined with other components.
    if "W" in value and not _WEEKS.match(value):
        raise ValueError("a duration in weeks cannot have other components")
    if ISO8601_PERIOD_REGEX.match(value):
        # The designator form ("PT1H30M"), what statements carry: the regex that isodate itself
        # applies first decides it, without building a timedelta from Decimals.
        return value
    try:
        isodate.parse_duration(value)
    except (isodate.ISO8601Error, ValueError) as exc:
        raise ValueError("must be an ISO 8601 duration") from exc
    return value


Duration = Annotated[StrictStr, AfterValidator(_duration)]


# xAPI 1.0.3 §2.4.2.3 mbox: "mailto:email address".
MailtoIRI = _pattern(r"^mailto:[^@\s]+@[^@\s]+$", "must be a mailto IRI (mailto:name@example.org)")
Sha1Hex = _pattern(r"^[0-9a-fA-F]{40}$", "must be a hex-encoded SHA-1 hash")
Sha2Hex = _pattern(
    r"^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$", "must be a hex-encoded SHA-2 hash"
)
MediaType = _pattern(r"^[\w!#$&^.+-]+/[\w!#$&^.+-]+(?:\s*;.*)?$", "must be an Internet Media Type")
