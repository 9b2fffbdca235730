"""The call sheet a family prints (issue 18): rendered to a PDF by Chromium and read back with
pypdf, three real, locator-shaped programs fit on at most two portrait pages."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extras: make setup")

SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "findtreatment" / "locator-sample.json"
SEARCH = "near=22903&radius=25&evening=1&payment=medicaid&condition=depression"


def test_call_sheet_for_three_programs_prints_on_two_portrait_pages(page):
    call_command("import_findtreatment", str(SAMPLE), stdout=io.StringIO())
    page.goto(f"/programs/?{SEARCH}")
    cards = page.locator("article.card")
    for n in (0, 1, 2):
        cards.nth(n).locator("button.compare-toggle").click()
    page.locator("a.compare-bar__link").click()
    page.get_by_role("link", name="Print a call sheet").click()
    expect(page.get_by_role("heading", name="Call sheet", exact=True)).to_be_visible()
    expect(page.locator("section.sheet-program")).to_have_count(3)
    names = page.locator("section.sheet-program h2").all_inner_texts()
    numbers = page.locator("section.sheet-program .phone-numbers__number").all_inner_texts()
    addresses = [
        re.sub(r"\s+", " ", line).strip()
        for line in page.locator("section.sheet-program address").all_inner_texts()
    ]
    assert len(numbers) >= 3 and len(addresses) == 3

    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="Letter", print_background=False)))
    assert len(pdf.pages) <= 2, f"the call sheet prints on {len(pdf.pages)} pages"
    for sheet in pdf.pages:
        box = sheet.mediabox
        assert box.height > box.width, "a page is printed landscape"
    text = re.sub(r"\s+", " ", " ".join(sheet.extract_text() for sheet in pdf.pages))
    for name in names:
        assert name in text
    # Each chosen program's own numbers and address, as the page shows them.
    for line in [*numbers, *addresses]:
        assert line in text, line
    # The family's criteria with what is known, then questions about what is not reported.
    assert "Accepts Medicaid:" in text
    assert "Evening sessions: not reported - ask" in text
    assert "Which days and times do sessions run" in text
    assert timezone.localdate().strftime("%B") in text
    assert "/compare/call-sheet/?p=" in text
    assert "Skip to main content" not in text and "Print this page" not in text


def test_call_sheet_from_a_program_page_lists_that_program(page):
    call_command("import_findtreatment", str(SAMPLE), stdout=io.StringIO())
    page.goto(f"/programs/?{SEARCH}")
    page.locator("article.card .card__title a").first.click()
    page.get_by_role("link", name="Print a call sheet").click()
    expect(page.locator("section.sheet-program")).to_have_count(1)
    expect(page.locator("section.sheet-program")).to_contain_text("Accepts Medicaid: yes")
    page.get_by_role("link", name="Back to the program").click()
    expect(page.get_by_role("heading", name="What you asked")).to_be_visible()
