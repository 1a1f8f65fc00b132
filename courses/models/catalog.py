"""The catalog: topics, competency axes, courses, offerings (班期) and their session days, learning paths.

Courses are Wagtail snippets with drafts, revisions, preview and publishing; the public
catalog only shows live (published) courses. Offerings are separate rows rather than inline
children of a course, because enrolments and attendance point at them and must never be
removed by editing a course.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, PreviewableMixin, RevisionMixin
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from courses.blocks import COURSE_BODY_BLOCKS, LEARNING_OUTCOME_BLOCKS
from lms.people.models import AgencyKind, RankSeries


class Topic(index.Indexed, models.Model):
    """A catalog topic (AI, 淨零, 性別主流化 …). Staff edit the taxonomy; nothing is hard-coded. No PII."""

    name = models.CharField(_("名稱"), max_length=50, unique=True)
    slug = models.SlugField(_("代稱"), max_length=50, unique=True, allow_unicode=True)
    description = models.TextField(_("說明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("主題")
        verbose_name_plural = _("主題")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class CompetencyAxis(models.Model):
    """A competency axis (市政發展願景, 共通核心職能 …); staff-editable (docs/domain.md). No PII."""

    name = models.CharField(_("名稱"), max_length=50, unique=True)
    slug = models.SlugField(_("代稱"), max_length=50, unique=True, allow_unicode=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("職能構面")
        verbose_name_plural = _("職能構面")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Modality(models.TextChoices):
    CLASSROOM = "classroom", _("實體")
    REMOTE = "remote", _("遠距同步")
    ELEARNING = "elearning", _("數位學習／MOOC")
    BLENDED = "blended", _("混成")


class CourseQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def published(self) -> CourseQuerySet:
        return self.filter(live=True)


class Course(PreviewableMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, ClusterableModel):
    """A course in the catalog.

    Eligibility is structured (官等, 職等 range, supervisors only, agency kinds) so that
    enrolment can check it; `audience` is the human description shown to trainees.
    No PII.
    """

    code = models.CharField(_("課程代碼"), max_length=30, unique=True)
    title = models.CharField(_("課程名稱"), max_length=200)
    summary = models.TextField(_("課程簡介"), max_length=1000)
    body = StreamField(COURSE_BODY_BLOCKS, blank=True, verbose_name=_("課程內容"))
    credit_hours = models.DecimalField(
        _("學習時數"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    topics = ParentalManyToManyField(Topic, related_name="courses", blank=True, verbose_name=_("主題"))
    competency_axis = models.ForeignKey(
        CompetencyAxis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("職能構面"),
    )
    modality = models.CharField(_("上課方式"), max_length=20, choices=Modality.choices)
    audience = models.CharField(_("參訓對象"), max_length=200, blank=True)
    eligible_rank_series = models.CharField(
        _("限定官等"), max_length=20, choices=RankSeries.choices, blank=True, help_text=_("空白表示不限")
    )
    min_grade = models.PositiveSmallIntegerField(
        _("最低職等"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    max_grade = models.PositiveSmallIntegerField(
        _("最高職等"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    supervisors_only = models.BooleanField(_("限主管人員"), default=False)
    eligible_agency_kinds = models.JSONField(_("限定機關類型"), default=list, blank=True, help_text=_("空白表示不限"))
    prerequisites = ParentalManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by", verbose_name=_("先修課程")
    )
    learning_outcomes = StreamField(LEARNING_OUTCOME_BLOCKS, blank=True, verbose_name=_("學習成果"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("code"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("audience"),
        index.FilterField("live"),
        index.FilterField("modality"),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = _("課程")
        verbose_name_plural = _("課程")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(credit_hours__gt=0), name="course_credit_hours_positive"),
            models.CheckConstraint(
                condition=Q(min_grade__isnull=True) | Q(max_grade__isnull=True) | Q(min_grade__lte=F("max_grade")),
                name="course_grade_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        errors = {}
        if self.min_grade and self.max_grade and self.min_grade > self.max_grade:
            errors["max_grade"] = _("最高職等不可低於最低職等。")
        unknown = set(self.eligible_agency_kinds or []) - set(AgencyKind.values)
        if unknown:
            errors["eligible_agency_kinds"] = _("未知的機關類型：%(kinds)s") % {"kinds": "、".join(sorted(unknown))}
        if errors:
            raise ValidationError(errors)

    @property
    def eligible_agency_kind_labels(self) -> list[str]:
        labels = dict(AgencyKind.choices)
        return [str(labels[kind]) for kind in self.eligible_agency_kinds if kind in labels]

    def get_preview_template(self, request, mode_name):
        # The public course page's template (cms) renders the draft in the admin preview.
        return "cms/course_detail.html"

    def get_preview_context(self, request, mode_name):
        return {"course": self, "offerings": self.offerings.upcoming_with_seats(), "is_preview": True}


class OfferingQuerySet(models.QuerySet):
    def with_seats(self) -> OfferingQuerySet:
        """Annotate `seats_taken` (enrolled or awaiting approval) and `seats_left`."""
        from courses.models.enrolment import Enrollment  # enrolment imports this module for its foreign key

        return self.annotate(
            seats_taken=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING_STATUSES))
        ).annotate(seats_left=F("capacity") - F("seats_taken"))

    def upcoming(self, today=None) -> OfferingQuerySet:
        today = today or timezone.localdate()
        return self.filter(end_date__gte=today, is_cancelled=False)

    def upcoming_with_seats(self, today=None) -> OfferingQuerySet:
        """Offerings that have not ended, with `seats_left`, soonest first: what the catalog lists."""
        return self.upcoming(today).with_seats().order_by("start_date", "code")


class Offering(ClusterableModel):
    """A class offering (班期) of a course: dates, hours, capacity, enrolment window.

    Model-level invariants (dates ordered, hours and capacity positive, the enrolment window
    closing before the class starts) are checked in clean() with field-keyed messages and
    again by database constraints. No PII.
    """

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("課程"))
    code = models.CharField(_("班期代碼"), max_length=40, unique=True)
    term = models.PositiveSmallIntegerField(_("期別"), default=1, validators=[MinValueValidator(1)])
    start_date = models.DateField(_("開訓日期"))
    end_date = models.DateField(_("結訓日期"))
    hours = models.DecimalField(_("訓練時數"), max_digits=5, decimal_places=1)
    capacity = models.PositiveIntegerField(_("名額"))
    enrollment_opens = models.DateTimeField(_("報名開始"))
    enrollment_closes = models.DateTimeField(_("報名截止"))
    cancellation_deadline = models.DateTimeField(
        _("取消報名截止"), null=True, blank=True, help_text=_("空白表示同報名截止")
    )
    modality = models.CharField(_("上課方式"), max_length=20, choices=Modality.choices)
    venue = models.CharField(_("上課地點"), max_length=200, blank=True)
    meeting_url = models.URLField(_("線上會議連結"), blank=True)
    requires_approval = models.BooleanField(_("需審核"), default=False)
    attendance_threshold = models.PositiveSmallIntegerField(
        _("結訓出席門檻（%）"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_cancelled = models.BooleanField(_("停開"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        verbose_name = _("班期")
        verbose_name_plural = _("班期")
        ordering = ["start_date", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="offering_dates_ordered"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="offering_hours_positive"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offering_capacity_at_least_one"),
            models.CheckConstraint(
                condition=Q(enrollment_closes__gte=F("enrollment_opens")), name="offering_window_ordered"
            ),
        ]
        indexes = [models.Index(fields=["start_date"], name="offering_start_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.course.title if self.course_id else ''}".strip()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("結訓日期不可早於開訓日期。")
        if self.hours is not None and self.hours <= 0:
            errors["hours"] = _("訓練時數必須大於 0。")
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("名額至少為 1 人。")
        if self.enrollment_opens and self.enrollment_closes and self.enrollment_closes < self.enrollment_opens:
            errors["enrollment_closes"] = _("報名截止不可早於報名開始。")
        starts_at = self.starts_at
        if self.modality == Modality.ELEARNING:
            # Self-paced e-learning stays open while it runs, but not past its last day.
            ends_at = self.ends_at
            if ends_at and self.enrollment_closes and self.enrollment_closes > ends_at:
                errors.setdefault("enrollment_closes", _("報名截止不可晚於課程結束。"))
        else:
            if starts_at and self.enrollment_closes and self.enrollment_closes > starts_at:
                errors.setdefault("enrollment_closes", _("報名截止不可晚於開訓時間。"))
            if starts_at and self.enrollment_opens and self.enrollment_opens > starts_at:
                errors["enrollment_opens"] = _("報名開始不可晚於開訓時間。")
        if self.modality == Modality.REMOTE and not self.meeting_url:
            errors["meeting_url"] = _("遠距同步班期需填寫線上會議連結。")
        if self.modality == Modality.CLASSROOM and not self.venue:
            errors["venue"] = _("實體班期需填寫上課地點。")
        if errors:
            raise ValidationError(errors)

    @property
    def starts_at(self):
        """The start of the first day in Taipei time: the enrolment window must close by then."""
        if not self.start_date:
            return None
        return timezone.make_aware(dt.datetime.combine(self.start_date, dt.time.min))

    @property
    def ends_at(self):
        if not self.end_date:
            return None
        return timezone.make_aware(dt.datetime.combine(self.end_date, dt.time.max))

    def is_open_for_enrollment(self, now=None) -> bool:
        now = now or timezone.now()
        return not self.is_cancelled and self.enrollment_opens <= now <= self.enrollment_closes


class Session(Orderable):
    """One session day of an offering; attendance is taken per session. No PII."""

    offering = ParentalKey(Offering, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("開始時間"))
    end_time = models.TimeField(_("結束時間"))
    hours = models.DecimalField(_("時數"), max_digits=4, decimal_places=1)

    class Meta(Orderable.Meta):
        verbose_name = _("上課日")
        verbose_name_plural = _("上課日")
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="session_times_ordered"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="session_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self) -> None:
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("結束時間必須晚於開始時間。")
        if self.hours is not None and self.hours <= 0:
            errors["hours"] = _("時數必須大於 0。")
        if errors:
            raise ValidationError(errors)

    @property
    def minutes(self) -> int:
        """Teaching minutes: the session's credit hours, not its clock span (which includes lunch)."""
        return int(self.hours * 60)


