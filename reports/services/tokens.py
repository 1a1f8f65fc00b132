"""Agency API tokens: one live token per agency officer (or staff) account, hashed at rest, expiring.

django-rest-knox stores only a SHA-512 digest and the first characters of each token (to name it
on the officer's page); the token itself is shown once, when issued. A token expires after
settings.REST_KNOX["TOKEN_TTL"] (AGENCY_API_TOKEN_DAYS) and the officer can revoke it at any time.
Issuing a new token revokes the previous ones, so an officer has one live token to look after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from lms.people import roles


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `key` is the secret, shown to its owner once and never stored in clear."""

    key: str
    token_key: str
    expiry: dt.datetime | None


def issue_api_token(*, user) -> IssuedToken:
    if not roles.can_see_agency_reports(user):
        raise PermissionError("only agency officers and training staff get an agency API token")
    with transaction.atomic():
        AuthToken.objects.filter(user=user).delete()
        token, key = AuthToken.objects.create(user=user)
    return IssuedToken(key=key, token_key=token.token_key, expiry=token.expiry)


def revoke_api_tokens(*, user) -> int:
    """Revoke every token of the user; the number revoked."""
    deleted, _detail = AuthToken.objects.filter(user=user).delete()
    return deleted


def live_api_tokens(*, user) -> list[AuthToken]:
    """The user's tokens that have not expired, newest first (key prefix, created, expiry)."""
    now = timezone.now()
    return list(AuthToken.objects.filter(user=user).exclude(expiry__lt=now).order_by("-created"))
