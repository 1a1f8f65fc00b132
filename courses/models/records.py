"""Learning records: attendance, completions, outside activities, evaluations.

These rows are the LMS's working copy; the LRS holds the authoritative statements. Every row
that credits learning carries the id of the statement the LMS issued for it, so a correction
voids exactly that statement. Rows are never deleted: a correction marks the old row
superseded (or voided) and adds a new one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.catalog import Course, Modality, Offering, Session
from courses.models.enrolment import Enrollment


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LATE = "late", _("遲到")
    LEFT_EARLY = "left_early", _("早退")
    ABSENT = "absent", _("缺席")


class LeaveKind(models.TextChoices):
    """Why hours of a class day were missed; the national upload's 出勤上課狀況 names them (docs/national-upload.md)."""

    PERSONAL = "personal", _("事假")
    SICK = "sick", _("病假")
    OFFICIAL = "official", _("公假")
    BEREAVEMENT = "bereavement", _("喪假")
    ABSENCE = "absence", _("缺課")


class AttendanceSource(models.TextChoices):
    ROSTER = "roster", _("點名表")
    FILE = "file", _("匯入點名檔")
    REMOTE = "remote", _("視訊出席報表")


class Attendance(models.Model):
    """One person's attendance of one session day, in minutes actually attended.

    Append-only: a correction adds a new row and flips the old one's `is_current` off; the
    partial unique constraint keeps exactly one current row per enrolment and session.
    Minutes (not a yes/no) because credited hours are the hours attended (docs/domain.md,
    "scheduled hours − leave hours"). PII: links a person to a class day.
    """

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("報名")
    )
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("上課日"))
    status = models.CharField(_("出席狀態"), max_length=20, choices=AttendanceStatus.choices)
    minutes = models.PositiveIntegerField(_("出席分鐘數"))
    # Blank on rows recorded before leave kinds existed: their missed hours read as 缺課.
    leave_kind = models.CharField(_("假別"), max_length=20, choices=LeaveKind.choices, blank=True)
    source = models.CharField(_("來源"), max_length=20, choices=AttendanceSource.choices)
    is_current = models.BooleanField(_("有效"), default=True)
    statement_id = models.UUIDField(_("xAPI 陳述 ID"), null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登錄時間"), default=timezone.now)

    class Meta:
        verbose_name = _("出席紀錄")
        verbose_name_plural = _("出席紀錄")
        ordering = ["session__date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "session"], condition=Q(is_current=True), name="attendance_one_current"
            ),
            models.CheckConstraint(
                condition=~Q(status="absent") | Q(minutes=0), name="attendance_absent_means_zero_minutes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} {self.session}: {self.get_status_display()}"

    def clean(self) -> None:
        if self.session_id and self.minutes is not None and self.minutes > self.session.minutes:
            message = _("出席分鐘數不可超過上課時數（%(m)s 分鐘）。") % {"m": self.session.minutes}
            raise ValidationError({"minutes": message})
        if self.status == AttendanceStatus.ABSENT and self.minutes:
            raise ValidationError({"minutes": _("缺席者出席分鐘數應為 0。")})
        if self.leave_kind and self.session_id and self.minutes is not None and self.minutes >= self.session.minutes:
            raise ValidationError({"leave_kind": _("全程出席者不需填寫假別。")})
        if self.enrollment_id and self.session_id and self.enrollment.offering_id != self.session.offering_id:
            raise ValidationError({"session": _("上課日不屬於此班期。")})

    @property
    def missed_hours(self) -> Decimal:
        """Hours of the session not attended (the leave the national upload reports)."""
        return Decimal(max(self.session.minutes - self.minutes, 0)) / 60


class CompletionSource(models.TextChoices):
    ATTENDANCE = "attendance", _("實體出席")
    REMOTE = "remote", _("遠距出席")
    EXTERNAL = "external", _("外部學習平臺")
    ASSESSMENT = "assessment", _("測驗")


class Completion(models.Model):
    """A credited completion: the LMS's own record of hours earned, whatever the modality.

    Exactly one LMS statement (`statement_id`) per row. A correction voids that statement,
    sets `voided_at` and adds a new row; reports read only non-voided rows. External
    completions keep the outside platform's statement id (`source_statement_id`) so one
    outside statement is credited at most once. `course` is null only for an unmapped external
    course that staff accepted (then `external_title` names it). PII: links a person to hours.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="completions", verbose_name=_("學員")
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="completions", verbose_name=_("課程")
    )
    offering = models.ForeignKey(
        Offering, on_delete=models.PROTECT, null=True, blank=True, related_name="completions", verbose_name=_("班期")
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, null=True, blank=True, related_name="completions", verbose_name=_("報名")
    )
    modality = models.CharField(_("上課方式"), max_length=20, choices=Modality.choices)
    source = models.CharField(_("來源"), max_length=20, choices=CompletionSource.choices)
    credited_hours = models.DecimalField(_("認證時數"), max_digits=5, decimal_places=1)
    scheduled_hours = models.DecimalField(_("課程時數"), max_digits=5, decimal_places=1)
    completed_at = models.DateTimeField(_("完成時間"))
    external_title = models.CharField(_("外部課程名稱"), max_length=200, blank=True)
    statement_id = models.UUIDField(_("xAPI 陳述 ID"), unique=True)
    source_statement_id = models.UUIDField(_("來源陳述 ID"), null=True, blank=True)
    voided_at = models.DateTimeField(_("撤銷時間"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("完訓紀錄")
        verbose_name_plural = _("完訓紀錄")
        ordering = ["-completed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"], condition=Q(voided_at__isnull=True), name="completion_one_current_per_enrollment"
            ),
            models.UniqueConstraint(
                fields=["source_statement_id"],
                condition=Q(voided_at__isnull=True),
                name="completion_source_statement_credited_once",
            ),
            models.CheckConstraint(condition=Q(credited_hours__gte=0), name="completion_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(course__isnull=False) | ~Q(external_title=""), name="completion_course_or_external_title"
            ),
        ]
        indexes = [models.Index(fields=["person", "completed_at"], name="completion_person_time_idx")]

    def __str__(self) -> str:
        return f"{self.person} {self.title} {self.credited_hours}h"

    @property
    def title(self) -> str:
        return self.course.title if self.course_id else self.external_title


class ExternalActivity(models.Model):
    """An activity id that an outside platform (e等公務園, MOOCs) reported, and what staff decided it is.

    Statements about unknown activities are kept in the LRS as they are; this row is the review
    queue. Once staff map it to a course (or accept it as an external course with its own hours)
    every completion statement about it, past and future, is credited. No PII.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待對應")
        MAPPED = "mapped", _("已對應課程")
        ACCEPTED = "accepted", _("認可為外部課程")
        IGNORED = "ignored", _("不採計")

    activity_iri = models.CharField(_("活動 IRI"), max_length=500, unique=True)
    title = models.CharField(_("平臺上的名稱"), max_length=300, blank=True)
    platform = models.CharField(_("來源平臺"), max_length=200, blank=True)
    status = models.CharField(_("狀態"), max_length=20, choices=Status.choices, default=Status.PENDING)
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="external_activities",
        verbose_name=_("對應課程"),
    )
    hours = models.DecimalField(
        _("認可時數"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("空白表示依陳述中的時數（result.duration 或時數擴充欄位）"),
    )
    first_seen = models.DateTimeField(_("首次收到"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("外部學習活動")
        verbose_name_plural = _("外部學習活動")
        ordering = ["status", "-first_seen"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="mapped") | Q(course__isnull=False), name="external_activity_mapped_has_course"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.activity_iri

    def clean(self) -> None:
        if self.status == self.Status.MAPPED and not self.course_id:
            raise ValidationError({"course": _("請選擇對應的課程。")})


class CourseEvaluation(models.Model):
    """A trainee's short evaluation after completing (訓後滿意度): satisfaction 1–5 and a comment.

    One per enrolment; reports average satisfaction per offering. PII: free-text comment.
    """

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="evaluation", verbose_name=_("報名")
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("滿意度"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("意見"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("課程評鑑")
        verbose_name_plural = _("課程評鑑")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5), name="evaluation_satisfaction_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment}: {self.satisfaction}"


class RemoteAttendanceReview(models.Model):
    """A row of a meeting tool's attendance report that matched no enrolled learner, kept for staff review.

    PII: the participant's display name and e-mail as the meeting tool reported them.
    """

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="remote_reviews")
    participant_name = models.CharField(_("與會者名稱"), max_length=200)
    email = models.CharField(_("電子郵件"), max_length=254, blank=True)
    minutes = models.PositiveIntegerField(_("出席分鐘數"))
    source_format = models.CharField(_("報表格式"), max_length=20)
    resolved_enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dismissed = models.BooleanField(_("略過"), default=False)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("待確認的視訊出席")
        verbose_name_plural = _("待確認的視訊出席")
        ordering = ["imported_at", "pk"]

    def __str__(self) -> str:
        return f"{self.participant_name} {self.minutes}′"
