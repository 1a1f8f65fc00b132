"""Transfers between agencies: append to the membership history and move Person.agency."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lms.people.models import Agency, AgencyMembership, Person


def transfer_person(*, person: Person, agency: Agency, on: dt.date) -> AgencyMembership:
    """Close the person's open stretch the day before `on` and open one at `agency`.

    A person without history gets a first stretch at their current agency, open-ended from
    the earliest possible date, so that reports for earlier dates still place them.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        current = person.memberships.filter(ended_on__isnull=True).order_by("-started_on").first()
        if current is None:
            current = AgencyMembership.objects.create(
                person=person, agency=person.agency, started_on=dt.date(1900, 1, 1)
            )
        if on <= current.started_on:
            raise ValidationError({"on": _("調動日期必須晚於目前任職的到職日期。")})
        current.ended_on = on - dt.timedelta(days=1)
        current.full_clean()
        current.save(update_fields=["ended_on"])
        membership = AgencyMembership(person=person, agency=agency, started_on=on)
        membership.full_clean()
        membership.save()
        person.agency = agency
        person.save(update_fields=["agency"])
    return membership
