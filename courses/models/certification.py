"""Certification: tracks with their assessments, assessment results, certificates and their printed wording.

Results and certificates are learning records too (docs/architecture.md): each carries the id of
the statement the LMS issued for it, and corrections void and supersede rather than delete.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from courses.models.catalog import Course, Topic
from courses.models.records import Completion


class IssuingBody(models.TextChoices):
    CENTER = "center", _("高雄市政府公務人力發展中心")
    PCC = "pcc", _("行政院公共工程委員會")
    MODA = "moda", _("數位發展部")
    MOENV = "moenv", _("環境部")
    OTHER = "other", _("其他")


class CertificationTrack(ClusterableModel):
    """A certification: training (courses or hours) plus assessments, issued by the center or an outside body.

    Rules from public sources live as data: e.g. procurement bars the exam when more than 1/10
    of the hours are missed (min_attendance_percent = 90) and courses and exam must fall within
    one year of the first class (completion_window_months = 12). No PII.
    """

    code = models.CharField(_("代碼"), max_length=30, unique=True)
    name = models.CharField(_("名稱"), max_length=200)
    description = models.TextField(_("說明"), blank=True)
    issuing_body = models.CharField(_("發證機關"), max_length=20, choices=IssuingBody.choices)
    issuing_body_other = models.CharField(_("其他發證機關"), max_length=100, blank=True)
    required_courses = ParentalManyToManyField(
        Course, blank=True, related_name="certification_tracks", verbose_name=_("必修課程")
    )
    required_hours = models.DecimalField(_("應修時數"), max_digits=6, decimal_places=1, null=True, blank=True)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("應考出席門檻（%）"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    completion_window_months = models.PositiveSmallIntegerField(_("完成期限（月）"), null=True, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("證書效期（月）"), null=True, blank=True, help_text=_("空白表示永久有效")
    )
    # Renewal rule (docs/certificate-renewal.md): e.g. 環境教育人員 valid 60 months, renewed by
    # 30 h within the validity of which at most 15 h digital; 資通安全 valid 12 months.
    renewal_window_months = models.PositiveSmallIntegerField(
        _("換證期間（到期前月數）"), null=True, blank=True, help_text=_("到期前幾個月起可換證；空白表示不可換證")
    )
    renewal_hours = models.DecimalField(
        _("換證應修時數"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("證書效期內應修滿的時數"),
    )
    renewal_digital_max_hours = models.DecimalField(
        _("數位學習採計上限（時數）"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("空白表示不設上限"),
    )
    renewal_topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("換證採計主題"),
        help_text=_("空白表示各類課程時數皆採計"),
    )

    class Meta:
        verbose_name = _("認證")
        verbose_name_plural = _("認證")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.issuing_body == IssuingBody.OTHER and not self.issuing_body_other:
            errors["issuing_body_other"] = _("發證機關為「其他」時請填寫機關名稱。")
        if self.renewal_window_months and not self.validity_months:
            errors["renewal_window_months"] = _("永久有效的證書不需換證。")
        if self.renewal_window_months and self.renewal_hours is None:
            errors["renewal_hours"] = _("請填寫換證應修時數。")
        if (
            self.renewal_digital_max_hours is not None
            and self.renewal_hours is not None
            and self.renewal_digital_max_hours > self.renewal_hours
        ):
            errors["renewal_digital_max_hours"] = _("數位學習採計上限不可大於換證應修時數。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_renewable(self) -> bool:
        return bool(self.validity_months and self.renewal_window_months and self.renewal_hours is not None)

    @property
    def issuer_name(self) -> str:
        return self.issuing_body_other if self.issuing_body == IssuingBody.OTHER else self.get_issuing_body_display()


class Assessment(Orderable):
    """An assessment within a certification track, with its pass mark. No PII."""

    class Kind(models.TextChoices):
        WRITTEN = "written", _("筆試")
        ORAL = "oral", _("口試")
        PRACTICAL = "practical", _("實作")
        EXTERNAL = "external", _("外部機關測驗")

    track = ParentalKey(CertificationTrack, on_delete=models.CASCADE, related_name="assessments")
    name = models.CharField(_("名稱"), max_length=100)
    kind = models.CharField(_("類型"), max_length=20, choices=Kind.choices)
    max_score = models.DecimalField(_("滿分"), max_digits=6, decimal_places=2, default=Decimal("100"))
    pass_mark = models.DecimalField(_("及格分數"), max_digits=6, decimal_places=2)
    zero_in_any_subject_fails = models.BooleanField(_("任一科零分不及格"), default=False)

    class Meta(Orderable.Meta):
        verbose_name = _("評量")
        verbose_name_plural = _("評量")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=F("max_score")), name="assessment_pass_mark_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track}：{self.name}"

    def clean(self) -> None:
        if self.pass_mark is not None and self.max_score is not None and not 0 <= self.pass_mark <= self.max_score:
            raise ValidationError({"pass_mark": _("及格分數須介於 0 與滿分之間。")})


class AssessmentResult(models.Model):
    """A person's result in one assessment, recorded by staff or imported from an outside body's file.

    Pass/fail is decided when recording (the assessment's pass mark and its "no subject at zero"
    rule) and kept, so a later rule change does not rewrite history. Corrections void and
    supersede. PII: a person's score.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assessment_results", verbose_name=_("學員")
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="results", verbose_name=_("評量"))
    score = models.DecimalField(_("分數"), max_digits=6, decimal_places=2)
    subject_scores = models.JSONField(_("各科分數"), default=dict, blank=True)
    passed = models.BooleanField(_("及格"))
    taken_on = models.DateField(_("測驗日期"))
    is_current = models.BooleanField(_("有效"), default=True)
    statement_id = models.UUIDField(_("xAPI 陳述 ID"), unique=True)
    # A barred trainee's result is refused unless staff record why it is accepted (docs/integrity.md).
    barred_override_reason = models.CharField(_("缺課仍予登錄理由"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("評量成績")
        verbose_name_plural = _("評量成績")
        ordering = ["-taken_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "assessment"], condition=Q(is_current=True), name="assessment_result_one_current"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="assessment_result_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.assessment}: {self.score}"

    def clean(self) -> None:
        if self.assessment_id and self.score is not None and not 0 <= self.score <= self.assessment.max_score:
            raise ValidationError({"score": _("分數須介於 0 與滿分之間。")})


class Certificate(models.Model):
    """A certificate: of completing an offering (研習證明) or of a certification track.

    `number` is unique and printed; `verification_code` is the unguessable key of the public
    verification page, so numbers cannot be enumerated. Revocation sets `revoked_at`; rows stay.
    PII: links a person to a certificate.
    """

    class Kind(models.TextChoices):
        COMPLETION = "completion", _("研習證明")
        CERTIFICATION = "certification", _("認證證書")

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("學員")
    )
    kind = models.CharField(_("類型"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("證書字號"), max_length=40, unique=True)
    verification_code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    completion = models.ForeignKey(
        Completion, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    track = models.ForeignKey(
        CertificationTrack, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    title = models.CharField(_("名稱"), max_length=200)
    hours = models.DecimalField(_("時數"), max_digits=6, decimal_places=1, null=True, blank=True)
    issued_at = models.DateTimeField(_("核發時間"), default=timezone.now)
    valid_until = models.DateField(_("有效期限"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤銷時間"), null=True, blank=True)
    statement_id = models.UUIDField(_("xAPI 陳述 ID"), null=True, blank=True, unique=True)
    # Renewal issues a new certificate and keeps this one: `renews` points back to it and its
    # `superseded_at` is set (docs/certificate-renewal.md).
    renews = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals", verbose_name=_("換發自")
    )
    superseded_at = models.DateTimeField(_("換證時間"), null=True, blank=True)

    class Meta:
        verbose_name = _("證書")
        verbose_name_plural = _("證書")
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="completion") & Q(completion__isnull=False) & Q(track__isnull=True))
                | (Q(kind="certification") & Q(track__isnull=False) & Q(completion__isnull=True)),
                name="certificate_kind_matches_source",
            ),
            models.UniqueConstraint(
                fields=["completion"], condition=Q(revoked_at__isnull=True), name="certificate_one_per_completion"
            ),
            models.UniqueConstraint(
                fields=["person", "track"],
                condition=Q(revoked_at__isnull=True, superseded_at__isnull=True, track__isnull=False),
                name="certificate_one_valid_per_track",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


CERTIFICATE_PLACEHOLDERS = ("name", "title", "hours", "kind")


def _check_placeholders(text: str) -> None:
    try:
        text.format(**dict.fromkeys(CERTIFICATE_PLACEHOLDERS, ""))
    except (KeyError, IndexError, ValueError) as error:
        raise ValidationError(
            _("只能使用 {name}、{title}、{hours}、{kind} 這幾個代入欄位，並以成對的大括號標示。")
        ) from error


@register_setting(icon="doc-full")
class CertificateTemplate(BaseGenericSetting):
    """The wording and look of printed certificates, adjusted by training staff in the admin (設定 → 證書樣式).

    The PDF is rendered from courses/templates/courses/pdf/certificate.html with these texts; the
    body texts take {name}, {title}, {hours} and {kind}. No PII.
    """

    completion_heading = models.CharField(_("研習證明標題"), max_length=40, default="研習證明書")
    certification_heading = models.CharField(_("認證證書標題"), max_length=40, default="認證證書")
    completion_body = models.TextField(
        _("研習證明內文"),
        max_length=500,
        default="{name} 君參加「{title}」，完成研習，計 {hours} 小時，特此證明。",
        validators=[_check_placeholders],
    )
    certification_body = models.TextField(
        _("認證證書內文"),
        max_length=500,
        default="{name} 君完成「{title}」之訓練及評量，成績合格，計 {hours} 小時，特此證明。",
        validators=[_check_placeholders],
    )
    issuer = models.CharField(
        _("核發單位"),
        max_length=100,
        default="高雄市政府公務人力發展中心",
        help_text=_("認證證書由認證的主管機關核發時，以認證項目的核發機關為準"),
    )
    signatory = models.CharField(_("署名"), max_length=100, blank=True, default="主任")
    footer_note = models.CharField(_("頁尾說明"), max_length=200, blank=True, default="本證書可於下列網址查驗真偽。")
    accent_color = models.CharField(
        _("框線顏色"),
        max_length=7,
        default="#7a1f1f",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("請填寫 #RRGGBB 格式的顏色。"))],
    )

    class Meta:
        verbose_name = _("證書樣式")
        verbose_name_plural = _("證書樣式")
