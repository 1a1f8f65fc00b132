"""Playwright driving Debian's chromium (never a downloaded browser) against pytest-django's live server."""

import os

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the
    # test body are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-TW", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(page):
    def _log_in(username: str, password: str = "pass-word-123", *, admin: bool = False):  # noqa: S107 (factory default)
        page.goto("/admin/login/" if admin else "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.press("#id_password", "Enter")  # the header's language switch is a form too
        page.wait_for_load_state("networkidle")

    return _log_in
