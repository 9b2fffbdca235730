"""Accessibility of every public page type, in English and Spanish, on a desktop screen and a
360-px phone.

axe-core (shipped by axe-playwright-python) checks the WCAG 2.2 A and AA rules and its
best-practice rules (everything inside a landmark, landmarks named apart...); our own checks
cover what axe leaves to people: the skip link comes first, headings do not skip a level, and
the detail and compare tables have proper headers. Whether a page scrolls sideways at 320 px
is checked in test_small_screens.py.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from programs.models import Program
from tests.public_pages import (
    EVERY_PAGE_TYPE,
    LANGUAGES,
    make_every_page_type,
    make_public_pages,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


WCAG_22_AA_AND_BEST_PRACTICE = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    }
}

# Runs in the page; returns a list of problems in plain words.
STRUCTURE_CHECKS = """
() => {
  const problems = [];
  const focusable = document.querySelectorAll(
    'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])'
  );
  const first = focusable[0];
  if (!first || !first.matches('a.skip-link[href="#main"]')) {
    problems.push('the first focusable element is not the skip link to #main');
  }
  if (document.querySelectorAll('main#main').length !== 1) {
    problems.push('not exactly one <main id="main">');
  }
  if (!document.querySelector('body > header')) problems.push('no page header (banner)');
  if (!document.querySelector('body > footer')) problems.push('no page footer (contentinfo)');
  for (const nav of document.querySelectorAll('nav')) {
    if (!nav.getAttribute('aria-label') && !nav.getAttribute('aria-labelledby')) {
      problems.push('a <nav> without a label');
    }
  }
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter((h) => h.getClientRects().length > 0 || h.closest('.visually-hidden'));
  const h1s = headings.filter((h) => h.tagName === 'H1');
  if (h1s.length !== 1) problems.push(`${h1s.length} <h1> elements instead of one`);
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) {
      problems.push(`heading "${h.textContent.trim()}" jumps from h${level} to h${next}`);
    }
    level = next;
  }
  for (const table of document.querySelectorAll('main table')) {
    const name = table.querySelector('caption') || table.getAttribute('aria-label')
      || table.getAttribute('aria-labelledby');
    if (!name) problems.push('a table without a caption or label');
    const headers = table.querySelectorAll('th');
    if (headers.length === 0) problems.push('a table without header cells');
    for (const th of headers) {
      if (!th.getAttribute('scope') && !th.id) {
        problems.push(`table header "${th.textContent.trim()}" has no scope`);
      }
    }
  }
  return problems;
}
"""


def axe_violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_22_AA_AND_BEST_PRACTICE)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]


def check_every_page(page, prefix: str = "") -> dict[str, list[str]]:
    """axe and the structure checks on every page type, real locator listings included; prefix
    "/es" for the Spanish pages (longer words, lang="en" on listing text, translated labels)."""
    urls = make_every_page_type()
    problems = {}
    for page_type in EVERY_PAGE_TYPE:
        page.goto(prefix + urls[page_type])
        page.wait_for_load_state("networkidle")
        found = axe_violations(page) + page.evaluate(STRUCTURE_CHECKS)
        if found:
            problems[page_type] = found
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", ["page", "phone_page"], ids=["1280px", "360px"])
def test_every_public_page_passes_wcag_22_aa_and_best_practice(request, screen, language):
    assert check_every_page(request.getfixturevalue(screen), LANGUAGES[language]) == {}


def test_the_checks_catch_an_unlabelled_field_and_a_skipped_heading(page):
    """The checks above would fail if a page broke these rules."""
    page.goto(make_public_pages()["not-found"])
    page.evaluate(
        """() => {
          const main = document.querySelector('main');
          main.insertAdjacentHTML('beforeend', '<h4>Deep</h4><input type="text" name="x">');
        }"""
    )

    assert any(problem.startswith("label") for problem in axe_violations(page))
    assert any("jumps from h1 to h4" in problem for problem in page.evaluate(STRUCTURE_CHECKS))


def test_pages_full_of_demo_listings_pass_wcag_22_aa_on_desktop_and_phone(page, phone_page):

    call_command("load_demo", verbosity=0)
    slugs = list(Program.objects.published().order_by("slug").values_list("slug", flat=True)[:4])
    results = reverse("programs:list")
    urls = {
        "results, first page": results,
        "results, second page": f"{results}?page=2",
        "detail": reverse("programs:detail", args=[slugs[0]]),
        "compare four": reverse("programs:compare") + "?" + "&".join(f"p={s}" for s in slugs),
    }
    problems = {}

    for screen, browser_page in (("desktop", page), ("phone", phone_page)):
        for name, url in urls.items():
            browser_page.goto(url)
            found = axe_violations(browser_page) + browser_page.evaluate(STRUCTURE_CHECKS)
            if found:
                problems[f"{name} ({screen})"] = found

    assert len(slugs) == 4
    assert problems == {}


def test_the_demo_notice_is_in_the_page_header_wherever_demo_listings_show(page):
    """axe's "region" rule: the notice is inside the banner landmark, seen on screen and paper."""
    urls = make_public_pages()
    demo_urls = {
        "results": urls["results"],
        "program page": urls["detail-sparse"],
        "comparison": urls["compare"],
        "call sheet": reverse("programs:call_sheet") + "?p=daytime-iop",
    }
    for prefix in LANGUAGES.values():
        for url in demo_urls.values():
            page.emulate_media(media="screen")
            page.goto(prefix + url)
            expect(page.locator("body > header .demo-banner")).to_be_visible()
            page.emulate_media(media="print")
            expect(page.locator("body > header .demo-banner")).to_be_visible()
            expect(page.locator("body > header nav")).to_be_hidden()
    page.emulate_media(media="screen")
    page.goto(urls["detail"])
    expect(page.locator(".demo-banner")).to_have_count(0)
