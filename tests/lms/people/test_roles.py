"""One predicate per role question (lms.people.roles), asked by every door the same way."""

import pytest
from django.contrib.auth.models import AnonymousUser

from lms.people import roles
from lms.people.roles import Role
from tests.lms.people.factories import AgencyFactory, AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.TRAINING_STAFF, True), (Role.ADMINISTRATOR, True), (Role.AGENCY_OFFICER, False), (Role.TRAINEE, False)],
)
def test_training_staff_is_staff_or_administrator(role, expected):
    assert roles.is_training_staff(UserFactory(roles=[role])) is expected


def test_an_anonymous_user_holds_no_role():
    anonymous = AnonymousUser()
    assert not roles.is_training_staff(anonymous)
    assert not roles.is_agency_officer(anonymous)
    assert not roles.can_nominate(anonymous)


def test_an_officer_with_a_current_binding_may_nominate_and_see_agency_reports():
    officer = AgencyOfficerFactory(agency=AgencyFactory())
    assert roles.is_agency_officer(officer.user)
    assert roles.can_nominate(officer.user) and roles.can_see_agency_reports(officer.user)
    assert not roles.sees_everyone(officer.user)


def test_an_administrator_fills_the_waitlist_as_staff_do(client):
    """The same answer on the roster page and in the waitlist service (they used to disagree)."""
    from tests.courses.factories import OfferingFactory

    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    offering = OfferingFactory()
    client.force_login(admin)
    assert client.get(f"/learning/staff/offerings/{offering.code}/").status_code == 200
    from courses.services.enrollment import fill_from_waitlist

    assert fill_from_waitlist(offering=offering, by_user=admin) == []
