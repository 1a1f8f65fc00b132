"""A trainee takes a SCORM 1.2 package in a real browser: the package runs on the content origin,
finds scorm-again's API by the standard discovery, resumes its suspend data on the second launch,
and its pass lands in the LRS and as a completion of the course."""

import time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from courses.models import Completion
from elearning.models import Attempt
from elearning.services.packages import import_package
from elearning.statements import course_activity_id
from tests.courses.factories import CourseFactory
from tests.elearning.packages import SCO_2004, scorm12_package, scorm2004_package
from tests.lms.people.factories import TraineeFactory
from xapi import api as xapi_api

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content_origin(settings, live_server, tmp_path):
    """The site on http://localhost:PORT, the content on http://127.0.0.1:PORT: two origins, one server."""
    port = urlsplit(live_server.url).port
    settings.ELEARNING_SITE_ORIGIN = f"http://localhost:{port}"
    settings.ELEARNING_CONTENT_ORIGIN = f"http://127.0.0.1:{port}"
    settings.ELEARNING_PACKAGE_ROOT = str(tmp_path / "packages")
    return settings.ELEARNING_CONTENT_ORIGIN


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def verbs(attempt):
    return [
        s["verb"]["id"].rsplit("/", 1)[1] for s in xapi_api.query_statements(registration=attempt.pk, ascending=True)
    ]


def test_trainee_takes_a_scorm12_package_resumes_it_and_completes_the_course(
    content_origin, browser, live_server, log_in
):
    course = CourseFactory(code="SCORM-101", title="公文寫作線上課程", credit_hours=Decimal("3"))
    import_package(course=course, upload=scorm12_package(mastery=80), by_user=None)
    trainee = TraineeFactory()
    site = f"http://localhost:{urlsplit(live_server.url).port}"
    context = browser.new_context(locale="zh-TW", base_url=site, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/accounts/login/")
    page.fill("#id_username", trainee.user.username)
    page.fill("#id_password", "pass-word-123")
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")

    # First launch: the SCO leaves suspend data and a location, and stops incomplete.
    # The test reads the database only once the final commit (a beacon) has been answered: the
    # in-memory SQLite of the live server refuses a write while another thread reads.
    with page.expect_response(lambda response: "terminate=true" in response.url) as final:
        page.goto(f"/elearning/courses/{course.code}/launch/")
    assert final.value.status == 200
    attempt = Attempt.objects.get(person=trainee, package__course=course)
    attempt.refresh_from_db()
    assert attempt.runtime["suspend_data"] == "visited=1" and attempt.runtime["location"] == "page-2"
    assert verbs(attempt) == ["initialized", "terminated"]
    assert not Completion.objects.filter(person=trainee).exists()

    # The content frame is on the other origin and is never served the session.
    content_frame = page.frame_locator("#elearning-frame")
    assert content_frame.locator("#sco").get_attribute("data-src").startswith("/packages/")
    assert page.frames[1].url.startswith(content_origin)
    assert page.frames[1].evaluate("document.cookie") == ""

    # Second launch, from 我的學習: the SCO reads back what it left, then passes with 90.
    page.goto("/learning/")
    with page.expect_response(lambda response: "terminate=true" in response.url) as final:
        page.locator("#elearning a", has_text="繼續學習").click()
    assert final.value.status == 200
    sco = page.frame_locator("#elearning-frame").frame_locator("#sco")
    assert sco.locator("#previous").inner_text() == "visited=1|page-2"
    assert verbs(attempt) == ["initialized", "terminated", "initialized", "passed", "terminated"]
    passed = xapi_api.query_statements(registration=attempt.pk, verb="http://adlnet.gov/expapi/verbs/passed")[0]
    assert passed["object"]["id"] == course_activity_id(course)
    assert passed["result"]["score"]["scaled"] == 0.9 and passed["result"]["success"] is True
    assert passed["actor"]["account"]["name"] == trainee.employee_number

    # Credited like an outside platform's completion: the course's hours, shown in 我的學習.
    completion = wait_for(
        lambda: Completion.objects.filter(person=trainee, course=course, voided_at__isnull=True).first()
    )
    assert completion.credited_hours == Decimal("3")
    page.goto("/learning/")
    assert "已通過" in page.locator("#elearning").inner_text()
    assert errors == []
    context.close()


def test_trainee_passes_a_scorm2004_package_from_the_course_page(content_origin, browser, live_server):
    from cms.demo import load_pages

    load_pages()
    course = CourseFactory(code="SCORM-204", title="資訊安全線上課程", credit_hours=Decimal("2"))
    import_package(course=course, upload=scorm2004_package(measure="0.8", sco=SCO_2004), by_user=None)
    trainee = TraineeFactory()
    site = f"http://localhost:{urlsplit(live_server.url).port}"
    context = browser.new_context(locale="zh-TW", base_url=site, viewport={"width": 375, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", trainee.user.username)
    page.fill("#id_password", "pass-word-123")
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")

    page.goto("/catalog/course/SCORM-204/")
    with page.expect_response(lambda response: "terminate=true" in response.url) as final:
        page.locator("#elearning-launch a", has_text="開始學習").click()
    assert final.value.status == 200
    # On a phone the player fits the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    attempt = Attempt.objects.get(person=trainee, package__course=course)
    assert verbs(attempt) == ["initialized", "passed", "terminated"]
    passed = xapi_api.query_statements(registration=attempt.pk, verb="http://adlnet.gov/expapi/verbs/passed")[0]
    assert passed["result"]["score"] == {"scaled": 0.9}
    completion = Completion.objects.get(person=trainee, course=course, voided_at__isnull=True)
    assert completion.credited_hours == Decimal("2")
    page.goto("/catalog/course/SCORM-204/")
    assert "已通過" in page.locator("#elearning-launch").inner_text()
    context.close()
