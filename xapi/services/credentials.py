"""Credentials: creation by staff or operators, and HTTP Basic verification on every request."""

import base64
import binascii
import hmac
import secrets
import time

from django.core.exceptions import ValidationError
from django.db import transaction

from xapi.models import SCOPE_NAMES, Credential, hash_secret

# Verified credentials are kept for a short time so that Basic auth costs no query per request
# under ingest; a deactivated credential stops working within this many seconds.
CACHE_SECONDS = 30
# Remembered keys, known and unknown; past this many the cache starts afresh.
CACHE_LIMIT = 10_000
_cache: dict[str, tuple[float, Credential | None]] = {}
# Compared against when the key is unknown, so that both failures cost one hash and one comparison.
_NO_SECRET_HASH = hash_secret(secrets.token_urlsafe(32))


def create_credential(*, name: str, scopes: list[str], isolate_documents: bool = False) -> tuple[Credential, str]:
    """Create a credential; return it and the clear secret, which is never retrievable again."""
    unknown = set(scopes) - set(SCOPE_NAMES)
    if unknown or not scopes:
        raise ValidationError({"scopes": f"unknown or missing scopes: {', '.join(sorted(unknown)) or '(none)'}"})
    credential = Credential(name=name, scopes=list(scopes), isolate_documents=isolate_documents)
    secret = credential.set_new_secret()
    credential.full_clean()
    with transaction.atomic():
        credential.save()
    forget_cached(credential.key)
    return credential, secret


def authenticate_basic(header: str | None) -> Credential | None:
    """The active credential named by an `Authorization: Basic ...` header, or None.

    An unknown key and a wrong secret take the same steps, so their timing does not tell a
    prober which keys exist: both are looked up once and then remembered for CACHE_SECONDS
    (an unknown key as None, the cache bounded), and both compare a hash in constant time.
    """
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        key, _sep, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    cached = _cache.get(key)
    if cached is not None and cached[0] > time.monotonic():
        credential = cached[1]
    else:
        credential = Credential.objects.filter(key=key, is_active=True).first()
        if len(_cache) >= CACHE_LIMIT:
            _cache.clear()
        _cache[key] = (time.monotonic() + CACHE_SECONDS, credential)
    if credential is None:
        hmac.compare_digest(_NO_SECRET_HASH, hash_secret(secret))
        return None
    return credential if credential.check_secret(secret) else None


def forget_cached(key: str) -> None:
    _cache.pop(key, None)
