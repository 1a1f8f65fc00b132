"""Normalized keys for Agents, Groups and long identifiers, used by the indexed columns."""

import hashlib

MAX_KEY = 500


def _fit(value: str) -> str:
    # Index columns are bounded; longer values are stored and looked up by their SHA-256.
    if len(value) <= MAX_KEY:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def agent_key(actor: dict | None) -> str | None:
    """The Inverse Functional Identifier of an Agent or identified Group (xAPI 1.0.3 §2.4.2.3), or None."""
    if not actor:
        return None
    if "mbox" in actor:
        return _fit("mbox:" + actor["mbox"])
    if "mbox_sha1sum" in actor:
        return "sha1:" + actor["mbox_sha1sum"].lower()
    if "openid" in actor:
        return _fit("openid:" + actor["openid"])
    if "account" in actor:
        account = actor["account"]
        return _fit(f"account:{account['homePage']}|{account['name']}")
    return None


def iri_key(iri: str | None) -> str | None:
    return None if iri is None else _fit(iri)
