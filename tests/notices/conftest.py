"""A real SMTP server on loopback (aiosmtpd) that the LMS delivers notices to, and helpers to read mail back."""

from __future__ import annotations

import email
import socket
from email import policy

import icalendar
import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """Collects every message the SMTP server accepted, parsed with the standard library."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 — aiosmtpd's hook name
        if self.refuse:
            return "451 4.3.0 Mailbox temporarily unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        # A long non-ASCII subject is folded before its first encoded word ("Subject: \r\n =?utf-8?…"),
        # which Python's parser keeps as a leading space; mail clients show it without.
        if message["Subject"] is not None:
            message.replace_header("Subject", str(message["Subject"]).strip())
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Start aiosmtpd on a free loopback port and point Django's SMTP backend at it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, server_hostname="smtp.test.invalid")
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    mailbox.port = port
    try:
        yield mailbox
    finally:
        controller.stop()


def text_body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_body(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def calendar_of(message) -> icalendar.Calendar:
    """The text/calendar attachment, parsed with the icalendar library."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.walk()]
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))


def events_of(message) -> list:
    return list(calendar_of(message).walk("VEVENT"))
