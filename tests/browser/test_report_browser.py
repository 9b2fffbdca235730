"""A visitor reports a problem with a listing; a curator finds it in the queue and resolves it."""

import pytest

from programs.models import Facility, ProviderLink, Report, Resolution
from tests.browser.test_accessibility import STRUCTURE_CHECKS, axe_violations
from tests.public_pages import make_public_pages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-password"


def test_a_visitor_reports_a_wrong_phone_and_a_curator_resolves_it(
    page, browser, live_server, django_user_model
):
    pages = make_public_pages()
    django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)

    # The visitor browses without getting a cookie, then reports from the program's page.
    page.goto(pages["results"])
    page.get_by_role("link", name="Evening IOP").first.click()
    # A link from the results carries the search (?q=...), so match the path only.
    page.wait_for_url(f"**{pages['detail']}*")
    assert page.context.cookies() == []
    page.get_by_role("link", name="Report a problem with this listing").click()
    page.get_by_label("The phone number is wrong").check()
    page.get_by_label("Tell us more").fill("I called twice; it is a dentist's office now.")
    page.get_by_role("button", name="Send the report").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    # Only the report form set a cookie: the CSRF token.
    assert [cookie["name"] for cookie in page.context.cookies()] == ["csrftoken"]
    assert Report.objects.get().details == "I called twice; it is a dentist's office now."

    # A curator, in a browser of their own, signs in and works through the queue.
    context = browser.new_context(base_url=live_server.url)
    curator = context.new_page()
    curator.goto("/admin/login/?next=/admin/")
    curator.get_by_label("Username").fill("boss")
    curator.get_by_label("Password").fill(PASSWORD)
    curator.get_by_role("button", name="Log in").click()
    curator.wait_for_url("**/admin/")
    curator.get_by_role("link", name="Work queue").click()
    row = curator.locator("#queue tbody tr").first
    assert "Reported: the phone number is wrong" in row.inner_text()
    assert "dentist's office" in row.inner_text()
    assert "Evening IOP at Blue Ridge Recovery Center" in row.inner_text()
    row.get_by_role("link", name="Resolve the report").click()
    curator.locator("#id_resolution").select_option(label="Fixed")
    curator.locator("#id_resolution_note").fill("New number from the clinic's website.")
    curator.get_by_role("button", name="Save", exact=True).click()
    curator.wait_for_url("**/admin/programs/report/")

    curator.goto("/admin/queue/?only=report")
    assert "Nothing to check" in curator.locator("#content-main").inner_text()
    report = Report.objects.get()
    assert report.resolution == Resolution.FIXED
    assert report.resolved_by.username == "boss"
    assert report.resolution_note == "New number from the clinic's website."
    context.close()


def test_the_report_and_provider_forms_pass_wcag_22_aa_also_with_errors(page, phone_page):
    pages = make_public_pages()
    report_url = pages["detail"] + "report/"
    link = ProviderLink.objects.create(
        facility=Facility.objects.get(name="Blue Ridge Recovery Center")
    )
    problems = {}
    for screen, browser_page in (("desktop", page), ("phone", phone_page)):
        browser_page.goto(report_url)
        found = axe_violations(browser_page) + browser_page.evaluate(STRUCTURE_CHECKS)
        browser_page.get_by_label("Something else").check()
        browser_page.get_by_role("button", name="Send the report").click()
        browser_page.get_by_text("Please say what is wrong").wait_for()
        found += axe_violations(browser_page) + browser_page.evaluate(STRUCTURE_CHECKS)
        browser_page.goto(link.get_absolute_url())
        found += axe_violations(browser_page) + browser_page.evaluate(STRUCTURE_CHECKS)
        width = browser_page.evaluate("document.documentElement.scrollWidth")
        if screen == "phone" and width > 360:
            found.append(f"scrolls sideways ({width}px)")
        if found:
            problems[screen] = found
    assert problems == {}
    assert Report.objects.count() == 0
