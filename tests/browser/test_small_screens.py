"""The smallest phones (issue 18): at 320 px no page type scrolls sideways, even with real
locator listings' long names, addresses and 64-character source ids, in English and Spanish;
and on a 360-px phone the compare bar never hides the element that has the keyboard focus
(WCAG 2.2, 2.4.11 Focus Not Obscured)."""

import pytest

from tests.browser.conftest import PAGE_TIMEOUT_MS
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
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": SMALLEST_PHONE, "height": 640},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    yield page
    context.close()


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
