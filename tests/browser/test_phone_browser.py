"""A family on a 360-px phone with real, locator-shaped listings (issue 18): the first result
on the first screen, the numbers to call within reach, nothing wider than the screen."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "findtreatment" / "locator-sample.json"
SCREEN_HEIGHT = 740


@pytest.fixture
def locator_listings():
    call_command("import_findtreatment", str(SAMPLE), stdout=io.StringIO())


def test_results_fold_the_search_so_the_first_result_is_on_the_first_screen(
    phone_page, locator_listings
):
    page = phone_page
    page.goto("/programs/?near=22903&radius=25&payment=medicaid&mat=1&evening=1")
    fold = page.locator("details.search-fold")
    summary = fold.locator("summary.search-fold__summary")
    expect(summary).to_contain_text("22903 · 25 miles · 3 filters")
    expect(page.get_by_label("ZIP code or city, state")).to_be_hidden()
    first = page.locator("article.card").first
    top = first.bounding_box()["y"]
    assert top < SCREEN_HEIGHT - 100, f"the first result starts {top:.0f} px down"

    # A tap opens the whole form, filled in as searched.
    summary.click()
    expect(page.get_by_label("ZIP code or city, state")).to_have_value("22903")
    page.get_by_label("ZIP code or city, state").fill("Charlottesville, VA")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("summary.search-fold__summary")).to_contain_text("Charlottesville, VA")


def test_search_form_folds_without_javascript_too(browser, live_server, locator_listings):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/programs/?near=22903&radius=25")
    page.locator("summary.search-fold__summary").click()
    expect(page.get_by_label("ZIP code or city, state")).to_be_visible()
    context.close()


def test_wide_screen_shows_the_search_form_open(page, locator_listings):
    page.goto("/programs/?near=22903&radius=25")
    expect(page.get_by_label("ZIP code or city, state")).to_be_visible()


SEARCH = "near=22903&radius=25&evening=1&payment=medicaid"


def _first_program_url(page) -> str:
    page.goto(f"/programs/?{SEARCH}")
    return page.locator("article.card .card__title a").first.get_attribute("href")


def test_program_page_opens_with_the_numbers_to_call_on_the_first_screen(
    phone_page, locator_listings
):
    page = phone_page
    page.goto(_first_program_url(page))
    buttons = page.locator(".call a[href^='tel:']")
    expect(buttons.first).to_contain_text("Main phone")
    assert buttons.count() >= 1
    for n in range(buttons.count()):
        box = buttons.nth(n).bounding_box()
        assert box["y"] + box["height"] <= SCREEN_HEIGHT, f"a call button ends at {box['y']:.0f} px"
        assert box["height"] >= 44, "a call button is smaller than a finger"
    last_button = buttons.nth(buttons.count() - 1)
    expect(page.locator(".call__distance")).to_contain_text("miles from 22903")
    source = page.locator(".call__source")
    expect(source).to_contain_text("not yet checked by a person")
    assert source.bounding_box()["y"] < SCREEN_HEIGHT
    # The details come after the numbers.
    first_section = page.locator(".detail__main section").first
    assert first_section.bounding_box()["y"] > last_button.bounding_box()["y"]


def test_comparison_shows_each_programs_numbers_at_the_top_on_screen_and_printed(
    phone_page, locator_listings
):
    page = phone_page
    page.goto(f"/programs/?{SEARCH}")
    cards = page.locator("article.card")
    for n in (0, 1):
        cards.nth(n).locator("button.compare-toggle").click()
    page.locator("a.compare-bar__link").click()
    heads = page.locator("thead th[scope='col']")
    expect(heads.first.get_by_role("link", name=re.compile("Main phone"))).to_be_visible()
    page.emulate_media(media="print")
    expect(heads.first.locator(".phone-numbers")).to_be_visible()
    expect(heads.nth(1).locator(".phone-numbers")).to_be_visible()
