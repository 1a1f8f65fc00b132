"""Local accounts: password reset by e-mail through a real SMTP server, password change, throttling."""

import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model

from lms.people.roles import Role
from tests.lms.people.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's handler name)
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django sends through its SMTP backend to it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def _body(raw: bytes) -> str:
    import email

    message = email.message_from_bytes(raw)
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def test_a_forgotten_password_is_reset_through_the_link_sent_by_email(client, smtp_server):
    user = UserFactory(username="clerk", email="clerk@example.kcg.gov.tw")
    response = client.post("/accounts/password_reset/", {"email": "clerk@example.kcg.gov.tw"}, follow=True)
    assert "已寄出重設連結" in response.content.decode()
    [(recipients, raw)] = smtp_server.messages
    assert recipients == ["clerk@example.kcg.gov.tw"]
    body = _body(raw)
    assert "clerk 您好" in body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", body).group(1)
    form_page = client.get(link, follow=True)
    assert "設定新密碼" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-Brand-new-pass-2026", "new_password2": "a-Brand-new-pass-2026"},
        follow=True,
    )
    assert "密碼已重設" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-Brand-new-pass-2026")
    # The link works once.
    assert "此重設連結無效" in client.get(link, follow=True).content.decode()


def test_no_mail_goes_to_an_unknown_address_or_to_an_sso_only_account(client, smtp_server):
    sso_user = UserFactory(username="E123", email="sso@example.kcg.gov.tw")
    sso_user.set_unusable_password()
    sso_user.save()
    for address in ("nobody@example.kcg.gov.tw", "sso@example.kcg.gov.tw"):
        response = client.post("/accounts/password_reset/", {"email": address}, follow=True)
        assert "已寄出重設連結" in response.content.decode()  # the same answer: addresses are not disclosed
    assert smtp_server.messages == []


def test_a_signed_in_person_changes_their_password_and_a_wrong_old_one_is_refused(client):
    user = UserFactory(username="trainee1", roles=[Role.TRAINEE])
    client.force_login(user)
    wrong = client.post(
        "/accounts/password_change/",
        {"old_password": "nope", "new_password1": "Another-pass-2026", "new_password2": "Another-pass-2026"},
    )
    assert wrong.status_code == 200 and "errorlist" in wrong.content.decode()
    done = client.post(
        "/accounts/password_change/",
        {"old_password": "pass-word-123", "new_password1": "Another-pass-2026", "new_password2": "Another-pass-2026"},
        follow=True,
    )
    assert "密碼已變更" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("Another-pass-2026")


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_repeated_failures_lock_the_login_with_a_clear_message_on_both_login_pages(client, settings, login_url):
    UserFactory(username="target", roles=[Role.TRAINING_STAFF])
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login_url, {"username": "target", "password": "wrong"})
        assert response.status_code == 200
    locked = client.post(login_url, {"username": "target", "password": "wrong"})
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "登入暫時鎖定" in text and "15 分鐘後再試" in text
    # Even the right password is refused while locked, and nobody is signed in.
    again = client.post(login_url, {"username": "target", "password": "pass-word-123"})
    assert again.status_code == 429 and "_auth_user_id" not in client.session


def test_a_successful_login_before_the_limit_resets_the_count(client, settings):
    UserFactory(username="forgetful")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": "forgetful", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "forgetful", "password": "pass-word-123"}).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accounts/login/", {"username": "forgetful", "password": "wrong"}).status_code == 200


def test_a_deactivated_leaver_cannot_log_in_with_a_local_password(client):
    person = PersonFactory(user=UserFactory(username="gone"), is_active=False)
    get_user_model().objects.filter(pk=person.user_id).update(is_active=False)
    response = client.post("/accounts/login/", {"username": "gone", "password": "pass-word-123"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_login_page_offers_single_sign_on_first_when_configured(client, settings):
    assert "單一登入" not in client.get("/accounts/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    settings.OIDC_OP_ISSUER, settings.OIDC_RP_CLIENT_ID = "http://127.0.0.1:9/", "lms"
    text = client.get("/accounts/login/?next=/learning/").content.decode()
    assert text.index("使用市府單一登入") < text.index("本機帳號登入") < text.index('name="password"')
    assert "/oidc/authenticate/?next=/learning/" in text


@pytest.mark.parametrize(
    ("reason", "words"),
    [("not_in_hr", "不在本平臺的人事資料中"), ("left", "已離職"), ("no_employee_number", "沒有提供您的員工編號")],
)
def test_the_refusal_page_says_why_in_chinese(client, reason, words):
    session = client.session
    session["sso_refusal"] = reason
    session.save()
    response = client.get("/accounts/sso/refused/")
    assert response.status_code == 403 and words in response.content.decode()
