"""A data-subject export: everything the LMS holds about one person, for staff only, itself audited."""

import json

import pytest
from cryptography.fernet import Fernet

from lms.audit.models import AccessEntry
from lms.people.roles import Role
from reports.services.national_export import set_national_id
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_export_everything_held_about_one_person(client, city, settings):
    settings.NATIONAL_ID_KEYS = [Fernet.generate_key().decode()]
    set_national_id(person=city.p2, national_id="E123456789")
    officer = AgencyOfficerFactory(agency=city.a1, user__username="officer-a1")
    client.force_login(officer.user)
    client.get("/reports/learner/", {"year": 2019, "person": "P2"})

    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF], username="staff-1"))
    response = client.get("/reports/people/P2/data-export/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["person"]["fields"]["employee_number"] == "P2" and data["person"]["fields"]["name"] == "李二"
    records = data["records"]["reports.LearningRecord"]
    assert records and all(r["fields"]["person"] == city.p2.pk for r in records)
    assert "people.AgencyMembership" in data["records"]
    own = [s for s in data["statements"] if s["actor"].get("account", {}).get("name") == "P2"]
    assert len(own) >= 4  # ENV, POL, CED and the corrected GEN (the voided one is not returned)
    assert [(e["username"], e["what"]) for e in data["access_audit"]] == [("officer-a1", "reports.learner.page")]
    assert data["national_id_on_file"] is True and "E123456789" not in response.content.decode()
    # The export is itself an access by someone else, recorded.
    assert AccessEntry.objects.filter(what="reports.data_subject_export", username="staff-1").exists()


def test_officers_and_learners_cannot_export_a_person_and_unknown_people_are_404(client, city):
    client.force_login(AgencyOfficerFactory(agency=city.a1).user)
    assert client.get("/reports/people/P2/data-export/").status_code == 403
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    assert client.get("/reports/people/NOBODY/data-export/").status_code == 404
    assert not AccessEntry.objects.filter(what="reports.data_subject_export").exists()
