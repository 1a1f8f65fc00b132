"""Agency API tokens: hashed at rest, expiring, revocable by their officer on their own page; schema not public."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from lms.people.roles import Role
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, city):
    officer = AgencyOfficerFactory(agency=city.a1)
    client.force_login(officer.user)
    return officer


def _issue(client) -> str:
    response = client.post("/reports/api-token/", {"action": "issue"})
    assert response.status_code == 200
    return re.search(r'<code id="new-key">([^<]+)</code>', response.content.decode()).group(1)


def _api(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_an_officer_issues_a_token_on_their_page_and_it_is_stored_only_as_a_digest(client, officer):
    key = _issue(client)
    assert _api(key).get("/api/agency/noncompliant/", {"year": 2019}).status_code == 200
    token = AuthToken.objects.get(user=officer.user)
    assert token.digest != key and key not in token.digest and len(token.digest) == 128
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        assert all(key not in " ".join(row) for row in cursor.fetchall())
    page = client.get("/reports/api-token/").content.decode()
    assert token.token_key in page and key not in page  # shown once, at issue only
    assert f"民國{token.expiry.year - 1911}年" in page


def test_a_token_expires(client, officer, settings):
    key = _issue(client)
    AuthToken.objects.filter(user=officer.user).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert _api(key).get("/api/agency/compliance/").status_code == 401


def test_tokens_expire_after_the_configured_days_by_default(client, officer):
    _issue(client)
    token = AuthToken.objects.get(user=officer.user)
    assert dt.timedelta(days=89) < token.expiry - timezone.now() <= dt.timedelta(days=90)


def test_revoking_stops_the_token_at_once(client, officer):
    key = _issue(client)
    response = client.post("/reports/api-token/", {"action": "revoke"})
    assert response.status_code == 302
    assert _api(key).get("/api/agency/compliance/").status_code == 401
    assert not AuthToken.objects.filter(user=officer.user).exists()
    assert "您目前沒有有效的金鑰" in client.get("/reports/api-token/").content.decode()


def test_issuing_again_replaces_the_old_token(client, officer):
    old = _issue(client)
    new = _issue(client)
    assert _api(old).get("/api/agency/compliance/").status_code == 401
    assert _api(new).get("/api/agency/compliance/").status_code == 200


def test_an_unknown_action_is_a_400_and_trainees_get_no_token_page(client, officer):
    assert client.post("/reports/api-token/", {"action": "steal"}).status_code == 400
    client.force_login(UserFactory(roles=[Role.TRAINEE]))
    assert client.get("/reports/api-token/").status_code == 403
    assert client.post("/reports/api-token/", {"action": "issue"}).status_code == 403
    assert not AuthToken.objects.exclude(user=officer.user).exists()


def test_the_command_prints_a_new_token_once(officer, capsys):
    call_command("issue_agency_token", officer.user.username)
    key = capsys.readouterr().out.strip()
    assert _api(key).get("/api/agency/compliance/").status_code == 200


def test_the_openapi_schema_is_for_authenticated_users_only(client, officer):
    anonymous = APIClient().get("/api/agency/schema/")
    assert anonymous.status_code == 401 and "paths" not in anonymous.content.decode()
    response = client.get("/api/agency/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200 and "/api/agency/compliance/" in response.content.decode()
