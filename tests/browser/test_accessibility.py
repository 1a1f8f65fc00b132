"""Every role's main pages pass axe-core's WCAG 2.1 A/AA rules and reflow at 375 px (docs/accessibility.md).

The data are the demo's own loaders (agencies, a slice of learners, the catalog with its
enrolments and the demo trainee's finished class, the pages, the rules and one account per role),
so the pages show what a visitor of the demo sees. Problems are collected over all pages of a role
and reported together, so one run lists everything that needs fixing.
"""

from __future__ import annotations

import pytest

from tests.browser.a11y import PHONE_WIDTH, audit, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORDS = {
    "admin": "admin-demo-2026",
    "staff": "staff-demo-2026",
    "officer": "officer-demo-2026",
    "trainee": "trainee-demo-2026",
}


@pytest.fixture
def demo():
    from cms.demo import load_pages
    from cms.models import TopicPage
    from courses.demo import load_catalog
    from courses.models import Assessment, CertificationTrack, LearningPath, Modality, Offering
    from lms.people.accounts import load_demo_accounts
    from lms.people.demo import load_agencies, load_learners
    from reports.demo import load_rules

    agencies = load_agencies()
    load_learners(agencies, count=120)
    load_catalog()
    load_pages()
    load_rules()
    load_demo_accounts(officer_agency_code="KHH-SOC", trainee_employee_number="E0000001")
    remote = Offering.objects.filter(modality=Modality.REMOTE, sessions__isnull=False).order_by("code").first()
    return {
        "course": Offering.objects.order_by("code").first().course,
        "topic_url": TopicPage.objects.live().order_by("path").first().url,
        "path": LearningPath.objects.order_by("code").first(),
        "track": CertificationTrack.objects.order_by("code").first(),
        "remote": remote,
        "assessment": Assessment.objects.order_by("pk").first(),
    }


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORDS[username])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def audit_all(page, paths: list[str | tuple[str, int]]) -> list[str]:
    """Audit each path (or (path, expected status)); all problems of all pages."""
    problems = []
    for entry in paths:
        path, status = entry if isinstance(entry, tuple) else (entry, 200)
        problems += audit(page, path, status)
    return problems


def test_trainee_pages_pass_axe_and_reflow_at_375px(page, demo):
    course = demo["course"]
    public = [
        "/",
        "/catalog/",
        "/catalog/?q=AI",
        demo["topic_url"],
        f"/catalog/course/{course.code}/",
        "/catalog/paths/",
        f"/catalog/paths/{demo['path'].code}/",
        "/catalog/certifications/",
        f"/catalog/certifications/{demo['track'].code}/",
        "/accounts/login/",
        ("/no-such-page/", 404),
    ]
    problems = audit_all(page, public)
    log_in(page, "trainee")
    problems += audit_all(page, ["/learning/", "/reports/", "/reports/learner/", ("/learning/staff/", 403)])
    assert not problems, "\n".join(problems)


def test_staff_pages_pass_axe_and_reflow_at_375px(page, demo):
    log_in(page, "staff")
    paths = [
        "/learning/staff/",
        "/learning/staff/?modality=remote&period=all",
        f"/learning/staff/offerings/{demo['remote'].code}/",
        f"/learning/staff/assessments/{demo['assessment'].pk}/",
        "/learning/staff/external/",
        "/learning/staff/satisfaction/",
        "/learning/staff/people/?employee_number=E0000001",
        "/reports/compliance/",
        "/reports/certification/",
        "/reports/center/",
        "/reports/national-export/",
        f"/admin/snippets/courses/course/edit/{demo['course'].pk}/",
        "/admin/snippets/courses/offering/add/",
    ]
    problems = audit_all(page, paths)
    assert not problems, "\n".join(problems)


def test_officer_pages_pass_axe_and_reflow_at_375px(page, demo):
    log_in(page, "officer")
    paths = [
        "/reports/",
        "/reports/compliance/",
        "/reports/compliance/?rule=&q=陳&page=1",
        "/reports/certification/",
        "/reports/center/",
        "/api/agency/",
        f"/learning/offerings/{demo['remote'].code}/nominate/",
    ]
    problems = audit_all(page, paths)
    # The API documentation with one operation opened, as a reader would use it.
    page.goto("/api/agency/")
    page.locator(".opblock-summary-control").first.click()
    page.locator(".opblock-body").first.wait_for()
    problems += [f"/api/agency/ (operation open): {line}" for line in axe_violations(page)]
    page.locator(".try-out__btn").first.click()
    page.locator(".btn.execute").first.wait_for()
    problems += [f"/api/agency/ (try it out): {line}" for line in axe_violations(page)]
    assert not problems, "\n".join(problems)


def test_admin_pages_pass_axe_and_reflow_at_375px(page, demo):
    log_in(page, "admin")
    paths = ["/admin/", "/admin/snippets/courses/course/", "/admin/snippets/courses/offering/", "/reports/compliance/"]
    problems = audit_all(page, paths)
    assert not problems, "\n".join(problems)


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_the_content(page, demo):
    page.goto("/catalog/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_wide_tables_scroll_in_their_own_box_not_the_page(page, demo):
    log_in(page, "staff")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.goto("/reports/compliance/")
    box = page.locator(".table-scroll").nth(1)
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the agency table is wider than a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