class LearningPath(ClusterableModel):
    """A learning map (學習地圖): ordered modules of courses, e.g. the law map with modules A–H. No PII."""

    code = models.CharField(_("代碼"), max_length=30, unique=True)
    title = models.CharField(_("名稱"), max_length=200)
    description = models.TextField(_("說明"), blank=True)

    class Meta:
        verbose_name = _("學習地圖")
        verbose_name_plural = _("學習地圖")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    def modules(self) -> list[dict]:
        """Steps grouped by module, in order: [{"code": "A", "title": ..., "steps": [...]}, ...]."""
        grouped: dict[str, dict] = {}
        for step in self.steps.select_related("course").order_by("sort_order"):
            grouped.setdefault(step.module_code, {"code": step.module_code, "title": step.module_title, "steps": []})
            grouped[step.module_code]["steps"].append(step)
        return list(grouped.values())


class LearningPathStep(Orderable):
    """One course within a module of a learning path. No PII."""

    path = ParentalKey(LearningPath, on_delete=models.CASCADE, related_name="steps")
    module_code = models.CharField(_("模組代碼"), max_length=10)
    module_title = models.CharField(_("模組名稱"), max_length=100)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", verbose_name=_("課程"))
    is_required = models.BooleanField(_("必修"), default=True)

    class Meta(Orderable.Meta):
        verbose_name = _("學習地圖課程")
        verbose_name_plural = _("學習地圖課程")

    def __str__(self) -> str:
        return f"{self.module_code} {self.course}"
