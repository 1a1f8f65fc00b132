"""The access audit: who saw or downloaded whose personal data, when, what, from where.

個人資料保護法 §27 asks a data holder to keep personal data secure; being able to answer "who
looked at this person's records" is part of that (docs/data-protection.md, "Access audit").
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("the access audit is append-only")

    def delete(self):
        raise PermissionDenied("the access audit is append-only")


class AccessEntry(models.Model):
    """One view or download of named people's data by someone other than those people.

    Append-only: rows are never changed or deleted (the queryset and save() refuse it), so the
    record of an access cannot be erased by the one who accessed. The people covered are rows of
    AccessedPerson, so an administrator can ask "who saw P2" as well as "what did officer X see";
    a download defined by a scope (a report run, the national export) records the scope too.
    The username is kept as written at the time, in case the account is renamed or removed.
    PII: the accessor's username and client IP, and (through AccessedPerson) the people seen.
    """

    class Channel(models.TextChoices):
        PAGE = "page", _("頁面瀏覽")
        DOWNLOAD = "download", _("檔案下載")
        API = "api", _("API")
        ADMIN = "admin", _("管理後台")

    at = models.DateTimeField(_("時間"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("使用者"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(_("帳號"), max_length=150, db_index=True)
    channel = models.CharField(_("管道"), max_length=16, choices=Channel.choices)
    what = models.CharField(_("內容"), max_length=200, db_index=True)
    scope = models.CharField(_("範圍"), max_length=300, blank=True)
    path = models.CharField(_("網址"), max_length=2000, blank=True)
    client_ip = models.GenericIPAddressField(_("來源 IP"), null=True, blank=True)
    person_count = models.PositiveIntegerField(_("涉及人數"), default=0)
    people = models.ManyToManyField(
        "people.Person", through="AccessedPerson", related_name="+", verbose_name=_("涉及人員")
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("個資存取紀錄")
        verbose_name_plural = _("個資存取紀錄")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.what}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("the access audit is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("the access audit is append-only")

    def employee_numbers(self) -> str:
        numbers = self.accessed.order_by("person__employee_number").values_list("person__employee_number", flat=True)
        return ", ".join(numbers)

    employee_numbers.short_description = _("員工編號")


class AccessedPerson(models.Model):
    """A person whose data an AccessEntry covered. Append-only with its entry. PII: the link to the person."""

    entry = models.ForeignKey(AccessEntry, on_delete=models.PROTECT, related_name="accessed")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="access_entries")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("被存取人員")
        verbose_name_plural = _("被存取人員")
        constraints = [models.UniqueConstraint(fields=["entry", "person"], name="audit_accessed_person_once")]

    def __str__(self):
        return f"{self.entry_id} → {self.person_id}"
