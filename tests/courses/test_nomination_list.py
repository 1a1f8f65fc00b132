"""The officer's list of their subtree's people, from which they nominate (薦送) without typing numbers."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.utils import timezone

from courses.models import Enrollment
from tests.courses.factories import OfferingFactory
from tests.lms.people.factories import AgencyFactory, AgencyOfficerFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offering():
    now = timezone.now()
    start = timezone.localdate() + dt.timedelta(days=10)
    return OfferingFactory(
        start_date=start,
        end_date=start,
        enrollment_opens=now - dt.timedelta(days=1),
        enrollment_closes=now + dt.timedelta(days=5),
        capacity=30,
    )


@pytest.fixture
def tree():
    city = AgencyFactory(name="市府")
    social = AgencyFactory(parent=city, name="社會局")
    home = AgencyFactory(parent=social, name="仁愛之家")
    fire = AgencyFactory(parent=city, name="消防局")
    return {"city": city, "social": social, "home": home, "fire": fire}


def test_the_officer_sees_only_their_subtree_and_nominates_with_a_button(client, offering, tree):
    officer = AgencyOfficerFactory(agency=tree["social"])
    client.force_login(officer.user)
    mine = PersonFactory(agency=tree["home"], name="林小華")
    stranger = PersonFactory(agency=tree["fire"], name="外機關")
    PersonFactory(agency=tree["social"], name="已離職", is_active=False)
    url = f"/learning/offerings/{offering.code}/nominate/"
    text = client.get(url).content.decode()
    assert "林小華" in text and "外機關" not in text and "已離職" not in text
    assert f'value="{stranger.agency.code}"' not in text  # the agency filter offers the subtree only
    response = client.post(url, {"employee_number": mine.employee_number, "next": f"{url}?q=林"}, follow=True)
    assert unquote(response.redirect_chain[-1][0]) == f"{url}?q=林"
    assert "已薦送 林小華" in response.content.decode() and "已報名" in response.content.decode()
    assert Enrollment.objects.get().person == mine and Enrollment.objects.get().nominated_by == officer.user


def test_search_by_name_or_employee_number_and_filter_by_agency(client, offering, tree):
    client.force_login(AgencyOfficerFactory(agency=tree["social"]).user)
    wang = PersonFactory(agency=tree["social"], name="王大明", employee_number="S0001")
    lin = PersonFactory(agency=tree["home"], name="林小華", employee_number="S0002")
    url = f"/learning/offerings/{offering.code}/nominate/"

    def names(**params):
        page = client.get(url, params).context["page_obj"]
        return [p.name for p in page]

    assert names(q="大明") == ["王大明"]
    assert names(q="S0002") == ["林小華"]
    assert names(agency=tree["home"].code) == ["林小華"]
    assert sorted(names()) == sorted([wang.name, lin.name])
    # An agency outside the subtree is not a valid choice: the form says so and nobody extra is listed.
    response = client.get(url, {"agency": tree["fire"].code})
    assert response.context["filters"].errors and sorted(p.name for p in response.context["page_obj"]) == [
        "林小華",
        "王大明",
    ]


def test_the_list_is_paged(client, offering, tree):
    client.force_login(AgencyOfficerFactory(agency=tree["home"]).user)
    PersonFactory.create_batch(30, agency=tree["home"])
    url = f"/learning/offerings/{offering.code}/nominate/"
    first = client.get(url).context["page_obj"]
    second = client.get(url, {"page": 2}).context["page_obj"]
    assert (len(first), len(second), first.paginator.count) == (25, 5, 30)
    assert not {p.pk for p in first} & {p.pk for p in second}
    assert "page=2" in client.get(url).content.decode()


def test_an_officer_whose_binding_ended_sees_nobody_and_cannot_nominate(client, offering, tree):
    officer = AgencyOfficerFactory(agency=tree["social"], ended_on=dt.date(2025, 6, 30))
    client.force_login(officer.user)
    person = PersonFactory(agency=tree["social"])
    url = f"/learning/offerings/{offering.code}/nominate/"
    assert client.get(url).status_code == 403  # an ended binding grants nothing (lms.people.roles)
    assert client.post(url, {"employee_number": person.employee_number}).status_code == 403
    assert not Enrollment.objects.exists()
