"""In a real browser: a family picks three programs from the results, compares them, narrows the
table to the differences, prints it, and reads it on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import DAYTIME_TUE_THU, EVENING_MON_WED_THU, make_facility, make_program

# The data the pages show is created in the test and read by the live server's thread.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def programs():
    return [
        make_program(
            name="Evening IOP",
            slug="evening-iop",
            sessions=EVENING_MON_WED_THU,
            drug_testing=True,
            offers_mat=True,
            staff={"psychiatrist": "on_site"},
            facility=make_facility(name="Blue Ridge Recovery", payment=("medicaid",)),
        ),
        make_program(
            name="Daytime IOP",
            slug="daytime-iop",
            sessions=DAYTIME_TUE_THU,
            drug_testing=True,
            offers_mat=False,
            facility=make_facility(name="Rivanna Counseling"),
        ),
        make_program(
            name="Weekend IOP",
            slug="weekend-iop",
            sessions=((5, "09:00", "13:00"), (6, "09:00", "13:00")),
            drug_testing=True,
            facility=make_facility(name="Monticello Health"),
        ),
        make_program(name="Not Chosen IOP", slug="not-chosen-iop"),
    ]


def row(page, label: str):
    return page.locator("tr", has=page.locator(f"th[scope='row']:text-is('{label}')"))


def test_family_builds_a_comparison_of_three_programs_from_the_results(page, programs):
    page.goto("/programs/")
    for name in ("Evening IOP", "Daytime IOP"):
        page.get_by_role("button", name=f"Compare {name}").click()
    # One by keyboard: the toggle is a real button.
    weekend = page.get_by_role("button", name="Compare Weekend IOP")
    weekend.focus()
    page.keyboard.press("Enter")
    expect(weekend).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Compare Not Chosen IOP")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(page.locator("#compare-live")).to_have_text(re.compile("3 programs chosen"))

    # The selection survives moving to another page (localStorage, no cookie).
    page.goto("/programs/daytime-iop/")
    expect(page.get_by_role("button", name="Compare Daytime IOP")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.context.cookies() == []

    page.get_by_role("link", name="Compare (3)").click()
    expect(page).to_have_url(re.compile(r"/compare/\?p=evening-iop&p=daytime-iop&p=weekend-iop$"))
    headers = page.locator("thead th[scope='col']")
    expect(headers).to_have_count(3)
    expect(headers.first).to_contain_text("Evening IOP")

    # Every program tests for drugs, so the row goes when only differences are shown.
    testing = row(page, "Random drug and alcohol testing")
    mat = row(page, "Offers medication for addiction treatment")
    expect(testing).to_be_visible()
    page.get_by_label("Show only differences").check()
    expect(testing).to_be_hidden()
    expect(mat).to_be_visible()
    expect(mat).to_contain_text("Not reported - ask at intake")
    expect(page).to_have_url(re.compile(r"diff=1"))
    page.get_by_label("Show only differences").uncheck()
    expect(testing).to_be_visible()

    # Printing: no navigation chrome or controls, the table still there.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator(".compare-controls")).to_be_hidden()
    expect(page.locator(".compare-bar")).to_be_hidden()
    expect(page.locator("table.compare-table")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator(".site-header")).to_be_visible()


def test_only_differences_works_without_javascript(browser, live_server, programs):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/compare/?p=evening-iop&p=daytime-iop")
    page.get_by_label("Show only differences").check()
    page.get_by_role("button", name="Update comparison").click()
    expect(page).to_have_url(re.compile(r"diff=1"))
    expect(row(page, "Random drug and alcohol testing")).to_be_hidden()
    expect(row(page, "Offers medication for addiction treatment")).to_be_visible()
    # Without JavaScript the toggle is a link that starts a comparison.
    page.goto("/programs/weekend-iop/")
    page.get_by_role("link", name="Add to compare: Weekend IOP").click()
    expect(page.get_by_text("You have chosen one program")).to_be_visible()
    context.close()


def test_removing_a_program_from_the_comparison(page, programs):
    page.goto("/compare/?p=evening-iop&p=daytime-iop&p=weekend-iop")
    page.get_by_role("link", name="Remove Daytime IOP from the comparison").click()
    expect(page).to_have_url(re.compile(r"/compare/\?p=evening-iop&p=weekend-iop$"))
    expect(page.locator("thead th[scope='col']")).to_have_count(2)
    # The selection follows the comparison that is on screen.
    expect(page.get_by_role("link", name="Compare (2)")).to_be_visible()


def test_comparison_on_a_phone_scrolls_sideways_with_labels_in_view(phone_page, programs):
    page = phone_page
    page.goto("/compare/?p=evening-iop&p=daytime-iop&p=weekend-iop")
    # The page itself does not scroll sideways; the table does, inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    scroller = page.locator(".compare-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    label = page.locator("th[scope='row']:text-is('Schedule')")
    label.scroll_into_view_if_needed()
    cell = row(page, "Schedule").locator("td").first
    label_x, cell_x = label.bounding_box()["x"], cell.bounding_box()["x"]
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_timeout(100)
    # The columns moved left; the row label stayed where it was, at the left edge.
    assert cell.bounding_box()["x"] < cell_x - 100
    assert abs(label.bounding_box()["x"] - label_x) < 2
    assert 0 <= label_x < 20


def test_the_compare_bar_and_its_announcements_speak_spanish_on_spanish_pages(page, programs):
    page.goto("/es/programs/")
    evening = page.get_by_role("button", name="Comparar Evening IOP")
    evening.click()
    expect(evening).to_have_attribute("aria-pressed", "true")
    live = page.locator("#compare-live")
    expect(live).to_have_text("Se añadió Evening IOP. 1 programa elegido para comparar.")
    bar = page.get_by_role("region", name="Programas elegidos para comparar")
    expect(bar).to_contain_text("Elija al menos un programa más.")
    page.get_by_role("button", name="Comparar Daytime IOP").click()
    expect(live).to_have_text("Se añadió Daytime IOP. 2 programas elegidos para comparar.")
    expect(bar).to_contain_text("2 programas elegidos para comparar.")
    page.get_by_role("button", name="Comparar Evening IOP").click()
    expect(live).to_have_text("Se quitó Evening IOP. 1 programa elegido para comparar.")
    page.get_by_role("button", name="Comparar Evening IOP").click()

    page.get_by_role("link", name="Comparar (2)").click()
    expect(page).to_have_url(re.compile(r"/es/compare/\?p=daytime-iop&p=evening-iop"))
    caption = page.locator("table.compare-table caption")
    expect(caption).to_have_text("Comparación de 2 programas")
    page.get_by_label("Mostrar solo las diferencias").check()
    expect(caption).to_have_text(
        "Comparación de 2 programas, con solo los datos en que se diferencian"
    )
    expect(live).to_have_text("Se muestran solo los datos en que los programas se diferencian.")
    page.get_by_label("Mostrar solo las diferencias").uncheck()
    expect(caption).to_have_text("Comparación de 2 programas")
    expect(live).to_have_text("Se muestran todos los datos.")

    page.get_by_role("button", name="Quitar todos los programas elegidos para comparar").click()
    expect(live).to_have_text("No hay programas elegidos para comparar.")
    expect(bar).to_be_hidden()
    for english in ("Compare (", "chosen for comparison", "Choose at least"):
        assert english not in page.locator("body").inner_text()


def test_the_english_compare_bar_keeps_its_english_words(page, programs):
    page.goto("/programs/")
    page.get_by_role("button", name="Compare Evening IOP").click()
    expect(page.locator("#compare-live")).to_have_text(
        "Added Evening IOP. 1 program chosen for comparison."
    )
    expect(page.get_by_role("region", name="Programs chosen for comparison")).to_contain_text(
        "Choose at least one more program."
    )
