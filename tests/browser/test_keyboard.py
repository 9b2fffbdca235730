"""Keyboard only: search, open a result, choose two programs and compare them, never touching
the mouse, and always seeing where the focus is."""

import re

import pytest
from playwright.sync_api import expect

from tests.public_pages import make_public_pages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAX_TABS = 150

# Runs in the page: is the focused element outlined (or ringed) so a sighted keyboard user sees it?
FOCUS_IS_VISIBLE = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  return outline || ring;
}
"""


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("(selector) => document.activeElement.matches(selector)", selector)


def tab_to(page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if focused_matches(page, selector):
            assert page.evaluate(FOCUS_IS_VISIBLE), f"focus on {selector} is not visible"
            return
    raise AssertionError(f"{MAX_TABS} presses of {key} never reached {selector}")


def test_search_open_a_result_and_compare_two_programs_with_the_keyboard_alone(page):
    make_public_pages()
    page.goto("/")

    # The skip link comes first and jumps over the header to the page's content.
    page.keyboard.press("Tab")
    assert focused_matches(page, "a.skip-link")
    assert page.evaluate(FOCUS_IS_VISIBLE)
    page.keyboard.press("Enter")
    assert focused_matches(page, "main#main")

    # The search box is the first stop in the content; Enter sends the search.
    tab_to(page, "input[name=near]")
    page.keyboard.type("22903")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/programs/\?.*near=22903"))
    expect(page.locator("h1")).to_contain_text("22903")

    # Tab to a result and open it.
    tab_to(page, ".card__title a[href*='/programs/evening-iop/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/programs/evening-iop/(\?search=.*)?$"))
    expect(page.locator("h1")).to_contain_text("Evening IOP")

    # Choose it for comparison, then go back to the search for a second one.
    tab_to(page, "button.compare-toggle[data-compare-slug='evening-iop']")
    page.keyboard.press("Enter")
    expect(page.locator("button.compare-toggle")).to_have_attribute("aria-pressed", "true")
    tab_to(page, ".detail__back a", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/programs/(\?.*)?$"))

    tab_to(page, "button.compare-toggle[data-compare-slug='daytime-iop']")
    page.keyboard.press(" ")
    expect(
        page.locator("button.compare-toggle[data-compare-slug='daytime-iop']")
    ).to_have_attribute("aria-pressed", "true")

    # The comparison bar offers the comparison of both.
    tab_to(page, "a.compare-bar__link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/compare/\?"))
    assert "p=evening-iop" in page.url and "p=daytime-iop" in page.url
    table = page.locator("main table")
    expect(table).to_contain_text("Evening IOP")
    expect(table).to_contain_text("Daytime IOP")


def test_every_link_and_control_on_a_program_page_shows_where_the_focus_is(page):
    urls = make_public_pages()
    page.goto(urls["detail"])
    visited = []
    invisible = []

    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = page.evaluate(
            "document.activeElement === document.body ? null"
            " : document.activeElement.outerHTML.slice(0, 120)"
        )
        if element is None or element in visited:
            break  # focus left the page or came round again: every stop was seen
        visited.append(element)
        if not page.evaluate(FOCUS_IS_VISIBLE):
            invisible.append(element)

    assert len(visited) > 5
    assert invisible == []
