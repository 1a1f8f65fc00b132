"""Single sign-on with the city's OpenID Connect provider (mozilla-django-oidc), matched to HR people.

Configured from the environment (lms/README.md): the issuer, the client id and secret, and the
claim carrying the employee number. The provider's endpoints come from its discovery document
(`<issuer>/.well-known/openid-configuration`), read on first use, unless set explicitly.

Who may sign in (docs/accounts.md): only a person in the HR data (`Person`, kept current by the
HR sync) who is in service. Their account is created on first sign-in; anyone else gets the
refusal page and no account. A leaver is refused even if they had an account.
"""

from __future__ import annotations

import functools
import logging

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from lms.people.models import Person
from lms.people.roles import Role

logger = logging.getLogger(__name__)

DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
REFUSAL_SESSION_KEY = "sso_refusal"


class Refusal:
    """Why a sign-in was refused; the refusal page words each one."""

    NOT_IN_HR = "not_in_hr"
    LEFT = "left"
    NO_EMPLOYEE_NUMBER = "no_employee_number"


def sso_enabled() -> bool:
    return bool(getattr(settings, "OIDC_OP_ISSUER", "") and getattr(settings, "OIDC_RP_CLIENT_ID", ""))


@functools.lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict:
    response = requests.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=10)
    response.raise_for_status()
    return response.json()


def sso_setting(attr: str, *args):
    """mozilla-django-oidc's setting lookup, with the provider's endpoints discovered from the issuer."""
    if attr in DISCOVERED and not getattr(settings, attr, None) and sso_enabled():
        return _discovery(settings.OIDC_OP_ISSUER)[DISCOVERED[attr]]
    return import_from_settings(attr, *args)


class SsoAuthenticationRequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(sso_setting)

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class EmployeeNumberOIDCBackend(OIDCAuthenticationBackend):
    """Signs in the account of the HR person whose employee number the provider asserts."""

    get_settings = staticmethod(sso_setting)

    def __init__(self, *args, **kwargs):
        self.request = None
        # Without SSO configured the backend is inert (authenticate() is called for local logins too).
        self.enabled = sso_enabled()
        if self.enabled:
            super().__init__(*args, **kwargs)
        else:
            self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not self.enabled:
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_or_create_user(self, access_token, id_token, payload):
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        employee_number = str(claims.get(settings.OIDC_EMPLOYEE_NUMBER_CLAIM) or "").strip()
        if not employee_number:
            return self._refuse(Refusal.NO_EMPLOYEE_NUMBER, claims.get("sub"))
        person = Person.objects.select_related("user").filter(employee_number=employee_number).first()
        if person is None:
            return self._refuse(Refusal.NOT_IN_HR, employee_number)
        if not person.is_active or (person.user is not None and not person.user.is_active):
            return self._refuse(Refusal.LEFT, employee_number)
        if person.user is not None:
            return person.user
        return create_sso_account(person=person)

    def _refuse(self, reason: str, who) -> None:
        logger.info("SSO sign-in refused (%s) for %s", reason, who)
        if self.request is not None:
            self.request.session[REFUSAL_SESSION_KEY] = reason
        return None


@transaction.atomic
def create_sso_account(*, person: Person):
    """The account of an HR person on their first SSO sign-in: no local password, the trainee role."""
    User = get_user_model()
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        return person.user
    username = person.employee_number
    if User.objects.filter(username=username).exists():
        username = f"sso-{person.employee_number}"
    user = User(username=username, email=person.email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.TRAINEE.value)[0])
    person.user = user
    person.save(update_fields=["user"])
    return user
