import json

import pytest
from django.urls import reverse

from courses.models import Offering
from lms.people.roles import Role
from tests.courses.factories import CourseFactory, UpcomingOfferingFactory
from tests.lms.people.factories import AgencyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

OFFERING_ADD = "wagtailsnippets_courses_offering:add"


def _offering_form(course, **overrides) -> dict:
    data = {
        "course": course.pk,
        "code": "115-AI-101-09",
        "term": "9",
        "start_date": "2026-12-14",
        "end_date": "2026-12-15",
        "hours": "12",
        "capacity": "40",
        "attendance_threshold": "80",
        "enrollment_opens": "2026-11-20 09:00",
        "enrollment_closes": "2026-12-10 17:00",
        "cancellation_deadline": "",
        "modality": "classroom",
        "venue": "公務人力發展中心 301 教室",
        "meeting_url": "",
        "sessions-TOTAL_FORMS": "2",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
        "sessions-0-date": "2026-12-14",
        "sessions-0-start_time": "09:00",
        "sessions-0-end_time": "16:00",
        "sessions-0-hours": "6",
        "sessions-0-ORDER": "1",
        "sessions-0-DELETE": "",
        "sessions-1-date": "2026-12-15",
        "sessions-1-start_time": "09:00",
        "sessions-1-end_time": "16:00",
        "sessions-1-hours": "6",
        "sessions-1-ORDER": "2",
        "sessions-1-DELETE": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    return client


def test_training_staff_create_an_offering_with_its_session_days(staff_client):
    course = CourseFactory(code="AI-101")
    response = staff_client.post(reverse(OFFERING_ADD), _offering_form(course))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    offering = Offering.objects.get(code="115-AI-101-09")
    assert offering.course == course and offering.capacity == 40
    assert [str(s.date) for s in offering.sessions.all()] == ["2026-12-14", "2026-12-15"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2026-12-01"}, "end_date", "結訓日期不可早於開訓日期"),
        ({"hours": "0"}, "hours", "訓練時數必須大於 0"),
        ({"capacity": "0"}, "capacity", "名額至少為 1 人"),
        ({"enrollment_closes": "2026-12-20 17:00"}, "enrollment_closes", "報名截止不可晚於開訓時間"),
    ],
)
def test_invalid_offering_shows_the_error_on_the_field_and_saves_nothing(staff_client, overrides, field, message):
    course = CourseFactory()
    response = staff_client.post(reverse(OFFERING_ADD), _offering_form(course, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in text for text in errors[field])
    assert message in response.content.decode()
    assert not Offering.objects.exists()


def test_session_ending_before_it_starts_is_refused_and_nothing_is_saved(staff_client):
    course = CourseFactory()
    response = staff_client.post(reverse(OFFERING_ADD), _offering_form(course, **{"sessions-0-end_time": "08:00"}))
    assert response.status_code == 200
    assert "結束時間必須晚於開始時間" in response.content.decode()
    assert not Offering.objects.exists()


def test_training_staff_see_the_catalog_admin(staff_client):
    assert staff_client.get(reverse("wagtailsnippets_courses_course:add")).status_code == 200
    assert staff_client.get(reverse("wagtailsnippets_courses_course:list")).status_code == 200


def test_training_staff_cannot_delete_offerings_they_cancel_them_instead(staff_client):
    offering = UpcomingOfferingFactory()
    response = staff_client.post(reverse("wagtailsnippets_courses_offering:delete", args=[offering.pk]))
    assert response.status_code in (302, 403)
    assert Offering.objects.filter(pk=offering.pk).exists()


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.AGENCY_OFFICER])
def test_trainees_and_agency_officers_cannot_edit_the_catalog(client, role):
    user = AgencyOfficerFactory().user if role == Role.AGENCY_OFFICER else UserFactory(roles=[role])
    client.force_login(user)
    course = CourseFactory()
    for url in (
        reverse("wagtailsnippets_courses_course:add"),
        reverse("wagtailsnippets_courses_course:edit", args=[course.pk]),
        reverse(OFFERING_ADD),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        location = response.get("Location", "")
        assert response.status_code == 403 or "/admin/login/" in location or location == "/admin/"
    response = client.post(reverse(OFFERING_ADD), _offering_form(course))
    assert not Offering.objects.exists()


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get(reverse("wagtailsnippets_courses_course:list"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_interface_defaults_to_traditional_chinese(staff_client):
    html = staff_client.get(reverse("wagtailsnippets_courses_course:list")).content.decode()
    assert "課程" in html
    assert 'lang="zh-hant"' in html.lower() or 'lang="zh-Hant"' in html


def test_admin_menu_links_training_staff_to_their_desk_and_the_reports(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert "/learning/staff/" in html and "/reports/" in html


def test_staff_search_the_course_listing_by_code_without_an_error(staff_client):
    CourseFactory(code="AI-101", title="AI 實戰工作坊")
    CourseFactory(code="GEN-201", title="性別主流化")
    response = staff_client.get(reverse("wagtailsnippets_courses_course:list"), {"q": "AI-101"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "AI 實戰工作坊" in body
    assert "性別主流化" not in body


@pytest.mark.parametrize("query", ["AI-101", "ai-1", "實戰"])
def test_course_chooser_finds_a_course_by_code_or_title(staff_client, query):
    CourseFactory(code="AI-101", title="AI 實戰工作坊")
    CourseFactory(code="GEN-201", title="性別主流化")
    response = staff_client.get(reverse("wagtailsnippetchoosers_courses_course:choose_results"), {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "AI 實戰工作坊" in body
    assert "性別主流化" not in body


def test_offering_chooser_finds_an_offering_by_code(staff_client):
    UpcomingOfferingFactory(code="115-AI-101-09")
    other = UpcomingOfferingFactory(code="115-GEN-201-01")
    response = staff_client.get(reverse("wagtailsnippetchoosers_courses_offering:choose_results"), {"q": "AI-101"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "115-AI-101-09" in body
    assert other.code not in body


def test_course_listing_shows_boolean_columns_as_yes_or_no_in_words(staff_client):
    CourseFactory(code="AI-101", title="AI 實戰工作坊")
    response = staff_client.get(reverse("wagtailsnippets_courses_course:list"))
    body = response.content.decode()
    assert "是" in body or "否" in body
    assert 'title="True"' not in body and 'title="False"' not in body


def test_admin_strings_wagtail_leaves_in_english_are_in_zh_hant(staff_client):
    body = staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-Hant").content.decode()
    assert "鍵盤快速鍵" in body
    assert "Keyboard shortcuts" not in body
    listing = staff_client.get(reverse("wagtailsnippets_courses_course:list")).content.decode()
    assert "搜尋…" in listing and "Search…" not in listing
    catalog = staff_client.get("/admin/jsi18n/").content.decode()
    assert json.dumps("全部收合")[1:-1] in catalog  # the JavaScript catalog escapes non-ASCII


def test_admin_reaches_neither_gravatar_nor_the_wagtail_update_check(staff_client):
    body = staff_client.get("/admin/").content.decode()
    assert "gravatar.com" not in body
    assert "w-upgrade" not in body
