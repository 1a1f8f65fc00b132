"""Notices (通知): what the LMS told whom, the editable texts, and each person's choices.

One Notice row per notice and recipient (unique kind + key + recipient): queuing the same
notice twice, or a retried task, never makes a second row or a second e-mail. The row keeps the
rendered subject, bodies and calendar attachment, so staff see exactly what was sent, and the
in-app list (我的通知) shows it to people without an e-mail address. See docs/notices.md.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import PreviewableMixin


class NoticeKind(models.TextChoices):
    ENROLLMENT_RECEIVED = "enrollment_received", _("報名已受理")
    ENROLLMENT_CONFIRMED = "enrollment_confirmed", _("報名成功")
    WAITLISTED = "waitlisted", _("列入候補")
    PROMOTED = "promoted", _("候補遞補錄取")
    APPROVED = "approved", _("審核錄取")
    REJECTED = "rejected", _("審核未錄取")
    CANCELLED = "cancelled", _("報名已取消")
    NOMINATED = "nominated", _("機關薦送")
    NOMINATION_COPY = "nomination_copy", _("薦送副本（人事人員）")
    OFFERING_CHANGED = "offering_changed", _("班期異動")
    OFFERING_CANCELLED = "offering_cancelled", _("班期停開")
    SESSION_REMINDER = "session_reminder", _("上課提醒")
    COMPLETION_RECORDED = "completion_recorded", _("完訓紀錄登錄")
    CERTIFICATE_ISSUED = "certificate_issued", _("證書核發")
    ASSESSMENT_RESULT = "assessment_result", _("評量成績")
    CERTIFICATE_EXPIRING = "certificate_expiring", _("證書即將到期")
    CERTIFICATE_EXPIRED = "certificate_expired", _("證書已到期")


# Reminders a person may turn off; decisions and changes always go out (docs/notices.md).
REMINDER_KINDS = frozenset(
    {NoticeKind.SESSION_REMINDER, NoticeKind.CERTIFICATE_EXPIRING, NoticeKind.CERTIFICATE_EXPIRED}
)


class NoticeLanguage(models.TextChoices):
    ZH_HANT = "zh-hant", "繁體中文"
    EN = "en", "English"


class NoticeTemplate(PreviewableMixin, models.Model):
    """The text of one kind of notice in one language, edited by staff (Django template syntax).

    The HTML body is the plain-text body laid out in the e-mail layout (line breaks, links), so
    staff edit one text and both parts stay the same. Missing rows fall back to the texts in
    notices/defaults.py. No PII.
    """

    kind = models.CharField(_("通知類型"), max_length=40, choices=NoticeKind.choices)
    language = models.CharField(
        _("語言"), max_length=10, choices=NoticeLanguage.choices, default=NoticeLanguage.ZH_HANT
    )
    subject = models.CharField(_("主旨"), max_length=200)
    body = models.TextField(_("內文"), help_text=_("可使用 {{ person_name }}、{{ course_title }} 等變數，見預覽。"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知範本")
        verbose_name_plural = _("通知範本")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="notice_template_one_per_kind_language")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_language_display()}）"

    def clean(self) -> None:
        from notices.rendering import template_errors

        errors = template_errors(subject=self.subject, body=self.body)
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)

    def get_preview_template(self, request, mode_name):
        return "notices/template_preview.html"

    def get_preview_context(self, request, mode_name):
        from notices.rendering import render_sample

        context = super().get_preview_context(request, mode_name)
        context["rendered"] = render_sample(
            kind=self.kind, language=self.language, subject=self.subject, body=self.body
        )
        return context


class Notice(models.Model):
    """One notice to one person: rendered once, e-mailed at most once, listed in 我的通知.

    `key` names what the notice is about (e.g. "enrollment:12:approved", "session:7:enrollment:12");
    together with kind and recipient it is unique, which makes queuing idempotent. `status` moves
    queued → sending → sent (or failed, and back to queued on a resend); a task only sends a row
    it moved from queued/failed to sending itself. PII: name and e-mail address of the recipient,
    class and certificate details in the text.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("待寄送")
        SENDING = "sending", _("寄送中")
        SENT = "sent", _("已寄出")
        FAILED = "failed", _("寄送失敗")
        IN_APP_ONLY = "in_app", _("僅站內通知（無電子郵件）")

    kind = models.CharField(_("通知類型"), max_length=40, choices=NoticeKind.choices)
    key = models.CharField(_("事由"), max_length=200)
    recipient = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="notices", verbose_name=_("收件人")
    )
    email = models.EmailField(_("電子郵件"), blank=True)
    language = models.CharField(_("語言"), max_length=10, choices=NoticeLanguage.choices)
    subject = models.CharField(_("主旨"), max_length=300)
    body_text = models.TextField(_("內文（純文字）"))
    body_html = models.TextField(_("內文（HTML）"))
    link = models.CharField(_("連結"), max_length=500, blank=True)
    ics = models.TextField(_("行事曆附件"), blank=True)
    ics_method = models.CharField(_("行事曆方法"), max_length=10, blank=True)
    status = models.CharField(_("狀態"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("寄送次數"), default=0)
    last_error = models.TextField(_("錯誤訊息"), blank=True)
    created_at = models.DateTimeField(_("建立時間"), default=timezone.now)
    sent_at = models.DateTimeField(_("寄出時間"), null=True, blank=True)
    read_at = models.DateTimeField(_("已讀時間"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知紀錄")
        verbose_name_plural = _("通知紀錄")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "recipient"], name="notice_one_per_kind_key_recipient"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread_idx"),
            models.Index(fields=["status", "created_at"], name="notice_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"


class NoticePreference(models.Model):
    """A person's choices: reminders on or off, e-mail language, and the secret of their calendar feed.

    `calendar_token` is the unguessable part of the feed URL; resetting it makes the old URL
    stop working. PII: links a person to a secret URL.
    """

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="notice_preference")
    reminders_enabled = models.BooleanField(_("接收上課及證書到期提醒"), default=True)
    language = models.CharField(
        _("通知語言"), max_length=10, choices=NoticeLanguage.choices, default=NoticeLanguage.ZH_HANT
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)

    class Meta:
        verbose_name = _("通知設定")
        verbose_name_plural = _("通知設定")

    def __str__(self) -> str:
        return str(self.person_id)


class OfferingCalendar(models.Model):
    """The calendar state of an offering: SEQUENCE and the schedule last announced.

    RFC 5545 §3.8.7.4: a change of an event raises its SEQUENCE so calendars replace the old
    one. `schedule` is what was last announced (venue, link, session days), compared after each
    save of the offering to tell whether a change notice is due. No PII.
    """

    offering = models.OneToOneField("courses.Offering", on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField(default=0)
    schedule = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("班期行事曆")
        verbose_name_plural = _("班期行事曆")

    def __str__(self) -> str:
        return f"{self.offering_id} SEQUENCE {self.sequence}"


class ScheduledRun(models.Model):
    """One row per scheduled run and day (daily reminders, monthly run): a run happens once a day at most. No PII."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("每日提醒")
        MONTHLY = "monthly", _("每月寄送")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    run_on = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    queued = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("排程執行紀錄")
        verbose_name_plural = _("排程執行紀錄")
        constraints = [models.UniqueConstraint(fields=["kind", "run_on"], name="scheduled_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.run_on}"


@register_setting(icon="mail")
class NoticeSettings(BaseGenericSetting):
    """When the scheduled notices go out; staff change these in the admin without a deploy. No PII."""

    reminder_time = models.TimeField(_("每日提醒寄送時間"), default="09:00")
    reminder_lead_working_days = models.PositiveSmallIntegerField(
        _("上課提醒提前工作日數"), default=1, help_text=_("1 表示上課日的前一個工作日。")
    )
    expiry_lead_days = models.CharField(
        _("證書到期提醒天數"), max_length=50, default="90,30", help_text=_("以逗號分隔，例如 90,30。")
    )
    monthly_run_day = models.PositiveSmallIntegerField(
        _("每月寄送日"), default=1, help_text=_("每月幾日寄送年度學習時數通知（1–28）。")
    )

    class Meta:
        verbose_name = _("通知排程")
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_run_day__gte=1, monthly_run_day__lte=28), name="notice_settings_monthly_day_1_28"
            )
        ]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if not self.monthly_run_day or not 1 <= self.monthly_run_day <= 28:
            errors["monthly_run_day"] = _("每月寄送日須介於 1 與 28 之間。")
        try:
            self.expiry_leads()
        except ValueError:
            errors["expiry_lead_days"] = _("請輸入以逗號分隔的正整數天數，例如 90,30。")
        if errors:
            raise ValidationError(errors)

    def expiry_leads(self) -> list[int]:
        leads = sorted({int(part) for part in self.expiry_lead_days.split(",") if part.strip()}, reverse=True)
        if not leads or any(lead <= 0 for lead in leads):
            raise ValueError(self.expiry_lead_days)
        return leads
