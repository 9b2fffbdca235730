"""In a real browser: a family searches a ZIP code, narrows the results with two filters and
sees them change, on a desktop, on a phone (the filter panel folds) and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PAGE_TIMEOUT_MS
from tests.factories import (
    DAYTIME_TUE_THU,
    EVENING_MON_WED_THU,
    make_facility,
    make_program,
    north_of_cville,
)

# The data the pages show is created in the test and read by the live server's thread.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def programs():
    make_program(
        name="Evening IOP",
        sessions=EVENING_MON_WED_THU,
        facility=make_facility(
            name="Blue Ridge Recovery", payment=("medicaid",), **north_of_cville(2)
        ),
    )
    make_program(
        name="Daytime IOP",
        sessions=DAYTIME_TUE_THU,
        facility=make_facility(
            name="Rivanna Counseling", payment=("medicaid",), **north_of_cville(5)
        ),
    )
    make_program(
        name="Private Evening IOP",
        sessions=EVENING_MON_WED_THU,
        facility=make_facility(
            name="Oak House", payment=("private-insurance",), **north_of_cville(8)
        ),
    )
    make_program(
        name="Faraway IOP",
        sessions=EVENING_MON_WED_THU,
        facility=make_facility(name="Mountain Lodge", payment=("medicaid",), **north_of_cville(70)),
    )


def result_titles(page) -> list[str]:
    return page.locator(".card__title").all_inner_texts()


def test_family_searches_a_zip_then_two_filters_narrow_the_results(page, programs):
    page.goto("/")
    page.get_by_label("ZIP code or city, state").fill("22903")
    page.get_by_role("button", name="Find programs").click()

    expect(page).to_have_url(re.compile(r"/programs/\?near=22903"))
    expect(page.get_by_role("heading", name="3 programs found")).to_be_visible()
    assert result_titles(page) == ["Evening IOP", "Daytime IOP", "Private Evening IOP"]
    expect(page.get_by_text("2.0 miles away")).to_be_visible()

    # On a wide screen the filter panel is open already.
    page.get_by_label("Evening sessions (start 4 pm or later)").check()
    page.get_by_label("Payment").select_option("medicaid")
    page.get_by_role("button", name="Show programs").click()

    # Criteria rank rather than hide: the one program that reports both matches, and the page
    # says how many others say otherwise.
    expect(page.get_by_role("heading", name="1 program to consider")).to_be_visible()
    expect(page.get_by_role("heading", name="Matches everything you asked (1)")).to_be_visible()
    expect(page.get_by_text("Evening sessions: yes (Mon, Wed, Thu 6-9 pm)")).to_be_visible()
    expect(page.get_by_role("link", name="Show them too")).to_be_visible()
    assert result_titles(page) == ["Evening IOP"]
    chips = page.locator(".chips")
    expect(chips.get_by_role("link", name=re.compile("Accepts: Medicaid"))).to_be_visible()

    # Removing one chip widens the search again and keeps the other filters.
    chips.get_by_role("link", name=re.compile("Evening sessions")).click()
    expect(page.get_by_role("heading", name="2 programs to consider")).to_be_visible()
    assert result_titles(page) == ["Evening IOP", "Daytime IOP"]
    expect(page.get_by_label("Payment")).to_have_value("medicaid")


def test_filter_panel_is_folded_on_a_phone_and_opens_with_a_tap(phone_page, programs):
    page = phone_page
    page.goto("/programs/?near=22903")
    evening = page.get_by_label("Evening sessions (start 4 pm or later)")
    expect(evening).to_be_hidden()

    # The search has run, so the form is folded into its summary line; "Change" opens it.
    page.locator("summary", has_text="Change").click()
    page.locator("summary", has_text="Filters").click()
    expect(evening).to_be_visible()
    evening.check()
    page.get_by_role("button", name="Show programs").click()

    expect(page.get_by_role("heading", name="2 programs to consider")).to_be_visible()
    assert result_titles(page) == ["Evening IOP", "Private Evening IOP"]
    change = page.locator("summary", has_text="Change")
    expect(change).to_contain_text("22903 · 25 miles · 1 filter")
    change.click()
    expect(page.locator("summary", has_text="Filters")).to_contain_text("(1 on)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360-px screen"


def test_search_and_filters_work_without_javascript(browser, live_server, programs):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page.goto("/programs/?near=22903")
        page.locator("summary", has_text="Change").click()
        page.locator("summary", has_text="Filters").click()
        page.get_by_label("Payment").select_option("private-insurance")
        page.get_by_role("button", name="Show programs").click()
        expect(page.get_by_role("heading", name="1 program to consider")).to_be_visible()
        assert result_titles(page) == ["Private Evening IOP"]
        # The must-have form is a plain GET form too, folded under two summaries.
        page.locator("summary", has_text="Order:").click()
        page.locator("summary", has_text="Choose must-haves").click()
        page.get_by_label("Accepts Private insurance").check()
        page.get_by_role("button", name="Update the list").click()
        expect(page.get_by_role("heading", name="1 program to consider")).to_be_visible()
        assert "must=payment" in page.url
    finally:
        context.close()
