"""Content packages (SCORM today, cmi5 next) attached to courses, and the trainees' attempts at them.

Design (docs/elearning.md): a package is immutable once imported — its files are unpacked under
ELEARNING_PACKAGE_ROOT/<storage_key>/ and served from the content origin only. A new upload for
the same course is a new row that becomes the course's current package; the old row and the
attempts on it stay (nothing is deleted). An attempt is the registration: its id is the xAPI
context.registration of every statement the player records about it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from lms.people.models import Person


class Standard(models.TextChoices):
    SCORM_12 = "scorm12", "SCORM 1.2"
    SCORM_2004 = "scorm2004", "SCORM 2004"
    # cmi5 packages will use the same table, storage and content origin (docs/elearning.md).


class ContentPackage(models.Model):
    """One uploaded package of one course's e-learning content. No PII."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="content_packages", verbose_name=_("課程")
    )
    title = models.CharField(_("教材名稱"), max_length=300)
    standard = models.CharField(_("標準"), max_length=20, choices=Standard.choices, editable=False)
    schema_version = models.CharField(_("schemaversion"), max_length=50, blank=True, editable=False)
    manifest_identifier = models.CharField(_("套件識別碼"), max_length=300, blank=True, editable=False)
    sco_identifier = models.CharField(_("SCO 識別碼"), max_length=300, blank=True, editable=False)
    launch_path = models.CharField(_("啟動檔"), max_length=1000, editable=False)
    # Normalised to 0–1: SCORM 1.2 adlcp:masteryscore / 100, SCORM 2004 imsss:minNormalizedMeasure.
    mastery_score = models.DecimalField(
        _("及格分數（0–1）"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    storage_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_count = models.PositiveIntegerField(_("檔案數"), default=0, editable=False)
    total_bytes = models.PositiveBigIntegerField(_("解壓縮後大小（位元組）"), default=0, editable=False)
    is_current = models.BooleanField(_("目前版本"), default=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("上傳者"),
    )
    uploaded_at = models.DateTimeField(_("上傳時間"), auto_now_add=True)

    class Meta:
        verbose_name = _("數位教材套件")
        verbose_name_plural = _("數位教材套件")
        ordering = ["course__code", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course"], condition=models.Q(is_current=True), name="elearning_one_current_package_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.code} {self.title} ({self.get_standard_display()})"


class Attempt(models.Model):
    """A trainee's attempt at a package: the SCORM run-time data last committed, resumed on the next launch.

    The id is the xAPI registration. `session_key` names the one open launch (a player page); a
    commit from any other launch is refused, so two tabs cannot overwrite each other's data.
    `outcome_verb` is the verb of the one crediting statement recorded (completed or passed):
    an attempt credits at most once (docs/elearning.md). PII: the person and their answers
    inside `runtime` (suspend data, interactions).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    package = models.ForeignKey(ContentPackage, on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="elearning_attempts")
    runtime = models.JSONField(_("執行期間資料"), default=dict, blank=True)
    completion_status = models.CharField(_("完成狀態"), max_length=20, blank=True)
    success_status = models.CharField(_("通過狀態"), max_length=20, blank=True)
    score_scaled = models.DecimalField(_("成績（-1–1）"), max_digits=6, decimal_places=4, null=True, blank=True)
    session_key = models.UUIDField(null=True, blank=True)
    session_started_at = models.DateTimeField(null=True, blank=True)
    launch_count = models.PositiveIntegerField(default=0)
    outcome_verb = models.CharField(max_length=200, blank=True)
    failed_recorded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("學習紀錄（數位教材）")
        verbose_name_plural = _("學習紀錄（數位教材）")
        constraints = [
            models.UniqueConstraint(fields=["package", "person"], name="elearning_one_attempt_per_person_and_package"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.package_id}"

    @property
    def is_finished(self) -> bool:
        return bool(self.outcome_verb)
