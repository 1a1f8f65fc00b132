import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from courses.models import CertificationTrack, Course, Enrollment, LearningPath, Modality, Offering, Topic
from lms.people.models import Agency, AgencyKind, Person

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    from wagtail.models import Page, Revision

    return {
        model.__name__: model.objects.count()
        for model in (Agency, Person, Course, Offering, Topic, LearningPath, CertificationTrack, Enrollment,
                      get_user_model(), Page, Revision)
    }


def test_load_demo_builds_the_catalog_the_issue_asks_for_and_a_rerun_changes_nothing(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first

    assert Agency.objects.count() >= 30
    assert Agency.objects.filter(kind=AgencyKind.DISTRICT_OFFICE).count() == 38
    assert Agency.objects.filter(kind=AgencyKind.SCHOOL).exists()
    assert Person.objects.count() >= 2000
    assert Course.objects.published().count() >= 40
    topics_without_courses = Topic.objects.filter(courses__isnull=True)
    assert not topics_without_courses.exists()
    assert {"AI", "淨零", "性別主流化", "CEDAW", "政府採購", "資通安全", "英語", "職場霸凌防治", "人權", "法制"} <= set(
        Topic.objects.values_list("name", flat=True)
    )
    assert set(Offering.objects.values_list("modality", flat=True)) == set(Modality.values)
    assert set(CertificationTrack.objects.values_list("code", flat=True)) == {"PROC-BASIC", "PROC-ADV", "CYB-GEN"}
    assert LearningPath.objects.get(code="LAW-MAP").steps.values("module_code").distinct().count() == 8

    printed = out.getvalue()
    for username in ("admin", "staff", "officer", "trainee"):
        assert f"  {username} / " in printed
        password = next(line for line in printed.splitlines() if line.startswith(f"  {username} / ")).split(" / ")[1]
        assert client.login(username=username, password=password)
    assert client.get("/").status_code == 200
    assert client.get("/catalog/").status_code == 200
