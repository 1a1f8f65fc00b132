"""Sending a stored notice by e-mail, at most once per row, and staff's resend.

A task first moves the row from queued (or failed) to sending with one conditional UPDATE; only
the task that moved it sends. So a task that is retried, delivered twice by the broker or run
again by hand finds the row sending or sent and does nothing (docs/notices.md).
"""

from __future__ import annotations

import smtplib
from email.mime.text import MIMEText

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.people.roles import is_training_staff
from notices.models import Notice

# Transient delivery errors: recorded on the row, retried by the task, visible to staff.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


def _message(notice: Notice, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notice.subject,
        body=notice.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.email],
        connection=connection,
        headers={"X-LMS-Notice": f"{notice.kind}:{notice.pk}"},
    )
    message.attach_alternative(notice.body_html, "text/html")
    if notice.ics:
        # RFC 6047 §2.4: the iTIP method goes on the text/calendar part as well as in the object.
        part = MIMEText(notice.ics, "calendar", "utf-8")
        part.set_param("method", notice.ics_method or "REQUEST")
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
        message.attach(part)
    return message


def send_notice(*, notice_id: int, connection=None) -> bool:
    """Send one notice if nobody has; True when this call sent it."""
    claimed = Notice.objects.filter(pk=notice_id, status__in=[Notice.Status.QUEUED, Notice.Status.FAILED]).update(
        status=Notice.Status.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    notice = Notice.objects.get(pk=notice_id)
    try:
        _message(notice, connection).send(fail_silently=False)
    except DELIVERY_ERRORS as error:
        Notice.objects.filter(pk=notice_id).update(
            status=Notice.Status.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        return False
    Notice.objects.filter(pk=notice_id).update(status=Notice.Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def send_notices(*, notice_ids: list[int]) -> list[int]:
    """Send a batch over one SMTP connection; returns the ids that failed (to be retried)."""
    failed = []
    connection = get_connection()
    try:
        for notice_id in notice_ids:
            if not send_notice(notice_id=notice_id, connection=connection):
                if Notice.objects.filter(pk=notice_id, status=Notice.Status.FAILED).exists():
                    failed.append(notice_id)
    finally:
        try:
            connection.close()
        except DELIVERY_ERRORS:
            pass
    return failed


def resend_notice(*, notice: Notice, by_user) -> Notice:
    """Staff queue a failed notice again (or one stuck in sending); the task sends it once."""
    from notices.tasks import send_notices_task

    if not is_training_staff(by_user):
        raise PermissionDenied
    if not notice.email:
        raise ValidationError({"email": _("收件人沒有電子郵件地址，僅能於站內查看。")})
    if notice.status not in (Notice.Status.FAILED, Notice.Status.SENDING):
        raise ValidationError({"status": _("只有寄送失敗的通知可以重寄。")})
    with transaction.atomic():
        Notice.objects.filter(pk=notice.pk).update(status=Notice.Status.QUEUED)
        transaction.on_commit(lambda: send_notices_task.delay([notice.pk]))
    notice.refresh_from_db()
    return notice
