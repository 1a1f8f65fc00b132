"""Retention of leavers' personal data: de-identify those who left more than the retention period ago.

個人資料保護法 §11: once the purpose of keeping personal data is over it is deleted or no longer
used. A leaver's learning records, completions, certificates and agency history stay (the
reports of past years still count them), but whatever names the person goes: name, e-mail,
employee number (replaced by a stable pseudonym), the user account (unusable), and what other
apps hold about them (the `person_deidentified` signal). See docs/data-protection.md, "Retention".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from lms.people.models import Deidentification, Person
from lms.people.signals import person_deidentified

# What replaces the name: a fixed text, so no pattern of the original survives.
DEIDENTIFIED_NAME = "（已去識別）"
PSEUDONYM_PREFIX = "DEID"


def pseudonym(employee_number: str) -> str:
    """The stable pseudonym that replaces an employee number: "DEID" + 16 hex digits of a keyed hash.

    Keyed (SECRET_KEY) so it cannot be computed without the key, stable so the reports'
    projection still finds the person when it replays the LRS's statements, whose actor is the
    original number (reports.services.projection); fits the field's 20 characters.
    """
    return _pseudonym(employee_number, settings.SECRET_KEY)


def _pseudonym(employee_number: str, secret: str) -> str:
    digest = salted_hmac("lms.people.retention.pseudonym", employee_number, secret=secret, algorithm="sha256")
    return f"{PSEUDONYM_PREFIX}{digest.hexdigest()[:16].upper()}"


def known_pseudonyms(employee_number: str) -> list[str]:
    """The pseudonyms a number may have been given: under SECRET_KEY and each of SECRET_KEY_FALLBACKS."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_pseudonym(employee_number, secret) for secret in secrets]


def retention_cutoff(*, today: dt.date | None = None) -> dt.date:
    """Leavers whose left_on is before this date are past the retention period."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.LMS_LEAVER_RETENTION_DAYS)


def leavers_due(*, today: dt.date | None = None) -> QuerySet[Person]:
    """Leavers past the retention period and not yet de-identified."""
    return Person.objects.filter(
        is_active=False,
        left_on__isnull=False,
        left_on__lt=retention_cutoff(today=today),
        deidentified_at__isnull=True,
    ).order_by("left_on", "pk")


@dataclass
class RetentionResult:
    left_before: dt.date
    people: list[Person] = field(default_factory=list)  # dry run: who would be; else who was
    counts: Counter = field(default_factory=Counter)
    run: Deidentification | None = None


def _deidentify_account(user) -> None:
    user.username = f"deidentified-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def deidentify_person(person: Person, *, at: dt.datetime | None = None) -> Counter:
    """Replace one leaver's identifiers and tell the other apps; the caller holds the transaction."""
    counts: Counter = Counter()
    person.name = DEIDENTIFIED_NAME
    person.email = ""
    person.employee_number = pseudonym(person.employee_number)
    person.deidentified_at = at or timezone.now()
    person.save(update_fields=["name", "email", "employee_number", "deidentified_at"])
    if person.user_id:
        _deidentify_account(person.user)
        counts["people.accounts_disabled"] += 1
    for _receiver, response in person_deidentified.send(sender=Person, person=person):
        counts.update(response or {})
    return counts


def deidentify_leavers(
    *, dry_run: bool = False, source: str = Deidentification.Source.COMMAND, run_by=None, today: dt.date | None = None
) -> RetentionResult:
    """De-identify every leaver past the retention period, one transaction per person, recorded in a run.

    A dry run only lists who would be de-identified and writes nothing. A run that finds nobody
    is still recorded (the schedule ran, and found no one). A person already de-identified is
    never selected again, so re-running is harmless.
    """
    result = RetentionResult(left_before=retention_cutoff(today=today))
    due = list(leavers_due(today=today).select_related("user"))
    if dry_run:
        result.people = due
        return result
    run = Deidentification.objects.create(
        source=source,
        run_by=run_by,
        retention_days=settings.LMS_LEAVER_RETENTION_DAYS,
        left_before=result.left_before,
    )
    for person in due:
        with transaction.atomic():
            # Re-read under lock: a concurrent run (command and schedule) must not process twice.
            locked = Person.objects.select_for_update().filter(pk=person.pk, deidentified_at__isnull=True).first()
            if locked is None:
                continue
            result.counts.update(deidentify_person(locked))
            result.people.append(locked)
            run.people.add(locked)
            run.person_count = len(result.people)
            run.counts = dict(sorted(result.counts.items()))
            run.save(update_fields=["person_count", "counts"])
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    result.run = run
    return result
