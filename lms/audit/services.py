"""Recording accesses to personal data: the one hook every page, download, API and admin view calls."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from lms.audit.models import AccessedPerson, AccessEntry
from lms.people.models import Person

Channel = AccessEntry.Channel


def _own_person_id(user) -> int | None:
    return Person.objects.filter(user=user).values_list("pk", flat=True).first() if user.is_authenticated else None


def record_access(
    *,
    request,
    what: str,
    channel: str,
    people: Iterable[Person | int] = (),
    scope: str = "",
    person_count: int | None = None,
) -> AccessEntry | None:
    """Record that request.user saw or downloaded `people` (or everyone in `scope`); append-only.

    A person looking at their own data is not recorded (the audit is of access by others); when
    `people` is given and holds nobody but the user, nothing is written and None is returned.
    `person_count` is for scope-defined downloads whose people are not listed (a report run).
    """
    ids = {p.pk if isinstance(p, Person) else int(p) for p in people}
    named_anyone = bool(ids)
    ids.discard(_own_person_id(request.user))
    if named_anyone and not ids:
        return None
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        entry = AccessEntry.objects.create(
            user=user,
            username=user.get_username() if user else "",
            channel=channel,
            what=what[:200],
            scope=scope[:300],
            path=request.get_full_path()[:2000],
            client_ip=request.META.get("REMOTE_ADDR") or None,
            person_count=len(ids) if person_count is None else person_count,
        )
        AccessedPerson.objects.bulk_create(
            [AccessedPerson(entry=entry, person_id=pid) for pid in sorted(ids)], batch_size=1000
        )
    return entry
