"""Production settings from the environment, no-store on personal data, and parameters checked at the edge."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lms.people.roles import Role
from tests.lms.people.factories import AgencyOfficerFactory, TraineeFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 20 + "a-long-random-production-key-0123456789",
    "ALLOWED_HOSTS": "lms.example.kcg.gov.tw",
    "CSRF_TRUSTED_ORIGINS": "https://lms.example.kcg.gov.tw",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_COOKIES": "true",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    # The national upload's key: production refuses to start exports without a valid one.
    "NATIONAL_ID_KEYS": "sT3GmP3kV5eYw8oD2k9XqvYl3hN0mZrQW1c7bJdAaFE=",
}


def _check_deploy(extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DEBUG"}
    env.update(extra, DJANGO_SETTINGS_MODULE="lms.settings.base")
    return subprocess.run(  # noqa: S603 — our own manage.py with a fixed argument list
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings_from_the_environment():
    result = _check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


def test_check_deploy_fails_without_them_naming_each_missing_setting():
    result = _check_deploy({"SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"]})
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_https_redirect_and_hsts_follow_the_settings_behind_the_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"].startswith("max-age=31536000")


def test_personal_data_responses_are_no_store(client):
    trainee = TraineeFactory()
    client.force_login(trainee.user)
    for url in ("/learning/", "/learning/record.csv", "/reports/learner/", "/reports/learner/?format=csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_api_responses_are_no_store_even_when_refused(client):
    assert "no-store" in client.get("/api/agency/compliance/")["Cache-Control"]


def test_public_pages_stay_cacheable(client):
    response = client.get("/")  # Wagtail's root page, public
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_nul_in_a_parameter_is_a_400_naming_it(client):
    officer = AgencyOfficerFactory()
    client.force_login(officer.user)
    response = client.get("/reports/compliance/", {"agency": "A\x00B"})
    assert response.status_code == 400
    assert "agency" in response.content.decode()


@pytest.mark.parametrize("year", ["-1", "9" * 400, "2O25", "１１４", "3000"])
def test_a_bad_year_is_a_400_naming_it_on_pages_downloads_and_the_api(client, year):
    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    client.force_login(staff)
    for url in ("/reports/compliance/", "/reports/center/?format=csv"):
        response = client.get(url, {"year": year})
        assert response.status_code == 400, url
        assert "year" in response.content.decode()
    api = client.get("/api/agency/compliance/", {"year": year})
    assert api.status_code == 400 and "year" in api.json()


@pytest.mark.parametrize("year", ["-1", "9" * 400, "x"])
def test_a_bad_year_on_the_learning_record_is_a_400(client, year):
    client.force_login(TraineeFactory().user)
    for fmt in ("csv", "pdf"):
        response = client.get(f"/learning/record.{fmt}", {"year": year})
        assert response.status_code == 400
        assert "year" in response.content.decode()
