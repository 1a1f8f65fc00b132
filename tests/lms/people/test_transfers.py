import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lms.people.models import AgencyMembership
from lms.people.transfers import transfer_person
from tests.lms.people.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_transfer_closes_the_open_stretch_and_moves_the_current_agency():
    old, new = AgencyFactory(), AgencyFactory()
    person = PersonFactory(agency=old)
    transfer_person(person=person, agency=new, on=dt.date(2025, 7, 1))
    person.refresh_from_db()
    assert person.agency == new
    stretches = list(AgencyMembership.objects.filter(person=person).values_list("agency_id", "started_on", "ended_on"))
    assert stretches == [(old.pk, dt.date(1900, 1, 1), dt.date(2025, 6, 30)), (new.pk, dt.date(2025, 7, 1), None)]


def test_a_transfer_dated_before_the_current_stretch_is_rejected_and_nothing_changes():
    old, new, other = AgencyFactory(), AgencyFactory(), AgencyFactory()
    person = PersonFactory(agency=old)
    transfer_person(person=person, agency=new, on=dt.date(2025, 7, 1))
    with pytest.raises(ValidationError) as excinfo:
        transfer_person(person=person, agency=other, on=dt.date(2025, 7, 1))
    assert set(excinfo.value.message_dict) == {"on"}
    person.refresh_from_db()
    assert person.agency == new and AgencyMembership.objects.filter(person=person).count() == 2
