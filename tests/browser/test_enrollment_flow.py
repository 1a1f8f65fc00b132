"""Browser test: a trainee enrols on the course page, staff mark attendance, the trainee sees hours and certificate.

Uses the shared `browser` fixture of tests/browser/conftest.py; two contexts, one per person.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Offering, Session
from tests.courses.factories import CourseFactory, OfferingFactory, StaffUserFactory
from tests.lms.people.factories import TraineeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # UserFactory's


@pytest.fixture
def catalog_pages():
    """The Wagtail page tree (load_pages rebuilds the root after a transactional test's flush)."""
    from cms.demo import load_pages

    load_pages()


@pytest.fixture
def new_page(browser, live_server):
    """Pages in their own zh-TW contexts, closed before the live server stops (no request left in flight)."""
    contexts = []

    def _new_page():
        context = browser.new_context(locale="zh-TW", accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


def login(page, base_url, user):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")  # the header's language switch is a form too
    page.wait_for_load_state()


def test_trainee_enrols_staff_mark_attendance_trainee_sees_hours_and_downloads_certificate(
    live_server, new_page, catalog_pages
):
    now = timezone.now()
    start = timezone.localdate() + dt.timedelta(days=10)
    course = CourseFactory(code="AI-101", title="AI 實戰工作坊", credit_hours=Decimal("6"))
    offering = OfferingFactory(
        course=course,
        code="115-AI-101-09",
        hours=Decimal("6"),
        start_date=start,
        end_date=start,
        enrollment_opens=now - dt.timedelta(days=1),
        enrollment_closes=now + dt.timedelta(days=5),
    )
    trainee = TraineeFactory(name="王小明")
    staff = StaffUserFactory()

    trainee_page = new_page()
    login(trainee_page, live_server.url, trainee.user)
    trainee_page.goto(f"{live_server.url}/catalog/course/AI-101/")
    trainee_page.click(f"tr[data-offering-code='{offering.code}'] button[type=submit]")
    trainee_page.wait_for_url(f"{live_server.url}/learning/")
    assert "已錄取" in trainee_page.inner_text(f"#enrollments tr[data-offering-code='{offering.code}'] .status")

    # The class takes place: attendance is only taken for a session that has started.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Offering.objects.filter(pk=offering.pk).update(
        start_date=yesterday,
        end_date=yesterday,
        enrollment_opens=now - dt.timedelta(days=20),
        enrollment_closes=now - dt.timedelta(days=3),
    )
    Session.objects.filter(offering=offering).update(date=yesterday)

    staff_page = new_page()
    login(staff_page, live_server.url, staff)
    staff_page.goto(f"{live_server.url}/learning/staff/offerings/{offering.code}/")
    staff_page.select_option(f"tr[data-employee='{trainee.employee_number}'] select", "present")
    staff_page.click("#roster-form button[type=submit]")
    staff_page.wait_for_load_state()
    assert "已儲存 1 人的出席紀錄" in staff_page.inner_text("body")

    trainee_page.goto(f"{live_server.url}/learning/")
    assert trainee_page.inner_text("#total-hours") == "6.0"
    assert "已結訓" in trainee_page.inner_text("#history")  # finished classes are history, not enrolments
    with trainee_page.expect_download() as download_info:
        trainee_page.click("#certificates a")
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
