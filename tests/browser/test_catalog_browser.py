import re

import pytest
from playwright.sync_api import expect

from cms.demo import load_pages
from courses.models import Course, Offering
from lms.people.roles import Role
from tests.courses.factories import CourseFactory, TopicFactory, UpcomingOfferingFactory
from tests.lms.people.factories import UserFactory

# The live server reads committed data; load_pages() rebuilds Wagtail's root after each flush.
pytestmark = pytest.mark.django_db(transaction=True)


def choose_snippet(page, field: str, label: str) -> None:
    """Pick an object in Wagtail's snippet chooser modal for a foreign key field."""
    page.locator(f"#id_{field}-chooser [data-chooser-action-choose]").click()
    page.locator(".modal-content a[data-chooser-modal-choice]", has_text=label).first.click()
    # A locator assertion, not wait_for_function: that evaluates a string, which the admin's CSP refuses.
    expect(page.locator(f"#id_{field}")).not_to_have_value("")


def test_trainee_filters_the_catalog_by_topic_and_opens_a_course_with_an_open_offering(page):
    ai = TopicFactory(slug="ai", name="AI")
    net_zero = TopicFactory(slug="net-zero", name="淨零")
    course = CourseFactory(code="AI-101", title="AI 實戰工作坊", topics=[ai])
    CourseFactory(code="NZ-101", title="淨零學院：碳盤查入門", topics=[net_zero])
    UpcomingOfferingFactory(course=course, code="115-AI-101-01", capacity=30)
    load_pages()

    page.goto("/")
    page.get_by_role("link", name="瀏覽課程目錄").click()
    page.select_option("#id_topic", "ai")
    page.get_by_role("button", name="篩選").click()
    # Locator assertions wait for the filtered page; count() would read the page still loading.
    page.wait_for_url(re.compile(r".*topic=ai"))
    cards = page.locator(".course-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("AI 實戰工作坊")

    cards.first.get_by_role("link", name="AI 實戰工作坊").click()
    expect(page.locator("h1")).to_have_text("AI 實戰工作坊")
    expect(page.locator('tr[data-offering-code="115-AI-101-01"]')).to_contain_text("30 / 30")


def test_training_staff_create_a_course_and_an_offering_in_the_admin(page, log_in):
    UserFactory(username="staff1", roles=[Role.TRAINING_STAFF])
    TopicFactory(slug="ai", name="AI")
    load_pages()
    log_in("staff1", admin=True)

    page.goto("/admin/snippets/courses/course/add/")
    page.fill("#id_code", "AI-900")
    page.fill("#id_credit_hours", "6")
    page.fill("#id_title", "AI 政策與倫理")
    page.fill("#id_summary", "生成式 AI 在公部門的應用與倫理。")
    page.select_option("#id_modality", "classroom")
    page.locator("footer [data-w-dropdown-target='toggle']").click()
    page.locator("footer button[name='action-publish']").click()
    page.wait_for_load_state("networkidle")
    course = Course.objects.get(code="AI-900")
    assert course.live

    page.goto("/admin/snippets/courses/offering/add/")
    choose_snippet(page, "course", str(course))
    page.fill("#id_code", "115-AI-900-01")
    page.fill("#id_start_date", "2026-12-14")
    page.fill("#id_end_date", "2026-12-14")
    page.fill("#id_hours", "6")
    page.fill("#id_capacity", "40")
    page.fill("#id_enrollment_opens", "2026-11-20 09:00")
    page.fill("#id_enrollment_closes", "2026-12-10 17:00")
    page.select_option("#id_modality", "classroom")
    page.fill("#id_venue", "公務人力發展中心 301 教室")
    page.locator("body").click(position={"x": 5, "y": 5})  # close any date picker
    page.get_by_role("button", name="儲存").first.click()
    page.wait_for_load_state("networkidle")
    offering = Offering.objects.get(code="115-AI-900-01")
    assert offering.course == course and offering.capacity == 40


def test_an_invalid_offering_shows_the_error_and_is_not_saved(page, log_in):
    UserFactory(username="staff2", roles=[Role.TRAINING_STAFF])
    course = CourseFactory(code="AI-901")
    load_pages()
    log_in("staff2", admin=True)

    page.goto("/admin/snippets/courses/offering/add/")
    choose_snippet(page, "course", str(course))
    page.fill("#id_code", "115-AI-901-01")
    page.fill("#id_start_date", "2026-12-14")
    page.fill("#id_end_date", "2026-12-10")
    page.fill("#id_hours", "0")
    page.fill("#id_capacity", "40")
    page.fill("#id_enrollment_opens", "2026-11-20 09:00")
    page.fill("#id_enrollment_closes", "2026-12-10 17:00")
    page.select_option("#id_modality", "classroom")
    page.fill("#id_venue", "公務人力發展中心 301 教室")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.get_by_role("button", name="儲存").first.click()
    page.wait_for_load_state("networkidle")

    body = page.locator("main").inner_text()
    assert "結訓日期不可早於開訓日期" in body
    assert "訓練時數必須大於 0" in body
    assert not Offering.objects.exists()
