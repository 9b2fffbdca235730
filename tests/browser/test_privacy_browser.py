"""In a real browser, every public page type talks only to the site, leaves no cookie and runs
without a single Content-Security-Policy violation."""

import pytest

from tests.browser.conftest import is_same_host
from tests.public_pages import PAGE_TYPES, make_public_pages

# The data the pages show is created in the test and read by the live server's thread.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Watcher:
    """Records what a page does: every request it makes and every CSP complaint."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.csp_violations: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def clear(self) -> None:
        self.requests.clear()
        self.csp_violations.clear()
        self.errors.clear()

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(message.text)


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def test_no_public_page_requests_another_host_sets_a_cookie_or_violates_the_csp(page, live_server):
    urls = make_public_pages()
    watcher = Watcher(page)
    problems = {}

    for page_type in PAGE_TYPES:
        watcher.clear()
        visit(page, urls[page_type])
        found = {
            "requests to other hosts": [
                url for url in watcher.requests if not is_same_host(url, live_server.url)
            ],
            "cookies": [cookie["name"] for cookie in page.context.cookies()],
            "CSP violations": watcher.csp_violations,
            "script errors": watcher.errors,
        }
        assert watcher.requests, f"{page_type}: no request recorded, the listener is broken"
        if any(found.values()):
            problems[page_type] = found

    assert problems == {}


def test_choosing_programs_to_compare_keeps_them_in_the_browser_without_cookies(page, live_server):
    urls = make_public_pages()
    watcher = Watcher(page)

    visit(page, urls["results"])
    toggles = page.locator(".compare-toggle")
    toggles.nth(0).click()
    toggles.nth(1).click()
    visit(page, urls["compare"])

    assert page.evaluate("window.localStorage.getItem('iopfinder.compare')")
    assert page.context.cookies() == []
    assert [url for url in watcher.requests if not is_same_host(url, live_server.url)] == []
    assert watcher.csp_violations == []


def test_the_watcher_notices_a_csp_violation(page, live_server):
    """A check that the listeners above would catch an inline style if one slipped in."""
    urls = make_public_pages()
    watcher = Watcher(page)
    visit(page, urls["home"])

    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_timeout(200)

    assert watcher.csp_violations, "an inline style attribute was not reported"
    assert page.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"
