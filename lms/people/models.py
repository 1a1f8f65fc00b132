"""People and agencies: the agency tree, learner profiles and the HR officers' scope."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from lms.people.roles import officer_subtree, sees_everyone


class AgencyKind(models.TextChoices):
    FIRST_LEVEL = "first_level", _("一級機關")
    SECOND_LEVEL = "second_level", _("二級機關")
    DISTRICT_OFFICE = "district_office", _("區公所")
    SCHOOL = "school", _("學校")
    OTHER = "other", _("其他")


class AgencyQuerySet(MP_NodeQuerySet):
    def subtree_of(self, agency: Agency) -> AgencyQuerySet:
        return self.filter(path__startswith=agency.path)


class AgencyManager(MP_NodeManager):
    def get_queryset(self) -> AgencyQuerySet:
        return AgencyQuerySet(self.model).order_by("path")

    def subtree_of(self, agency: Agency) -> AgencyQuerySet:
        return self.get_queryset().subtree_of(agency)


class Agency(MP_Node):
    """A city agency; the tree (一級機關 → 二級機關, 區公所, 學校) is what reports roll up.

    A materialized path (treebeard, already a Wagtail dependency) makes "this agency and
    everything under it" one indexed prefix query, which every scoped query relies on.
    No PII.
    """

    code = models.CharField(_("機關代碼"), max_length=20, unique=True)
    name = models.CharField(_("機關名稱"), max_length=100)
    kind = models.CharField(_("機關類型"), max_length=20, choices=AgencyKind.choices)
    # Closed agencies (停用) stay in the tree: past records and reports still point at them.
    is_active = models.BooleanField(_("啟用"), default=True)

    objects = AgencyManager()

    class Meta:
        verbose_name = _("機關")
        verbose_name_plural = _("機關")

    def __str__(self) -> str:
        return self.name


class RankSeries(models.TextChoices):
    """官等."""

    JUNIOR = "junior", _("委任")
    INTERMEDIATE = "intermediate", _("薦任")
    SENIOR = "senior", _("簡任")


class EmploymentType(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("公務人員")
    TEACHER = "teacher", _("教師")
    CONTRACT = "contract", _("約聘僱人員")
    OTHER = "other", _("其他")


class PersonQuerySet(models.QuerySet):
    def for_agency_subtree(self, agency: Agency) -> PersonQuerySet:
        return self.filter(for_agency_subtree_q(agency))

    def visible_to(self, user) -> PersonQuerySet:
        """The people a user may see: everyone for staff, their subtree for an officer, else themselves."""
        if not user.is_authenticated:
            return self.none()
        if sees_everyone(user):
            return self
        agency = officer_subtree(user)
        if agency is not None:
            return self.for_agency_subtree(agency)
        return self.filter(user=user)


def for_agency_subtree_q(agency: Agency, prefix: str = "agency") -> Q:
    """The Q twin of PersonQuerySet.for_agency_subtree, for querysets that reach Person through a relation."""
    return Q(**{f"{prefix}__path__startswith": agency.path})


class Person(models.Model):
    """A learner's profile: the attributes that eligibility rules and reports use.

    No national ID number is stored here (docs/domain.md §7). The user account
    is optional: most of the city's staff are learners in records before they ever log in.
    PII: name, e-mail, employee number.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="person"
    )
    employee_number = models.CharField(_("員工編號"), max_length=20, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    email = models.EmailField(_("電子郵件"), blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="people", verbose_name=_("服務機關"))
    rank_series = models.CharField(_("官等"), max_length=20, choices=RankSeries.choices, blank=True)
    grade = models.PositiveSmallIntegerField(
        _("職等"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    is_supervisor = models.BooleanField(_("主管"), default=False)
    employment_type = models.CharField(_("人員類別"), max_length=20, choices=EmploymentType.choices)
    is_active = models.BooleanField(_("在職"), default=True)
    # From the HR file (docs/hr-sync.md); left_on keeps a leaver in reports for dates before it.
    hired_on = models.DateField(_("到職日期"), null=True, blank=True)
    left_on = models.DateField(_("離職日期"), null=True, blank=True)
    # Set when the retention period after left_on has passed and the identifiers were replaced
    # (lms.people.retention, docs/data-protection.md "Retention"); never processed twice.
    deidentified_at = models.DateTimeField(_("去識別化時間"), null=True, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("學員")
        verbose_name_plural = _("學員")
        ordering = ["employee_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=14), name="person_grade_1_to_14"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.employee_number}）"


class AgencyOfficer(models.Model):
    """Binds an agency HR officer's account to the agency subtree they may see. PII: none beyond the user link.

    A binding is ended, not deleted, when the officer leaves (HR sync sets `ended_on`): the
    administrators still see who was bound where, and an ended binding grants no scope.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_officer")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers", verbose_name=_("機關"))
    ended_on = models.DateField(_("結束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("機關人事人員")
        verbose_name_plural = _("機關人事人員")

    def __str__(self) -> str:
        return f"{self.user} → {self.agency}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class AgencyMembership(models.Model):
    """One stretch of a person's service at an agency: the transfer history behind Person.agency.

    Person.agency stays the current agency (every scoped query uses it); this history lets
    reports place a person where they served on the report date (a person who moved mid-year
    is counted at their agency on that date). Rows are appended on each transfer; the open
    stretch has `ended_on` empty. PII: links a person to an agency over time.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("學員"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("機關"))
    started_on = models.DateField(_("到職日期"))
    ended_on = models.DateField(_("離職日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("機關任職紀錄")
        verbose_name_plural = _("機關任職紀錄")
        ordering = ["person", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_dates_ordered",
            ),
            models.UniqueConstraint(fields=["person", "started_on"], name="membership_one_start_per_day"),
        ]
        indexes = [models.Index(fields=["agency", "started_on"], name="membership_agency_start_idx")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.agency} ({self.started_on}–{self.ended_on or ''})"


def hr_sync_upload_to(instance: HrSync, filename: str) -> str:
    return f"hr-sync/{timezone.localdate():%Y/%m}/{filename}"


class HrSync(models.Model):
    """One HR sync: who ran it, when, on which files (kept, with their SHA-256), and what it changed.

    A row is written when staff upload files (status "previewed") and updated when they confirm
    ("applied") or when the files are refused ("rejected"); the command writes one row per run.
    The counts stay with the row and the files are kept, so staff can see what every sync did and
    on which data (docs/hr-sync.md). PII: the uploaded HR files name people.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("預覽")
        APPLIED = "applied", _("已套用")
        REJECTED = "rejected", _("有錯誤未套用")
        DRY_RUN = "dry_run", _("試跑")

    class Source(models.TextChoices):
        PAGE = "page", _("網頁上傳")
        COMMAND = "command", _("排程指令")

    created_at = models.DateTimeField(_("上傳時間"), auto_now_add=True)
    applied_at = models.DateTimeField(_("套用時間"), null=True, blank=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("執行者"),
    )
    source = models.CharField(_("來源"), max_length=10, choices=Source.choices, default=Source.PAGE)
    status = models.CharField(_("狀態"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    effective_on = models.DateField(_("生效日期"))
    complete_roster = models.BooleanField(_("完整名冊"), default=False)
    agencies_file = models.FileField(_("機關檔"), upload_to=hr_sync_upload_to, blank=True)
    people_file = models.FileField(_("人員檔"), upload_to=hr_sync_upload_to, blank=True)
    agencies_sha256 = models.CharField(_("機關檔雜湊"), max_length=64, blank=True)
    people_sha256 = models.CharField(_("人員檔雜湊"), max_length=64, blank=True)
    counts = models.JSONField(_("筆數"), default=dict, blank=True)
    error_count = models.PositiveIntegerField(_("錯誤筆數"), default=0)

    class Meta:
        verbose_name = _("人事資料同步")
        verbose_name_plural = _("人事資料同步")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class Deidentification(models.Model):
    """One run of the leavers' de-identification: who or what ran it, when, under which rule, whom, how much.

    The record that nothing was erased silently (docs/data-protection.md, "Retention"): the people
    it de-identified (by row, their identifiers are gone), the retention period and cut-off used,
    and what each app did for them (`counts`, e.g. national IDs removed, notices' e-mails cleared).
    PII: none left (the people linked are de-identified).
    """

    class Source(models.TextChoices):
        COMMAND = "command", _("指令")
        SCHEDULE = "schedule", _("排程")

    started_at = models.DateTimeField(_("開始時間"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成時間"), null=True, blank=True)
    source = models.CharField(_("來源"), max_length=10, choices=Source.choices)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("執行者"),
    )
    retention_days = models.PositiveIntegerField(_("保存天數"))
    left_before = models.DateField(_("離職日期早於"))
    person_count = models.PositiveIntegerField(_("去識別化人數"), default=0)
    counts = models.JSONField(_("處理筆數"), default=dict, blank=True)
    people = models.ManyToManyField(Person, related_name="+", blank=True, verbose_name=_("學員"))

    class Meta:
        verbose_name = _("離職人員去識別化紀錄")
        verbose_name_plural = _("離職人員去識別化紀錄")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_source_display()} {self.person_count}"
