"""The Wagtail admin speaks zh-Hant in a real browser: the strings Wagtail's own zh_Hant catalog
leaves in English come from ours (locale/zh_Hant, scripts/wagtail_zh_hant.py, docs/accessibility.md),
both those rendered by the server and those the admin's JavaScript renders from /admin/jsi18n/."""

import pytest
from playwright.sync_api import expect

from cms.demo import load_pages
from cms.models import CatalogPage
from lms.people.roles import Role
from tests.courses.factories import CourseFactory
from tests.lms.people.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Wagtail strings staff met in English before our catalog (issue 15), and what they read now.
ENGLISH = ["Keyboard shortcuts", "Collapse all", "Expand all", "Search…", "Toggle sidebar", "Sort by"]


def english_left(page) -> list[str]:
    """The named English strings anywhere in the rendered DOM, hidden menus and labels included."""
    html = page.content()
    return [text for text in ENGLISH if text in html]


def test_dashboard_explorer_snippets_and_editor_show_no_english_wagtail_strings(page, log_in):
    UserFactory(username="staff1", roles=[Role.TRAINING_STAFF])
    CourseFactory(code="AI-101", title="AI 實戰工作坊")
    load_pages()
    catalog = CatalogPage.objects.get()
    log_in("staff1", admin=True)

    page.goto("/admin/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    assert "鍵盤快速鍵" in page.content()
    assert english_left(page) == []

    page.goto(f"/admin/pages/{catalog.pk}/")
    expect(page.locator("main")).to_contain_text(catalog.title)
    assert english_left(page) == []

    page.goto("/admin/snippets/courses/course/")
    expect(page.locator("main")).to_contain_text("AI 實戰工作坊")
    expect(page.locator("input[name=q][placeholder='搜尋…']")).to_have_count(1)
    assert english_left(page) == []

    # The editor's "Collapse all" toggle is rendered by wagtailadmin.js from the JavaScript catalog.
    page.goto(f"/admin/pages/{catalog.pk}/edit/")
    expect(page.locator(".w-minimap__collapse-all").first).to_contain_text("全部收合")
    assert english_left(page) == []
