"""The Content-Security-Policy: the site and the Wagtail admin work under it with no violation."""

import pytest
from wagtail.models import Page

from cms.demo import load_pages
from lms.people.roles import Role
from tests.courses.factories import CourseFactory, UpcomingOfferingFactory
from tests.lms.people.factories import TraineeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push([e.violatedDirective, e.blockedURI || "inline", e.sourceFile, e.lineNumber].join(" "));
});
"""


def _visit(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response.status < 400, url
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    if not url.startswith("/admin/"):
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp")


def test_site_pages_work_under_the_csp_and_the_language_menu_still_switches(page, log_in):
    page.add_init_script(COLLECT_VIOLATIONS)
    course = CourseFactory(code="CSP-101", title="資安課程")
    UpcomingOfferingFactory(course=course, code="115-CSP-101-01")
    load_pages()
    trainee = TraineeFactory(user__username="csp-trainee")
    log_in(trainee.user.username)
    violations = []
    for url in ("/", "/catalog/", "/learning/", "/reports/", "/reports/learner/"):
        violations += [f"{url} {v}" for v in _visit(page, url)]
    assert violations == [], "\n".join(violations)
    # The language menu submits with its own button (no change-of-context on select: WCAG 3.2.2).
    page.select_option("select[name=language]", "en")
    page.click(".lang-switch input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"


def test_wagtail_admin_pages_work_under_the_csp(page, log_in):
    page.add_init_script(COLLECT_VIOLATIONS)
    load_pages()
    admin = UserFactory(username="csp-admin", roles=[Role.ADMINISTRATOR, Role.TRAINING_STAFF])
    admin.is_superuser = True
    admin.save()
    log_in("csp-admin", admin=True)
    home = Page.objects.filter(depth=2).first()
    violations = []
    for url in (
        "/admin/",
        "/admin/pages/",
        "/admin/snippets/people/person/",
        "/admin/access_audit/",
        f"/admin/pages/{home.pk}/edit/",
    ):
        violations += [f"{url} {v}" for v in _visit(page, url)]
    assert violations == [], "\n".join(violations)
    # The page editor's scripts run: the side panel toggles open (Stimulus controllers loaded from static files).
    assert page.locator("[data-controller]").count() > 0
