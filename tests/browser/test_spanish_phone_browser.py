"""Spanish pages on a 360-px phone with real, locator-shaped listings: Spanish words run longer
than English ones, and still nothing is wider than the screen (no sideways scrolling)."""

import re

from playwright.sync_api import expect

from tests.browser.test_phone_browser import locator_listings  # noqa: F401 (a fixture)

SCREEN_WIDTH = 360
SEARCH = "near=22903&radius=25&payment=medicaid&mat=1&evening=1"


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _assert_no_sideways_scrolling(page, what: str) -> None:
    width = _page_width(page)
    assert width <= SCREEN_WIDTH, f"{what} is {width} px wide on a {SCREEN_WIDTH}-px screen"


def test_spanish_results_and_program_pages_fit_a_phone_screen(
    phone_page,
    locator_listings,  # noqa: F811
):
    page = phone_page
    page.goto(f"/es/programs/?{SEARCH}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#results-heading")).to_contain_text(
        re.compile(r"programas? para considerar")
    )
    expect(page.locator("article.card").first).to_contain_text("Nivel y modalidad")
    _assert_no_sideways_scrolling(page, "the Spanish results page")

    # The whole search form unfolded, with its filters panel and the ranking notes open.
    page.locator("summary.search-fold__summary").click()
    page.locator("summary.filters-panel__toggle").click()
    expect(page.get_by_role("button", name="Mostrar programas")).to_be_visible()
    page.locator("summary.results-tools__summary").click()
    expect(page.locator(".fit-summary")).to_contain_text("Ninguna ficha paga por su puesto.")
    _assert_no_sideways_scrolling(page, "the Spanish results page, all folds open")

    first = page.locator("article.card .card__title a").first
    expect(first).to_have_attribute("lang", "en")
    first.click()
    expect(page.locator("#intake-questions")).to_have_text("Preguntas para la admisión")
    expect(page.locator(".call__source")).to_contain_text("aún no revisado por una persona")
    _assert_no_sideways_scrolling(page, "the Spanish program page")


def test_spanish_comparison_fits_a_phone_screen_with_its_table_scrolling_inside(
    phone_page,
    locator_listings,  # noqa: F811
):
    page = phone_page
    page.goto(f"/es/programs/?{SEARCH}")
    links = page.locator("article.card .card__title a")
    slugs = [links.nth(n).get_attribute("href").split("/")[3] for n in (0, 1)]
    page.goto(f"/es/compare/?p={slugs[0]}&p={slugs[1]}")
    expect(page.locator("h1")).to_have_text("Comparar programas")
    expect(page.locator("#compare-caption")).to_have_text("Comparación de 2 programas")
    _assert_no_sideways_scrolling(page, "the Spanish comparison")
