"""Training staff attach a package to a course in the Wagtail admin (數位教材套件)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from elearning.models import ContentPackage
from tests.courses.factories import CourseFactory, StaffUserFactory
from tests.elearning.packages import build_zip, scorm12_package
from tests.lms.people.factories import TraineeFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/snippets/elearning/contentpackage/add/"


def upload(zip_buffer) -> SimpleUploadedFile:
    return SimpleUploadedFile("package.zip", zip_buffer.getvalue(), content_type="application/zip")


def test_staff_upload_a_scorm_zip_and_it_is_attached_to_the_course(client):
    course = CourseFactory(code="DOC-201")
    client.force_login(StaffUserFactory())
    response = client.post(ADD_URL, {"course": course.pk, "title": "", "upload": upload(scorm12_package(mastery=70))})
    assert response.status_code == 302, response.content.decode()[:2000]
    package = ContentPackage.objects.get(course=course)
    assert package.title == "公文寫作線上課程" and package.is_current
    assert client.get("/admin/snippets/elearning/contentpackage/").status_code == 200


def test_unsafe_zip_in_the_admin_shows_the_zh_hant_error_and_stores_nothing(client):
    course = CourseFactory()
    client.force_login(StaffUserFactory())
    bad = build_zip({"imsmanifest.xml": "x", "../../evil.html": "x"})
    response = client.post(ADD_URL, {"course": course.pk, "title": "", "upload": upload(bad)})
    assert response.status_code == 200
    assert "路徑不安全" in response.content.decode()
    assert not ContentPackage.objects.exists()


def test_malformed_manifest_in_the_admin_names_the_problem(client):
    client.force_login(StaffUserFactory())
    bad = build_zip({"imsmanifest.xml": "<manifest><resources></manifest>"})
    response = client.post(ADD_URL, {"course": CourseFactory().pk, "upload": upload(bad)})
    assert "不是格式正確的 XML" in response.content.decode()
    assert not ContentPackage.objects.exists()


def test_trainees_cannot_reach_the_package_admin(client):
    client.force_login(TraineeFactory().user)
    response = client.get(ADD_URL)
    assert response.status_code in (302, 403)


def test_an_attached_package_can_be_renamed_but_not_moved_or_replaced(client):
    from elearning.services.packages import import_package

    course, other = CourseFactory(), CourseFactory()
    package = import_package(course=course, upload=scorm12_package(), by_user=None)
    client.force_login(StaffUserFactory())
    edit_url = f"/admin/snippets/elearning/contentpackage/edit/{package.pk}/"
    page = client.get(edit_url).content.decode()
    assert 'name="upload"' not in page
    response = client.post(edit_url, {"course": other.pk, "title": "新名稱"})
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.title == "新名稱" and package.course == course
