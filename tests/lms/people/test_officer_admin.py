import datetime as dt

import pytest

from lms.people.roles import Role
from tests.lms.people.factories import AgencyFactory, AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_administrators_see_who_is_bound_where_and_which_bindings_ended(client):
    admin = UserFactory(username="boss", roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    social, fire = AgencyFactory(name="社會局"), AgencyFactory(name="消防局")
    AgencyOfficerFactory(user=UserFactory(username="current_officer"), agency=social)
    AgencyOfficerFactory(user=UserFactory(username="former_officer"), agency=fire, ended_on=dt.date(2025, 6, 30))
    response = client.get("/admin/snippets/people/agencyofficer/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "current_officer" in text and "社會局" in text
    assert "former_officer" in text and "消防局" in text and "2025" in text
