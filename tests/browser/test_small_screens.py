"""The smallest phones (issue 18): at 320 px no page type scrolls sideways, even with real
locator listings' long names, addresses and 64-character source ids, in English and Spanish;
and on a 360-px phone the compare bar never hides the element that has the keyboard focus
(WCAG 2.2, 2.4.11 Focus Not Obscured)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import opened_page, phone
from tests.public_pages import EVERY_PAGE_TYPE, LANGUAGES, make_every_page_type, make_public_pages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SMALLEST_PHONE = 320

# Runs in the page: in words, the element that reaches furthest past the right edge of the
# screen (the innermost one: its box or its own text sticks out, none of its children does), or
# null. What sits in a box that scrolls on its own (the comparison table) does not widen the
# page, and a fixed bar only stretches to the widened page, so both are left out.
WIDEST_ELEMENT = """
(limit) => {
  const leftOut = (el) => {
    for (let box = el; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.position === 'fixed') return true;
      if (box !== el && ['auto', 'scroll', 'hidden'].includes(style.overflowX)) return true;
    }
    return false;
  };
  const reach = (el) => {
    const rect = el.getBoundingClientRect();
    return rect.width === 0 ? 0 : rect.left + Math.max(rect.width, el.scrollWidth);
  };
  const sticksOut = (el) => reach(el) > limit + 0.5 && !leftOut(el);
  let widest = null;
  for (const el of document.body.querySelectorAll('*')) {
    if (!sticksOut(el) || [...el.children].some(sticksOut)) continue;
    if (!widest || reach(el) > reach(widest)) widest = el;
  }
  if (!widest) return null;
  const name = widest.tagName.toLowerCase() + (widest.id ? '#' + widest.id : '')
    + [...widest.classList].map((c) => '.' + c).join('');
  const text = widest.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60);
  return `${name} reaches ${Math.round(reach(widest))}px ("${text}")`;
}
"""


@pytest.fixture
def smallest_phone_page(browser, live_server):
    with opened_page(browser, live_server, **phone(SMALLEST_PHONE, 640)) as page:
        yield page


def test_no_page_type_scrolls_sideways_on_a_320_pixel_phone_in_either_language(
    smallest_phone_page,
):
    page = smallest_phone_page
    urls = make_every_page_type()
    too_wide = {}
    for language, prefix in LANGUAGES.items():
        for page_type in EVERY_PAGE_TYPE:
            page.goto(prefix + urls[page_type])
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > SMALLEST_PHONE:
                too_wide[f"{page_type} ({language})"] = (
                    f"{width}px: {page.evaluate(WIDEST_ELEMENT, SMALLEST_PHONE)}"
                )
    assert too_wide == {}


def test_the_width_check_names_the_element_that_sticks_out(smallest_phone_page):
    page = smallest_phone_page
    page.goto(make_public_pages()["not-found"])
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML(
             'beforeend', '<pre id="too-long">' + 'x'.repeat(200) + '</pre>')"""
    )

    assert page.evaluate("document.documentElement.scrollWidth") > SMALLEST_PHONE
    assert page.evaluate(WIDEST_ELEMENT, SMALLEST_PHONE).startswith("pre#too-long reaches ")


# Runs in the page: where the focused element is, and whether the compare bar covers any of it
# or of its focus ring (site.css: a 3-px outline 2 px out, so 5 px beyond the element).
FOCUSED_UNDER_THE_BAR = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const bar = document.querySelector('.compare-bar');
  const name = el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join('')
    + ' "' + el.textContent.trim().replace(/\\\\s+/g, ' ').slice(0, 40) + '"';
  const key = [...document.querySelectorAll('*')].indexOf(el);
  if (bar.hidden || bar.contains(el)) return {key, name, covered: false};
  const rect = el.getBoundingClientRect();
  const top = bar.getBoundingClientRect().top;
  const covered = rect.bottom + 5 > top && rect.top < window.innerHeight;
  return {key, name, covered, bottom: rect.bottom, top};
}
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compare_bar_never_hides_the_focused_element_on_a_phone(phone_page, language):
    """Tab through a results page of real listings on a 360x740 phone with the bar shown:
    the page scrolls each focused element clear of the bar, never under it."""
    page = phone_page
    make_every_page_type()
    page.goto(LANGUAGES[language] + "/programs/")
    page.locator("button.compare-toggle").first.click()
    # The choice is kept in the browser: the bar is still there after a reload, and the tabbing
    # starts from the top of the page.
    page.reload()
    expect(page.locator(".compare-bar")).to_be_visible()
    seen, names, covered = [], [], []

    for _ in range(400):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED_UNDER_THE_BAR)
        if focus is None or focus["key"] in seen:
            break  # focus left the page or came round again: every stop was seen
        seen.append(focus["key"])
        names.append(focus["name"])
        if focus["covered"]:
            covered.append(f"{focus['name']} ({focus['bottom']:.0f} px, bar at {focus['top']:.0f})")

    assert sum("compare-toggle" in name for name in names) > 5, "the tabbing stopped early"
    assert covered == []
