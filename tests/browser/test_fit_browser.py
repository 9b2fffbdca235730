"""A family on a phone asks for what matters on real, locator-shaped listings only."""

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "findtreatment" / "locator-sample.json"
SEARCH = "/programs/?near=22903&radius=25&evening=1&payment=medicaid&condition=depression"


def test_family_search_on_real_listings_lists_what_to_ask_and_keeps_the_search(phone_page):
    call_command("import_findtreatment", str(SAMPLE), stdout=io.StringIO())
    page = phone_page
    page.goto(SEARCH)

    expect(page.get_by_role("heading", name=re.compile(r"^Might fit: .* \(\d+\)$"))).to_be_visible()
    first = page.locator("article.card").first
    expect(first.get_by_text("Accepts Medicaid: yes")).to_be_visible()
    expect(first.get_by_text("Evening sessions: not reported - ask")).to_be_visible()
    expect(first.get_by_text("Treats depression on site: not reported - ask")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the results page is {width} px wide on a 360-px screen"

    # The program page knows the search, asks first about what is unknown, and leads back.
    first.locator(".card__title a").click()
    expect(page.get_by_role("heading", name="What you asked")).to_be_visible()
    questions = page.locator(".intake-questions li")
    expect(questions.first).to_contain_text("Which days and times do sessions run")
    page.get_by_role("link", name="Back to results").click()
    expect(page).to_have_url(re.compile(r"/programs/\?near=22903&radius=25&evening=1"))
    expect(page.locator("article.card")).not_to_have_count(0)

    # Two programs compared: the chosen criteria come first, marked per program.
    cards = page.locator("article.card")
    for n in (0, 1):
        cards.nth(n).locator("button.compare-toggle").click()
    page.locator("a.compare-bar__link").click()
    expect(page).to_have_url(re.compile(r"/compare/\?.*search="))
    table = page.locator("main table").first
    expect(table).to_contain_text("Accepts Medicaid")
    expect(table).to_contain_text("Evening sessions")
    expect(page.get_by_role("link", name="Back to results")).to_be_visible()
