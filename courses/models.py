"""The training catalog: courses, offerings (班期), learning paths and certification tracks.

Courses are Wagtail snippets with drafts, revisions, preview and publishing; the public
catalog only shows live (published) courses. Offerings are separate rows rather than inline
children of a course, because enrolments and attendance point at them and must never be
removed by editing a course.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
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


# ---------------------------------------------------------------------------------------------
# Learning records: attendance, completions, assessment results, certificates, evaluations.
#
# These rows are the LMS's working copy; the LRS holds the authoritative statements. Every row
# that credits learning carries the id of the statement the LMS issued for it, so a correction
# voids exactly that statement. Rows are never deleted: a correction marks the old row
# superseded (or voided) and adds a new one.
# ---------------------------------------------------------------------------------------------


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
