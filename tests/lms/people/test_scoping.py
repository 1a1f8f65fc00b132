import pytest

from lms.people.models import Agency, Person
from lms.people.roles import Role
from tests.lms.people.factories import AgencyFactory, AgencyOfficerFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = AgencyFactory(name="高雄市政府", code="CITY")
    social = AgencyFactory(parent=city, name="社會局", code="SOC")
    social_child = AgencyFactory(parent=social, name="社會局仁愛之家", code="SOC1", kind="second_level")
    fire = AgencyFactory(parent=city, name="消防局", code="FIRE")
    return {"city": city, "social": social, "social_child": social_child, "fire": fire}


def test_subtree_includes_the_agency_and_its_descendants_only(tree):
    assert set(Agency.objects.subtree_of(tree["social"])) == {tree["social"], tree["social_child"]}


def test_agency_officer_sees_only_people_in_their_subtree(tree):
    mine = PersonFactory(agency=tree["social"])
    mine_below = PersonFactory(agency=tree["social_child"])
    PersonFactory(agency=tree["fire"])
    officer = AgencyOfficerFactory(agency=tree["social"])
    assert set(Person.objects.visible_to(officer.user)) == {mine, mine_below}


def test_training_staff_see_everyone(tree):
    people = {PersonFactory(agency=tree["social"]), PersonFactory(agency=tree["fire"])}
    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    assert set(Person.objects.visible_to(staff)) == people


def test_trainee_sees_only_themselves(tree):
    user = UserFactory(roles=[Role.TRAINEE])
    me = PersonFactory(agency=tree["fire"], user=user)
    PersonFactory(agency=tree["fire"])
    assert list(Person.objects.visible_to(user)) == [me]


def test_grade_outside_1_to_14_is_refused_by_the_database(tree):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        PersonFactory(agency=tree["fire"], grade=15)


def test_role_groups_exist_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_administrators_manage_people_and_training_staff_only_look_them_up(client, tree):
    from django.urls import reverse

    person = PersonFactory(agency=tree["fire"])
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    staff = UserFactory(roles=[Role.TRAINING_STAFF])
    client.force_login(staff)
    assert client.get(reverse("wagtailsnippets_people_person:list")).status_code == 200
    assert client.get(reverse("wagtailsnippets_people_person:edit", args=[person.pk])).status_code in (302, 403)
    client.force_login(admin)
    response = client.post(
        reverse("wagtailsnippets_people_agencyofficer:add"),
        {"user": UserFactory(username="hr1").pk, "agency": tree["social"].pk},
    )
    assert response.status_code == 302
    from lms.people.models import AgencyOfficer

    assert AgencyOfficer.objects.get(user__username="hr1").agency == tree["social"]


def test_trainees_cannot_open_the_people_admin(client, tree):
    from django.urls import reverse

    client.force_login(UserFactory(roles=[Role.TRAINEE]))
    assert client.get(reverse("wagtailsnippets_people_person:list")).status_code in (302, 403)
