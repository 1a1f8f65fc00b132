"""Rules are data staff edit in the Wagtail admin; the demo seeds both regimes (docs/domain.md)."""

import pytest
from django.core.exceptions import ValidationError

from lms.people.roles import Role
from reports.demo import RULES, load_rules
from reports.models import RequirementRule
from tests.lms.people.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_rules_seed_both_regimes_once():
    assert load_rules() == len(RULES)
    assert load_rules() == 0
    codes = set(RequirementRule.objects.values_list("code", flat=True))
    assert {
        "y2012-total-40h",
        "y2012-digital-5h",
        "y2012-work-20h",
        "y2017-work-20h",
        "cedaw-2017-2019",
        "icerd-30",
    } <= codes
    cedaw = RequirementRule.objects.get(code="cedaw-2017-2019")
    assert (cedaw.period, cedaw.from_year, cedaw.to_year, cedaw.coverage_target_percent) == ("window", 2017, 2019, 50)
    assert cedaw.counted_years(2018) == (2017, 2018)


def test_training_staff_edit_rules_in_the_admin(client):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    assert client.get("/admin/snippets/reports/requirementrule/").status_code == 200
    assert client.get("/admin/snippets/reports/requirementrule/add/").status_code == 200


def test_agency_officers_cannot_edit_rules(client):
    client.force_login(UserFactory(roles=[Role.AGENCY_OFFICER]))
    assert client.get("/admin/snippets/reports/requirementrule/add/").status_code in (302, 403)


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"measure": "total_hours", "min_hours": None}, "min_hours"),
        ({"measure": "course_completion"}, "course"),
        ({"measure": "modality_hours", "min_hours": 5, "modalities": []}, "modalities"),
        ({"measure": "total_hours", "min_hours": 5, "modalities": ["tv"]}, "modalities"),
        ({"measure": "total_hours", "min_hours": 5, "period": "window"}, "to_year"),
    ],
)
def test_incomplete_rules_are_rejected_by_field(fields, error_field):
    rule = RequirementRule(code="x", name="x", from_year=2025, **fields)
    with pytest.raises(ValidationError) as excinfo:
        rule.full_clean()
    assert error_field in excinfo.value.message_dict


def test_staff_add_a_rule_through_the_admin_form_with_checkbox_filters(client):
    from tests.reports.factories import TopicFactory

    topic = TopicFactory(slug="cyber-security")
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    response = client.post(
        "/admin/snippets/reports/requirementrule/add/",
        {
            "code": "infosec-staff",
            "sort_order": 0,
            "is_active": "on",
            "name": "資安人員每年 12 小時",
            "source": "公開資料",
            "measure": "topic_hours",
            "min_hours": "12",
            "topics": [topic.pk],
            "modalities": ["classroom", "elearning"],
            "period": "annual",
            "from_year": "2025",
            "employment_types": ["civil_servant"],
            "rank_series": [],
            "supervisors": "any",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = RequirementRule.objects.get(code="infosec-staff")
    assert rule.modalities == ["classroom", "elearning"] and rule.employment_types == ["civil_servant"]
    assert list(rule.topics.all()) == [topic]


def test_an_invalid_rule_posted_in_the_admin_is_not_stored(client):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    response = client.post(
        "/admin/snippets/reports/requirementrule/add/",
        {
            "code": "broken",
            "sort_order": 0,
            "name": "x",
            "measure": "course_completion",
            "period": "annual",
            "from_year": "2025",
            "supervisors": "any",
        },
    )
    assert response.status_code == 200
    assert not RequirementRule.objects.filter(code="broken").exists()
