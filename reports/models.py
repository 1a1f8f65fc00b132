"""Reports: the LearningRecord projection of the LRS, requirement rules as data, snapshots and runs.

No report parses raw xAPI statements: `reports.services.projection` reads each LMS-issued
statement once (courses/vocabulary.py) into a LearningRecord row, and every report reads
those rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courses.models import CertificationTrack, CompetencyAxis, Course, LearningPath, Modality, Offering, Topic
from lms.people.models import Agency, EmploymentType, Person, RankSeries


class LearningRecord(models.Model):
    """One credited learning outcome, projected from one LMS-issued xAPI statement.

    Design decisions:
    - The projection is derived data. A voided statement's row is deleted (the LRS keeps the
      statement and its voiding), so the projection always equals "stored, not voided,
      LMS-issued statements"; `manage.py rebuild_learning_records` rebuilds it from the LRS.
    - `year` and `occurred_on` are computed once in Asia/Taipei (docs/domain.md: calendar
      years in Taipei; a completion at 23:30 on 31 December counts for that year), so reports
      group by plain integer columns.
    - Topics are not copied: they come from the course (staff may re-classify a course and
      reports follow).
    PII: links a person to their learning, score and certificate number.
    """

    class Verb(models.TextChoices):
        COMPLETED = "completed", _("完成")
        PASSED = "passed", _("通過")
        FAILED = "failed", _("未通過")
        EARNED = "earned", _("取得證書")

    statement_id = models.UUIDField(_("陳述 ID"), unique=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="learning_records", verbose_name=_("學員")
    )
    verb = models.CharField(_("學習結果"), max_length=12, choices=Verb.choices)
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("課程")
    )
    offering = models.ForeignKey(
        Offering, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("班期")
    )
    track = models.ForeignKey(
        CertificationTrack, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("認證")
    )
    external_title = models.CharField(_("外部課程名稱"), max_length=200, blank=True)
    modality = models.CharField(_("上課方式"), max_length=20, choices=Modality.choices, blank=True)
    credited_hours = models.DecimalField(_("認證時數"), max_digits=6, decimal_places=2, default=Decimal("0"))
    scheduled_hours = models.DecimalField(_("課程時數"), max_digits=6, decimal_places=2, null=True, blank=True)
    leave_hours = models.DecimalField(_("請假時數"), max_digits=6, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("成績"), max_digits=7, decimal_places=2, null=True, blank=True)
    certificate_number = models.CharField(_("證書字號"), max_length=60, blank=True)
    occurred_at = models.DateTimeField(_("學習時間"))
    occurred_on = models.DateField(_("學習日期（臺北）"))
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    registration = models.UUIDField(_("xAPI registration"), null=True, blank=True)
    projected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("學習紀錄")
        verbose_name_plural = _("學習紀錄")
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(credited_hours__gte=0), name="learning_record_hours_not_negative"),
        ]
        indexes = [
            models.Index(fields=["year", "person"], name="lr_year_person_idx"),
            models.Index(fields=["person", "year"], name="lr_person_year_idx"),
            models.Index(fields=["offering", "verb"], name="lr_offering_verb_idx"),
            models.Index(fields=["track", "verb"], name="lr_track_verb_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.verb} {self.course_id or self.external_title} {self.occurred_on}"


class RequirementRule(models.Model):
    """A learning requirement as data: a minimum on one measure, for a population, per year or window.

    Rules change over time and differ by year and agency (docs/domain.md, "Requirements the
    reports check"), so staff edit them in the admin. A person is compliant with a rule when
    the measure over the rule's period reaches the minimum; `coverage_target_percent` is an
    agency target counted over distinct people (e.g. CEDAW 50%, ICERD 30%).
    "Of which" rules (2017: 20 h work-related, of which 1 h policy …) are separate rules that
    are each checked; hours count toward every rule whose filter they match.
    No PII.
    """

    class Measure(models.TextChoices):
        TOTAL_HOURS = "total_hours", _("總學習時數")
        TOPIC_HOURS = "topic_hours", _("指定主題時數")
        AXIS_HOURS = "axis_hours", _("指定類別（職能構面）時數")
        MODALITY_HOURS = "modality_hours", _("指定上課方式時數")
        WORK_RELATED_HOURS = "work_related_hours", _("與業務相關學習時數")
        COURSE_COMPLETION = "course_completion", _("完成指定課程")
        PATH_COMPLETION = "path_completion", _("完成指定學習地圖")

    HOURS_MEASURES = ("total_hours", "topic_hours", "axis_hours", "modality_hours", "work_related_hours")

    class Period(models.TextChoices):
        ANNUAL = "annual", _("每年")
        WINDOW = "window", _("多年期間（起訖年度合計）")

    class Supervisors(models.TextChoices):
        ANY = "any", _("不限")
        ONLY = "only", _("限主管")
        EXCLUDE = "exclude", _("限非主管")

    code = models.SlugField(_("代碼"), max_length=50, unique=True)
    name = models.CharField(_("名稱"), max_length=200)
    source = models.CharField(_("依據"), max_length=300, blank=True)
    measure = models.CharField(_("衡量方式"), max_length=30, choices=Measure.choices)
    min_hours = models.DecimalField(
        _("最低時數"), max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("主題（任一）"))
    competency_axes = models.ManyToManyField(
        CompetencyAxis, blank=True, related_name="+", verbose_name=_("職能構面（任一）")
    )
    modalities = models.JSONField(_("上課方式（任一）"), default=list, blank=True, help_text=_('例如 ["elearning"]'))
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("指定課程")
    )
    path = models.ForeignKey(
        LearningPath, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("指定學習地圖")
    )
    period = models.CharField(_("期間"), max_length=10, choices=Period.choices, default=Period.ANNUAL)
    from_year = models.PositiveSmallIntegerField(_("起始年度（西元）"), validators=[MinValueValidator(2000)])
    to_year = models.PositiveSmallIntegerField(
        _("結束年度（西元）"), null=True, blank=True, help_text=_("空白表示持續適用；多年期間必填")
    )
    coverage_target_percent = models.DecimalField(
        _("涵蓋率目標（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    employment_types = models.JSONField(
        _("適用人員類別"), default=list, blank=True, help_text=_('空白表示不限；例如 ["civil_servant"]')
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("適用機關（含所屬）"),
    )
    rank_series = models.JSONField(_("適用官等"), default=list, blank=True, help_text=_("空白表示不限"))
    min_grade = models.PositiveSmallIntegerField(
        _("最低職等"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    max_grade = models.PositiveSmallIntegerField(
        _("最高職等"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    supervisors = models.CharField(_("主管別"), max_length=10, choices=Supervisors.choices, default=Supervisors.ANY)
    is_active = models.BooleanField(_("啟用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("學習時數規定")
        verbose_name_plural = _("學習時數規定")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_year__isnull=True) | Q(to_year__gte=F("from_year")), name="rule_years_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(period="window") | Q(to_year__isnull=False), name="rule_window_has_end"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.measure in self.HOURS_MEASURES and self.min_hours is None:
            errors["min_hours"] = _("時數類規定須填寫最低時數。")
        if self.measure == self.Measure.COURSE_COMPLETION and not self.course_id:
            errors["course"] = _("「完成指定課程」須選擇課程。")
        if self.measure == self.Measure.PATH_COMPLETION and not self.path_id:
            errors["path"] = _("「完成指定學習地圖」須選擇學習地圖。")
        if self.measure == self.Measure.MODALITY_HOURS:
            if not self.modalities:
                errors["modalities"] = _("「指定上課方式時數」須填寫上課方式。")
        unknown = set(self.modalities or []) - set(Modality.values)
        if unknown:
            errors["modalities"] = _("未知的上課方式：%(v)s") % {"v": "、".join(sorted(unknown))}
        if set(self.employment_types or []) - set(EmploymentType.values):
            errors["employment_types"] = _("未知的人員類別。")
        if set(self.rank_series or []) - set(RankSeries.values):
            errors["rank_series"] = _("未知的官等。")
        if self.to_year and self.from_year and self.to_year < self.from_year:
            errors["to_year"] = _("結束年度不可早於起始年度。")
        if self.period == self.Period.WINDOW and not self.to_year:
            errors["to_year"] = _("多年期間須填寫結束年度。")
        if self.min_grade and self.max_grade and self.min_grade > self.max_grade:
            errors["max_grade"] = _("最高職等不可低於最低職等。")
        if errors:
            raise ValidationError(errors)

    def applies_in(self, year: int) -> bool:
        return self.is_active and self.from_year <= year and (self.to_year is None or year <= self.to_year)

    def counted_years(self, year: int) -> tuple[int, int]:
        """The calendar years whose hours count for a report of `year` (a window counts from its start)."""
        if self.period == self.Period.WINDOW:
            return self.from_year, min(year, self.to_year)
        return year, year


class ReportRun(models.Model):
    """A report built in the background: status and progress for the page, the file when done.

    Progress lives in this row, not in Celery's result backend, so eager and worker modes look
    the same to the page (docs/conventions.md §5). PII: the file may list people of the scope.
    """

    class Kind(models.TextChoices):
        COMPLIANCE = "compliance", _("學習時數達成報表")
        NONCOMPLIANT = "noncompliant", _("未達成人員名單")
        CERTIFICATION = "certification", _("認證通過率報表")
        CENTER = "center", _("訓練統計報表")

    class Status(models.TextChoices):
        PENDING = "pending", _("排隊中")
        RUNNING = "running", _("產製中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失敗")

    kind = models.CharField(_("報表"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("狀態"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("進度（%）"), default=0, validators=[MaxValueValidator(100)])
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    file_format = models.CharField(_("格式"), max_length=4, default="xlsx")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("機關")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("檔案"), upload_to="reports/runs/%Y/%m/", blank=True)
    error = models.TextField(_("錯誤"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Last sign of life (queued, started, progressed); a run silent for too long is failed as stale.
    progressed_at = models.DateTimeField(_("最後進度時間"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("報表產製")
        verbose_name_plural = _("報表產製")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="report_run_progress_le_100")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.get_status_display()})"


class ComplianceSnapshot(models.Model):
    """The monthly compliance figures of one agency (rolled up over its subtree) for one rule.

    Taken by the scheduled run so that trends survive later corrections of the records. No PII.
    """

    taken_on = models.DateField(_("快照日期"))
    year = models.PositiveSmallIntegerField(_("年度（西元）"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("機關"))
    rule = models.ForeignKey(RequirementRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("規定"))
    headcount = models.PositiveIntegerField(_("適用人數"))
    compliant = models.PositiveIntegerField(_("達成人數"))
    average_hours = models.DecimalField(_("平均時數"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("達成率快照")
        verbose_name_plural = _("達成率快照")
        ordering = ["-taken_on", "agency", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["taken_on", "year", "agency", "rule"], name="snapshot_one_per_day"),
            models.CheckConstraint(condition=Q(compliant__lte=F("headcount")), name="snapshot_compliant_le_headcount"),
        ]

    def __str__(self) -> str:
        return f"{self.taken_on} {self.agency_id} {self.rule_id}: {self.compliant}/{self.headcount}"


class NationalCode(models.Model):
    """One code of the national portal's code tables, as staff-edited data (docs/national-upload.md).

    The upload takes codes, not names, for 上課縣市, 訓練總數單位, 學位學分, 學習性質, 課程類別代碼 and the
    環教 upload's 課程方法代碼. The tables are seeded by a data migration from the public
    implementations found (each row's `source` says which) and staff correct or extend them in the
    admin when the portal changes its tables, without a release. `is_default` marks the code the
    export writes when nothing more specific applies (our city, hours, no degree credit); a
    course category marked `is_environmental` also goes to the 環教 upload. No PII.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("上課縣市")
        UNIT = "unit", _("訓練總數單位")
        DEGREE_CREDIT = "degree_credit", _("學位學分")
        LEARNING_NATURE = "learning_nature", _("學習性質")
        COURSE_CATEGORY = "course_category", _("課程類別")
        ENV_METHOD = "env_method", _("環境教育課程方法")

    kind = models.CharField(_("代碼表"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("代碼"), max_length=20)
    name = models.CharField(_("名稱"), max_length=100)
    is_default = models.BooleanField(_("預設值"), default=False)
    is_environmental = models.BooleanField(
        _("環境教育"), default=False, help_text=_("課程類別屬環境教育時勾選，時數另列入環教上傳檔。")
    )
    is_active = models.BooleanField(_("啟用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    source = models.CharField(_("依據"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("終身學習入口網代碼")
        verbose_name_plural = _("終身學習入口網代碼")
        ordering = ["kind", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="national_code_unique_per_table"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_default=True), name="national_code_one_default_per_table"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} {self.name}"

    def clean(self) -> None:
        if self.is_environmental and self.kind != self.Kind.COURSE_CATEGORY:
            raise ValidationError({"is_environmental": _("只有課程類別可標示為環境教育。")})


class CourseNationalCategory(models.Model):
    """A course's portal category (課程類別代碼) and the hours that count toward it.

    A course may count toward several categories with its hours split between them: the upload
    then has one row per (person, category) (docs/national-upload.md). Blank hours = the hours
    the other categories of the course leave. No PII.
    """

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="national_categories", verbose_name=_("課程")
    )
    category = models.ForeignKey(
        NationalCode,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": NationalCode.Kind.COURSE_CATEGORY},
        verbose_name=_("課程類別"),
    )
    hours = models.DecimalField(
        _("列入時數"), max_digits=5, decimal_places=1, null=True, blank=True, help_text=_("空白表示其餘時數")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("課程類別對應")
        verbose_name_plural = _("課程類別對應")
        ordering = ["course", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "category"], name="course_national_category_once"),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0), name="course_national_category_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} → {self.category_id}"

    def clean(self) -> None:
        if self.category_id and self.category.kind != NationalCode.Kind.COURSE_CATEGORY:
            raise ValidationError({"category": _("請選擇課程類別代碼。")})
        if self.hours is not None and self.course_id and self.hours > self.course.credit_hours:
            raise ValidationError({"hours": _("列入時數不可超過課程時數。")})


class NationalIdentity(models.Model):
    """A person's national ID number (身分證字號), encrypted at rest with Fernet.

    Kept in reports, not lms.people, because the national learner-record export is its only
    reader (docs/domain.md, national reporting): the key and the decrypting code live next to
    the one export that may use them, and no page, report or API serializer can reach it by
    following Person's fields. Decrypting is audited by NationalIdExport.
    PII: national ID (encrypted).
    """

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("學員"))
    token = models.BinaryField(_("加密身分證字號"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("身分證字號（加密）")
        verbose_name_plural = _("身分證字號（加密）")

    def __str__(self) -> str:
        return f"{self.person_id}: ********"


class NationalIdExport(models.Model):
    """Audit of one national learner-record export, the only place national IDs are decrypted. Append-only.

    PII: who exported and whose records (by count, not by ID).
    """

    class Kind(models.TextChoices):
        LIFELONG = "lifelong", _("終身學習")
        ENVIRONMENTAL = "environmental", _("環境教育")

    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LIFELONG)
    encoding = models.CharField(max_length=10, default="cp950")
    file_count = models.PositiveSmallIntegerField(default=1)
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    row_count = models.PositiveIntegerField()
    person_count = models.PositiveIntegerField()
    missing_national_ids = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("終身學習入口網匯出紀錄")
        verbose_name_plural = _("終身學習入口網匯出紀錄")
        ordering = ["-exported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.exported_at:%Y-%m-%d %H:%M} {self.row_count}"
