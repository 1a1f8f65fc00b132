"""Package files come only from the content origin, without the site's session, framed only by the LMS."""

import pytest

from elearning.services.packages import import_package
from tests.courses.factories import CourseFactory
from tests.elearning.packages import scorm12_package
from tests.lms.people.factories import TraineeFactory

pytestmark = pytest.mark.django_db

CONTENT = {"HTTP_HOST": "127.0.0.1:8001"}


@pytest.fixture
def package():
    return import_package(course=CourseFactory(), upload=scorm12_package(), by_user=None)


def test_content_origin_serves_the_package_with_its_own_policy(client, package, settings):
    settings.ELEARNING_SITE_ORIGIN = "https://lms.example.kcg.gov.tw"
    response = client.get(f"/packages/{package.storage_key}/index.html", **CONTENT)
    assert response.status_code == 200
    assert b"LMSInitialize" in b"".join(response.streaming_content)
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://lms.example.kcg.gov.tw 'self'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "X-Frame-Options" not in response


def test_content_origin_ignores_the_session_cookie_and_sets_none(client, package, settings):
    settings.ELEARNING_SITE_ORIGIN = "http://testserver"
    client.force_login(TraineeFactory().user)
    response = client.get(f"/launch/{package.storage_key}/", **CONTENT)
    assert response.status_code == 200
    assert not response.cookies
    page = response.content.decode()
    assert "/runtime/cross-frame-api.js" in page and f"/packages/{package.storage_key}/index.html" in page
    assert 'data-site-origin="http://testserver"' in page


def test_content_origin_serves_no_site_page_and_the_site_serves_no_package(client, package):
    assert client.get("/learning/", **CONTENT).status_code == 404
    assert client.get("/admin/", **CONTENT).status_code == 404
    assert client.get(f"/packages/{package.storage_key}/index.html").status_code == 404


def test_content_origin_does_not_leave_the_package_folder(client, package):
    for path in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/lms/settings/base.py"):
        assert client.get(f"/packages/{package.storage_key}/{path}", **CONTENT).status_code == 404


def test_runtime_scripts_are_scorm_again_and_ours(client):
    response = client.get("/runtime/cross-frame-api.js", **CONTENT)
    assert response.status_code == 200 and b"CrossFrameAPI" in b"".join(response.streaming_content)
    assert client.get("/runtime/settings.py", **CONTENT).status_code == 404


def test_commit_from_another_origin_is_refused(client):
    from tests.elearning.test_runtime import cmi12, commit, launch

    course = CourseFactory()
    import_package(course=course, upload=scorm12_package(), by_user=None)
    trainee = TraineeFactory()
    attempt = launch(client, trainee, course)
    response = client.post(
        f"/elearning/attempts/{attempt.pk}/commit/?session={attempt.session_key}",
        data='{"cmi": {"core": {"lesson_status": "passed"}}}',
        content_type="text/plain",
        HTTP_ORIGIN="http://127.0.0.1:8001",
    )
    assert response.status_code == 403 and response.json()["result"] is False
    assert commit(client, attempt, cmi12("incomplete")).status_code == 200
