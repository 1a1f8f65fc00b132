from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatementDelivery(models.Model):
    """One consumer's pending or finished work on one statement id: "statement X changed".

    Keyed by (consumer, statement id), so enqueuing an id twice is one row, and a consumer reads
    the statement's current state from the LRS when it runs (live: apply; voided: correct), which
    makes delivery order-independent and idempotent. A row that keeps failing is marked failed
    after MAX_ATTEMPTS with the last error, for staff to see and replay; rows are kept when done
    (an audit of what each consumer processed). No PII: ids and error text only.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待處理")
        DONE = "done", _("完成")
        FAILED = "failed", _("失敗")

    consumer = models.CharField(_("接收端"), max_length=40)
    statement_id = models.UUIDField(_("xAPI 陳述 ID"))
    status = models.CharField(_("狀態"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("嘗試次數"), default=0)
    next_attempt_at = models.DateTimeField(_("下次嘗試時間"), default=timezone.now)
    last_error = models.TextField(_("最後錯誤"), blank=True)
    created_at = models.DateTimeField(_("建立時間"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新時間"), default=timezone.now)

    class Meta:
        verbose_name = _("學習紀錄傳遞")
        verbose_name_plural = _("學習紀錄傳遞")
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consumer", "statement_id"], name="delivery_one_row_per_consumer_statement")
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="delivery_pending_due_idx"),
            models.Index(fields=["status", "updated_at"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} {self.statement_id} ({self.get_status_display()})"
