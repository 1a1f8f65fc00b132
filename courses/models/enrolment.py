"""Enrolment: a person's place in an offering."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.catalog import Offering


class Enrollment(models.Model):
    """A person's place in an offering. Cancelled enrolments stay as rows (nothing is deleted).

    At most one active (non-cancelled, non-rejected) enrolment per person and offering, enforced
    by a partial unique constraint. `registration` is the xAPI context registration that ties
    this enrolment's statements together. PII: links a person to a class.
    """

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending", _("待審核")
        ENROLLED = "enrolled", _("已錄取")
        WAITLISTED = "waitlisted", _("候補")
        CANCELLED = "cancelled", _("已取消")
        REJECTED = "rejected", _("未錄取")
        COMPLETED = "completed", _("已結訓")
        NOT_COMPLETED = "not_completed", _("未結訓")

    SEAT_HOLDING_STATUSES = (Status.ENROLLED, Status.PENDING_APPROVAL, Status.COMPLETED, Status.NOT_COMPLETED)
    ACTIVE_STATUSES = (*SEAT_HOLDING_STATUSES, Status.WAITLISTED)

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("學員")
    )
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("班期"))
    status = models.CharField(_("狀態"), max_length=20, choices=Status.choices)
    registration = models.UUIDField(_("xAPI registration"), default=uuid.uuid4, unique=True, editable=False)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("薦送人"),
    )
    created_at = models.DateTimeField(_("報名時間"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("報名")
        verbose_name_plural = _("報名")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "offering"],
                condition=Q(status__in=["pending", "enrolled", "waitlisted", "completed", "not_completed"]),
                name="enrollment_one_active_per_person_offering",
            ),
        ]
        indexes = [models.Index(fields=["offering", "status"], name="enrollment_offering_status_idx")]

    def __str__(self) -> str:
        return f"{self.person} → {self.offering.code}"
