import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses.models import Course
from lms.people.roles import Role
from tests.courses.factories import CourseFactory
from tests.lms.people.factories import UserFactory

pytestmark = pytest.mark.django_db


def _course_form(course: Course, **overrides) -> dict:
    data = {
        "code": course.code,
        "title": course.title,
        "summary": course.summary,
        "credit_hours": str(course.credit_hours),
        "modality": course.modality,
        "competency_axis": "",
        "audience": "",
        "eligible_rank_series": "",
        "min_grade": "",
        "max_grade": "",
        "body": streamfield([]),
        "learning_outcomes": streamfield([("outcome", "能說明課程核心概念")]),
    }
    data.update(overrides)
    return nested_form_data(data)


@pytest.fixture
def staff_client():
    staff = Client()
    staff.force_login(UserFactory(roles=[Role.TRAINING_STAFF]))
    return staff


@pytest.fixture
def published_course(catalog):
    course = CourseFactory(code="AI-101", title="AI 實戰工作坊")
    course.save_revision().publish()
    return course


def test_saving_a_draft_keeps_the_published_version_public_until_it_is_published(
    client, staff_client, published_course
):
    edit_url = reverse("wagtailsnippets_courses_course:edit", args=[published_course.pk])
    response = staff_client.post(edit_url, _course_form(published_course, title="AI 實戰工作坊（新版）"))
    assert response.status_code == 302

    published_course.refresh_from_db()
    assert published_course.has_unpublished_changes
    assert published_course.revisions.count() == 2
    assert "（新版）" not in client.get("/catalog/course/AI-101/").content.decode()

    response = staff_client.post(
        edit_url, {**_course_form(published_course, title="AI 實戰工作坊（新版）"), "action-publish": "action-publish"}
    )
    assert response.status_code == 302
    assert "AI 實戰工作坊（新版）" in client.get("/catalog/course/AI-101/").content.decode()


def test_preview_renders_the_unsaved_draft_with_the_public_template(staff_client, published_course):
    preview_url = reverse("wagtailsnippets_courses_course:preview_on_edit", args=[published_course.pk])
    response = staff_client.post(preview_url, _course_form(published_course, title="預覽中的標題"))
    assert response.json()["is_valid"] is True
    html = staff_client.get(preview_url).content.decode()
    assert "預覽中的標題" in html and "預覽：此為草稿內容" in html


def test_invalid_course_edit_is_refused_on_the_field_and_keeps_the_old_content(staff_client, published_course):
    edit_url = reverse("wagtailsnippets_courses_course:edit", args=[published_course.pk])
    response = staff_client.post(edit_url, _course_form(published_course, min_grade="10", max_grade="8"))
    assert response.status_code == 200
    assert "最高職等不可低於最低職等" in response.content.decode()
    published_course.refresh_from_db()
    assert published_course.revisions.count() == 1


def test_unpublishing_removes_the_course_from_the_public_catalog(client, staff_client, published_course):
    response = staff_client.post(reverse("wagtailsnippets_courses_course:unpublish", args=[published_course.pk]))
    assert response.status_code == 302
    assert client.get("/catalog/course/AI-101/").status_code == 404
    assert Course.objects.filter(pk=published_course.pk).exists()
