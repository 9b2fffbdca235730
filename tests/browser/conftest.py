"""Browser fixtures: Playwright for Python driving Debian's Chromium against live_server.

Playwright's own browser download does not work on our machines, so the tests launch
/usr/bin/chromium (installed by `make test`). Every test here gets the `browser` marker.
"""

import os
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from tests.factories import restore_migrated_rows

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The first search loads the offline ZIP code table, which takes a few seconds on a busy
# two-core CI machine; a slow first page is not what the browser tests are about.
PAGE_TIMEOUT_MS = 30_000

# Playwright's sync API runs an event loop in the test thread; the ORM calls that tests make
# there (creating fixtures) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _migrated_rows(transactional_db):
    restore_migrated_rows()


@pytest.fixture(scope="session")
def browser():

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian's Chromium is missing at {CHROMIUM}: run `make browser`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@contextmanager
def opened_page(browser, live_server, **options):
    """A page in a fresh browser context (no cookies, no storage) with ``options``."""
    context = browser.new_context(base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        yield page
    finally:
        context.close()


def phone(width: int, height: int) -> dict:
    """Context options for a phone screen of this size."""
    return {"viewport": {"width": width, "height": height}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies, no storage) at desktop size."""
    with opened_page(browser, live_server, viewport={"width": 1280, "height": 900}) as page:
        yield page


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh browser context on a 360-px-wide phone screen."""
    with opened_page(browser, live_server, **phone(360, 740)) as page:
        yield page


def is_same_host(url: str, live_server_url: str) -> bool:
    """True for requests to the site itself (and for data: URLs, which never leave the page)."""
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlparse(url).netloc == urlparse(live_server_url).netloc
