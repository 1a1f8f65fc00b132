"""Where trainees find the package: the catalog's course page and 我的學習."""

import pytest

from cms.demo import load_pages
from elearning.services.packages import import_package
from tests.courses.factories import CatalogEnrollmentFactory, CourseFactory
from tests.elearning.packages import scorm12_package
from tests.lms.people.factories import TraineeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db):
    load_pages()


def test_course_page_offers_the_package_to_a_signed_in_trainee(client, catalog):
    course = CourseFactory(code="EL-1")
    import_package(course=course, upload=scorm12_package(), by_user=None)
    client.force_login(TraineeFactory().user)
    page = client.get("/catalog/course/EL-1/").content.decode()
    assert 'id="elearning-launch"' in page
    assert 'href="/elearning/courses/EL-1/launch/"' in page and "開始學習" in page and "尚未開始" in page


def test_course_page_asks_a_visitor_to_sign_in_first(client, catalog):
    course = CourseFactory(code="EL-2")
    import_package(course=course, upload=scorm12_package(), by_user=None)
    page = client.get("/catalog/course/EL-2/").content.decode()
    assert "登入後開始學習" in page and "/elearning/courses/EL-2/launch/" not in page


def test_course_page_without_a_package_shows_no_launch(client, catalog):
    CourseFactory(code="EL-3")
    assert 'id="elearning-launch"' not in client.get("/catalog/course/EL-3/").content.decode()


def test_my_learning_lists_packages_of_enrolled_courses_before_they_are_started(client):
    trainee = TraineeFactory()
    enrollment = CatalogEnrollmentFactory(person=trainee)
    import_package(course=enrollment.offering.course, upload=scorm12_package(), by_user=None)
    client.force_login(trainee.user)
    page = client.get("/learning/").content.decode()
    assert 'id="elearning"' in page and "開始學習" in page and "尚未開始" in page


def test_launching_a_course_without_a_package_is_not_found(client):
    CourseFactory(code="EL-4")
    client.force_login(TraineeFactory().user)
    assert client.get("/elearning/courses/EL-4/launch/").status_code == 404


def test_launch_needs_sign_in(client):
    course = CourseFactory(code="EL-5")
    import_package(course=course, upload=scorm12_package(), by_user=None)
    response = client.get("/elearning/courses/EL-5/launch/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
