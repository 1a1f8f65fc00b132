"""Single sign-on through a real OpenID Connect provider (npm oidc-provider on loopback) in a real browser.

Nothing of mozilla-django-oidc is mocked: the browser goes to the provider, signs in on its
login form, consents, and comes back to the LMS's callback, which exchanges the code, checks
the ID token against the provider's keys and reads the employee number from the userinfo.
"""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from lms.people import sso
from lms.people.roles import Role
from tests.lms.people.factories import PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = ROOT / "tests" / "browser" / "support" / "oidc_provider.mjs"
ACCOUNTS = {
    "alice": {"employee_number": "E100", "name": "王小美", "email": "alice@example.kcg.gov.tw"},
    "mallory": {"employee_number": "X999", "name": "陌生人"},
    "bob": {"employee_number": "E200", "name": "離職者"},
    "nobody": {"name": "沒有員工編號"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def oidc_provider(live_server, settings):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("node and node_modules/oidc-provider are needed (scripts/lib.sh ensure_node_modules)")
    port = _free_port()
    env = os.environ | {
        "OP_PORT": str(port),
        "OP_CLIENT_ID": "lms",
        "OP_CLIENT_SECRET": "test-only-client-secret",
        "OP_REDIRECT_URI": f"{live_server.url}/oidc/callback/",
        "OP_ACCOUNTS": json.dumps(ACCOUNTS),
        "NODE_PATH": str(ROOT / "node_modules"),
    }
    command = [node, str(PROVIDER)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2):  # noqa: S310
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the OpenID provider did not start: {process.stdout.read().decode()[-2000:]}")
            time.sleep(0.2)
    settings.OIDC_OP_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = "lms"
    settings.OIDC_RP_CLIENT_SECRET = "test-only-client-secret"
    settings.OIDC_EMPLOYEE_NUMBER_CLAIM = "employee_number"
    sso._discovery.cache_clear()
    yield issuer
    process.terminate()
    process.wait(timeout=10)


def sign_in_with_sso(page, login: str):
    page.goto("/accounts/login/?next=/learning/")
    page.get_by_role("link", name="使用市府單一登入（SSO）").click()
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any-password")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()  # the provider's consent page: Continue
    page.wait_for_load_state("networkidle")


def test_an_active_hr_person_signs_in_through_sso_and_gets_an_account_on_first_sign_in(page, oidc_provider):
    person = PersonFactory(employee_number="E100", email="e100@example.kcg.gov.tw")
    sign_in_with_sso(page, "alice")
    assert page.url.endswith("/learning/")
    assert page.get_by_role("button", name="登出").is_visible()
    person.refresh_from_db()
    user = person.user
    assert user is not None and user.username == "E100" and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [Role.TRAINEE.value]
    # Signed out of the LMS but still signed in at the provider: the next sign-in reuses the account.
    page.get_by_role("button", name="登出").click()
    page.goto("/accounts/login/?next=/learning/")
    page.get_by_role("link", name="使用市府單一登入（SSO）").click()
    page.wait_for_url("**/learning/")
    assert page.get_by_role("button", name="登出").is_visible()
    assert get_user_model().objects.filter(person__employee_number="E100").count() == 1


def test_someone_not_in_the_hr_data_is_refused_with_a_clear_page_and_no_account(page, oidc_provider):
    PersonFactory(employee_number="E100")
    users_before = get_user_model().objects.count()
    sign_in_with_sso(page, "mallory")
    assert "/accounts/sso/refused/" in page.url
    assert page.get_by_role("heading", name="無法以單一登入進入本平臺").is_visible()
    assert "不在本平臺的人事資料中" in page.content()
    assert get_user_model().objects.count() == users_before
    assert page.get_by_role("link", name="登入").is_visible()  # still signed out


def test_a_leaver_is_refused_even_with_an_account(page, oidc_provider):
    PersonFactory(employee_number="E200", is_active=False, user=UserFactory(username="E200", is_active=False))
    sign_in_with_sso(page, "bob")
    assert "/accounts/sso/refused/" in page.url and "已離職" in page.content()


def test_a_provider_that_sends_no_employee_number_is_refused(page, oidc_provider):
    sign_in_with_sso(page, "nobody")
    assert "沒有提供您的員工編號" in page.content()
