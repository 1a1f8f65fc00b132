"""Access audit: every view or download of named people's data by someone else is recorded, append-only,
and administrators search and export it in the admin."""

import csv
import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from lms.audit.models import AccessedPerson, AccessEntry
from lms.people.roles import Role
from reports.services.national_export import set_national_id
from reports.services.tokens import issue_api_token
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _numbers(entry: AccessEntry) -> set[str]:
    return set(entry.accessed.values_list("person__employee_number", flat=True))


def test_an_officers_download_is_recorded_with_the_people_it_covered(client, city):
    officer = AgencyOfficerFactory(agency=city.a1, user__username="officer-a1")
    client.force_login(officer.user)
    response = client.get(
        "/reports/compliance/", {"year": 2019, "format": "csv", "table": "noncompliant"}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    entry = AccessEntry.objects.get(what="reports.noncompliant.csv")
    assert (entry.username, entry.user, entry.channel, entry.client_ip) == (
        "officer-a1",
        officer.user,
        "download",
        "10.1.2.3",
    )
    assert entry.scope == "agency=A1 year=2019" and "format=csv" in entry.path
    assert _numbers(entry) == {"P2", "P3"} and entry.person_count == 2


def test_the_noncompliant_list_page_is_recorded_with_the_people_shown(client, city):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    client.get("/reports/compliance/", {"year": 2019})
    entry = AccessEntry.objects.get(what="reports.noncompliant.page")
    assert entry.channel == "page" and {"P2", "P3", "P4"} <= _numbers(entry)


def test_an_officer_viewing_a_learners_report_is_recorded(client, city):
    officer = AgencyOfficerFactory(agency=city.a1)
    client.force_login(officer.user)
    assert client.get("/reports/learner/", {"year": 2019, "person": "P2"}).status_code == 200
    assert client.get("/reports/learner/", {"year": 2019, "person": "P2", "format": "xlsx"}).status_code == 200
    assert [(e.what, _numbers(e)) for e in AccessEntry.objects.order_by("pk")] == [
        ("reports.learner.page", {"P2"}),
        ("reports.learner.xlsx", {"P2"}),
    ]


def test_a_learner_looking_at_their_own_report_is_not_recorded(client, city):
    user = UserFactory(roles=[Role.TRAINEE])
    city.p1.user = user
    city.p1.save()
    client.force_login(user)
    assert client.get("/reports/learner/", {"year": 2019, "format": "csv"}).status_code == 200
    assert not AccessEntry.objects.exists()


def test_a_refused_request_records_nothing(client, city):
    officer = AgencyOfficerFactory(agency=city.a1)
    client.force_login(officer.user)
    assert client.get("/reports/learner/", {"year": 2019, "person": "P4"}).status_code == 403
    assert not AccessEntry.objects.exists()


def test_api_rows_naming_people_are_recorded_and_aggregates_are_not(city):
    officer = AgencyOfficerFactory(agency=city.a1)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_token(user=officer.user).key}")
    assert api.get("/api/agency/noncompliant/", {"year": 2019}).status_code == 200
    assert api.get("/api/agency/compliance/", {"year": 2019}).status_code == 200
    entry = AccessEntry.objects.get()
    assert (entry.what, entry.channel, entry.user) == ("api.noncompliant", "api", officer.user)
    assert _numbers(entry) == {"P2", "P3"}


def test_the_national_export_is_recorded_with_its_scope(client, city, settings):
    settings.NATIONAL_ID_KEYS = [Fernet.generate_key().decode()]
    set_national_id(person=city.p2, national_id="E123456789")
    from courses.models import Course
    from reports.models import CourseNationalCategory, NationalCode

    category = NationalCode.objects.create(kind=NationalCode.Kind.COURSE_CATEGORY, code="C1", name="C1")
    CourseNationalCategory.objects.create(course=Course.objects.get(code="CED"), category=category)
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    response = client.post(
        "/reports/national-export/", {"kind": "lifelong", "encoding": "cp950", "offering": city.offerings.ced_2018.code}
    )
    assert response.status_code == 200, response.content.decode(errors="replace")[:2000]
    entry = AccessEntry.objects.get(what="reports.national_export")
    assert "offering=CED-107-01" in entry.scope and entry.person_count == 1
    assert _numbers(entry) == {"P2"}  # the people the file covered


def test_opening_a_person_in_the_admin_is_recorded(client, city):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    response = client.get(f"/admin/snippets/people/person/edit/{city.p3.pk}/")
    assert response.status_code == 200
    entry = AccessEntry.objects.get()
    assert (entry.what, entry.channel, _numbers(entry)) == ("admin.person.edit", "admin", {"P3"})


def test_the_audit_is_append_only(client, city):
    officer = AgencyOfficerFactory(agency=city.a1)
    client.force_login(officer.user)
    client.get("/reports/learner/", {"year": 2019, "person": "P2"})
    entry = AccessEntry.objects.get()
    entry.what = "something else"
    for attempt in (
        entry.save,
        entry.delete,
        AccessEntry.objects.all().delete,
        lambda: AccessEntry.objects.update(what="x"),
        AccessedPerson.objects.all().delete,
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert AccessEntry.objects.get().what == "reports.learner.page" and AccessedPerson.objects.count() == 1


def test_administrators_search_the_audit_by_person_and_export_it(client, city):
    officer = AgencyOfficerFactory(agency=city.a1, user__username="=officer")
    client.force_login(officer.user)
    client.get("/reports/compliance/", {"year": 2019, "format": "csv", "table": "noncompliant"})
    client.get("/reports/learner/", {"year": 2019, "person": "P3"})

    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    page = client.get("/admin/access_audit/", {"q": "P2"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "reports.noncompliant.csv" in body and "reports.learner.page" not in body

    export = client.get("/admin/access_audit/", {"export": "csv"})
    assert export.status_code == 200 and "no-store" in export["Cache-Control"]
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    by_what = {row[3]: row for row in rows[1:]}
    assert by_what["reports.noncompliant.csv"][1] == "'=officer"  # neutralised like every export
    assert by_what["reports.noncompliant.csv"][-1] == "P2, P3"


def test_only_administrators_see_the_audit_and_nobody_edits_it(client, city):
    officer = AgencyOfficerFactory(agency=city.a1)
    client.force_login(officer.user)
    client.get("/reports/learner/", {"year": 2019, "person": "P2"})
    assert client.get("/admin/access_audit/").status_code in (302, 403)
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    assert client.get("/admin/access_audit/").status_code in (302, 403)
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    pk = AccessEntry.objects.get().pk
    for url in (f"/admin/access_audit/edit/{pk}/", f"/admin/access_audit/delete/{pk}/", "/admin/access_audit/new/"):
        assert client.get(url).status_code == 404
    superuser = UserFactory()
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    index = client.get("/admin/access_audit/")
    assert index.status_code == 200 and "/admin/access_audit/edit/" not in index.content.decode()
