"""The results page itself: sorting, chips, pagination, the ways out of an empty page, bad
input, the filters panel and the cost in queries."""

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.http import QueryDict

from programs.models import Program
from programs.search import ProgramSearch
from tests.factories import (
    DAYTIME_TUE_THU,
    EVENING_MON_WED_THU,
    make_facility,
    make_program,
    north_of_cville,
)
from tests.searching import URL, names, search

pytestmark = pytest.mark.django_db


# --- Sorting --------------------------------------------------------------------------------


def test_sort_by_most_recently_verified_puts_unverified_last(client):
    make_program(name="Old", facility=make_facility(last_verified=date(2025, 1, 1)))
    make_program(name="Never", facility=make_facility(last_verified=None))
    make_program(name="Recent", facility=make_facility(last_verified=date(2026, 11, 1)))
    assert names(search(client, "sort=verified")) == ["Recent", "Old", "Never"]


def test_sort_by_fewest_hours(client):
    make_program(
        name="Twelve",
        sessions=((0, "09:00", "13:00"), (2, "09:00", "13:00"), (4, "09:00", "13:00")),
    )
    make_program(name="Nine", sessions=EVENING_MON_WED_THU)
    make_program(name="Unknown")
    assert names(search(client, "sort=hours")) == ["Nine", "Twelve", "Unknown"]


def test_sort_by_name_orders_by_facility_then_program(client):
    make_program(name="Zed", facility=make_facility(name="Alpha"))
    make_program(name="Able", facility=make_facility(name="Beta"))
    assert names(search(client, "sort=name")) == ["Zed", "Able"]


def test_sort_by_name_overrides_distance_order(client):
    make_program(name="Near", facility=make_facility(name="Zulu", **north_of_cville(1)))
    make_program(name="Farther", facility=make_facility(name="Alpha", **north_of_cville(9)))
    assert names(search(client, "near=22903")) == ["Near", "Farther"]
    assert names(search(client, "near=22903&sort=name")) == ["Farther", "Near"]


def test_sort_by_distance_without_a_place_falls_back_to_name(client):
    make_program(name="B", facility=make_facility(name="Bravo"))
    make_program(name="A", facility=make_facility(name="Alpha"))
    response = search(client, "sort=distance")
    assert names(response) == ["A", "B"]
    assert response.context["sort"] == "name"


# --- Chips and pages ------------------------------------------------------------------------


def chip_links(response) -> dict[str, dict]:
    return {
        chip.label: parse_qs(chip.query, keep_blank_values=True)
        for chip in response.context["chips"]
    }


def test_each_chip_removes_only_its_own_filter(client):
    make_program(name="Any")
    response = search(client, "near=22903&radius=50&evening=1&modality=cbt&modality=dbt&page=2")
    chips = chip_links(response)
    near_chip = next(label for label in chips if label.startswith("Within 50 miles of 22903"))
    assert chips[near_chip] == {"evening": ["1"], "modality": ["cbt", "dbt"]}
    evening = chips["Evening sessions (start 4 pm or later)"]
    assert evening == {"near": ["22903"], "radius": ["50"], "modality": ["cbt", "dbt"]}
    cbt = chips["Cognitive behavioral therapy (CBT)"]
    assert cbt["modality"] == ["dbt"] and cbt["evening"] == ["1"]
    html = response.content.decode()
    assert 'class="chips__clear" href="/programs/"' in html


def test_default_level_is_not_a_chip_but_a_chosen_level_is(client):
    make_program(name="Any")
    assert chip_links(search(client)) == {}
    chips = chip_links(search(client, "level=php"))
    assert list(chips) == ["Partial hospitalization / day treatment (PHP)"]


def test_pagination_links_keep_every_filter(client):
    facility = make_facility(payment=("medicaid",))
    for n in range(25):
        make_program(name=f"Program {n:02}", facility=facility, sessions=EVENING_MON_WED_THU)
    response = search(client, "near=22903&evening=1&payment=medicaid&sort=name")
    page = response.context["page"]
    assert (page.number, page.paginator.num_pages, len(page.object_list)) == (1, 2, 20)
    html = response.content.decode()
    assert 'href="?near=22903&amp;evening=1&amp;payment=medicaid&amp;sort=name&amp;page=2"' in html
    second = search(client, "near=22903&evening=1&payment=medicaid&sort=name&page=2")
    assert names(second) == [f"Program {n:02}" for n in range(20, 25)]


def test_sort_links_keep_filters_and_return_to_page_one(client):
    for n in range(25):
        make_program(name=f"Pine {n}")
    html = search(client, "evening=&accepting=&page=2&q=pine").content.decode()
    assert 'href="?evening=&amp;accepting=&amp;q=pine&amp;sort=name"' in html


def test_page_past_the_end_shows_the_last_page(client):
    for n in range(25):
        make_program(name=f"P{n:02}")
    response = search(client, "page=99999999999999999999")
    assert response.context["page"].number == 2


def test_page_that_is_not_a_number_shows_the_first_page(client):
    make_program(name="Only")
    assert search(client, "page=two").context["page"].number == 1


def test_empty_result_names_each_filter_and_what_removing_it_finds(client):
    make_program(
        name="Daytime near", facility=make_facility(**north_of_cville(2)), sessions=DAYTIME_TUE_THU
    )
    response = search(client, "near=22903&evening=1")
    assert names(response) == []
    html = response.content.decode()
    assert "No program matches every filter you chose" in html
    assert "Remove “Evening sessions (start 4 pm or later)”</a> – 1 program" in html
    assert 'href="/programs/?near=22903"' in html


def _ways_out_listings():
    def near(**fields):
        return make_facility(payment=fields.pop("payment", ()), **fields)

    evening, day = EVENING_MON_WED_THU, DAYTIME_TUE_THU
    make_program(name="No Medicaid", facility=near(), sessions=evening, modalities=("cbt",))
    make_program(
        name="Daytime", facility=near(payment=("medicaid",)), sessions=day, modalities=("cbt",)
    )
    make_program(
        name="DBT only", facility=near(payment=("medicaid",)), sessions=evening, modalities=("dbt",)
    )
    make_program(
        name="Sixty miles out",
        facility=near(payment=("medicaid",), **north_of_cville(60)),
        sessions=evening,
        modalities=("cbt", "dbt"),
        conditions={"depression": "on_site"},
    )
    make_program(
        name="Far away",
        facility=near(**north_of_cville(500)),
        modalities=("cbt", "dbt"),
        conditions={"depression": "on_site", "ptsd": "on_site"},
    )
    va = {"state": "VA"}
    make_program(name="PHP no Spanish", level_of_care="php", format="virtual", facility=near(**va))
    make_program(
        name="IOP Spanish",
        format="virtual",
        facility=make_facility(languages=("spanish",), **va),
    )
    make_program(
        name="Maryland PHP",
        level_of_care="php",
        format="virtual",
        facility=make_facility(languages=("spanish",), state="MD", zip_code="21201"),
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            "near=22903&evening=1&modality=cbt&payment=medicaid"
            "&must=evening&must=modality&must=payment",
            # Within 100 miles; without evening; without CBT; without Medicaid.
            [1, 1, 1, 1],
        ),
        (
            "near=22903&radius=100&modality=cbt&modality=dbt&condition=depression&condition=ptsd"
            "&must=modality&must=condition",
            # Anywhere; without CBT; without DBT; without depression; without PTSD.
            [1, 0, 0, 0, 1],
        ),
        (
            "state=VA&level=php&format=virtual&language=spanish&must=format&must=language",
            # Any state; without virtual; back to IOP; without Spanish.
            [1, 0, 1, 1],
        ),
    ],
)
def test_each_way_out_of_an_empty_page_finds_what_its_own_link_finds(params, expected):
    # Every criterion is a must-have here, so that listings which do not report it do not fit
    # and the page is empty.
    _ways_out_listings()
    search = ProgramSearch(QueryDict(params), queryset=Program.objects.published())
    assert search.qs.count() == 0
    ways = search.relaxations()
    assert [way.count for way in ways] == expected
    for way in ways:
        again = ProgramSearch(QueryDict(way.query), queryset=Program.objects.published())
        assert way.count == again.qs.count(), way


def test_an_empty_search_near_a_place_offers_the_widest_radius_with_what_it_finds(client):
    make_program(name="Sixty miles north", facility=make_facility(**north_of_cville(60)))
    response = search(client, "near=22903&radius=25&page=2")
    assert names(response) == []
    html = response.content.decode()
    assert "Search within 100 miles instead</a> – 1 program" in html
    assert 'href="/programs/?near=22903&amp;radius=100"' in html
    assert names(search(client, "near=22903&radius=100")) == ["Sixty miles north"]


def test_at_the_widest_radius_the_place_itself_is_offered_for_removal(client):
    make_program(name="Far away", facility=make_facility(**north_of_cville(150)))
    html = search(client, "near=22903&radius=100").content.decode()
    assert "Search within 100 miles instead" not in html
    assert "Remove “Within 100 miles of 22903 (Charlottesville, VA)”</a> – 1 program" in html


def test_an_empty_page_costs_one_count_per_filter_and_reads_the_lookups_once(
    client, django_assert_max_num_queries
):
    make_program(name="Daytime near", sessions=DAYTIME_TUE_THU)
    # Stamp, count, lookup lists, then one count per active filter (place and three more).
    with django_assert_max_num_queries(3 + 4):
        response = search(client, "near=22903&evening=1&payment=medicaid&modality=cbt")
    assert names(response) == []
    assert len(response.context["relaxations"]) == 4


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ("near=99999", "near", "We could not find that place"),
        ("near=Atlantis%2C+XX", "near", "We could not find that place"),
        ("near=22903&radius=7", "radius", "Select a valid choice"),
        ("near=22903&radius=ten", "radius", "Select a valid choice"),
        ("max_hours=lots", "max_hours", "Enter a number"),
        ("max_hours=1e400", "max_hours", ""),
        ("max_hours=999", "max_hours", "less than or equal to 60"),
        ("level=residential", "level", "Select a valid choice"),
        ("payment=bitcoin", "payment", "Select a valid choice"),
        ("modality=cbt&modality=astrology", "modality", "Select a valid choice"),
        ("state=ZZ", "state", "Select a valid choice"),
        ("days=someday", "days", "Select a valid choice"),
        ("dual=9", "dual", "Select a valid choice"),
        ("facility=does-not-exist", "facility", "Select a valid choice"),
        ("payment=%00", "payment", "Select a valid choice"),
        ("q=%00", "q", "Null characters are not allowed"),
    ],
)
def test_bad_input_answers_400_with_a_message_next_to_the_field(client, params, field, message):
    make_program(name="Should not show")
    response = search(client, params, status=400)
    assert names(response) == []
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert message in html
    assert "We could not understand part of your search" in html


def test_sort_that_does_not_exist_is_a_bad_request(client):
    response = search(client, "sort=popularity", status=400)
    assert "sort" in response.context["form"].errors


# --- Cost in queries ------------------------------------------------------------------------


def _rich_programs(count: int):
    for n in range(count):
        facility = make_facility(
            payment=("medicaid", "private-insurance"), **north_of_cville(n % 20)
        )
        make_program(
            name=f"Program {n}",
            facility=facility,
            sessions=EVENING_MON_WED_THU,
            staff={"psychiatrist": "on_site", "lcsw": "on_site"},
            modalities=("cbt",),
            conditions={"depression": "on_site"},
        )


@pytest.mark.parametrize("count", [1, 30])
def test_results_page_query_count_does_not_grow_with_results(
    client, django_assert_max_num_queries, count
):
    _rich_programs(count)
    # A cold start (no cached filters panel, no cached lookup lists, no stored page).
    with django_assert_max_num_queries(8):
        response = search(client, "near=22903&radius=50&modality=cbt")
    assert len(names(response)) == min(count, 20)
    parsed = urlsplit(response.request["PATH_INFO"])
    assert parsed.path == URL


def test_filter_panel_opens_by_itself_when_a_filter_needs_fixing(client):
    closed = search(client, "evening=1").content.decode()
    assert re.search(r'<details class="filters-panel" id="filters" data-open-wide>', closed)
    opened = search(client, "max_hours=lots", status=400).content.decode()
    assert re.search(r'<details class="filters-panel" id="filters" open data-open-wide>', opened)


def test_form_carries_the_chosen_sort_and_facility_when_filters_change(client):
    facility = make_facility(slug="oak-house")
    make_program(facility=facility)
    html = search(client, "facility=oak-house&sort=hours").content.decode()
    assert '<input type="hidden" name="sort" value="hours">' in html
    assert re.search(r'<input type="hidden" name="facility" value="oak-house"[^>]*>', html)


# --- Folding the form on a phone, the favicon (issue 18) ----------------------------------


def test_results_page_folds_the_search_into_a_summary_line(client):
    make_program(name="Evening", sessions=EVENING_MON_WED_THU)
    html = search(client, "near=22903&radius=50&evening=1&payment=medicaid&q=trauma").content
    summary = re.search(rb'<summary class="search-fold__summary">(.*?)</summary>', html, re.S)
    assert summary, "no folded search"
    text = re.sub(rb"<[^>]+>", b"", summary.group(1)).decode()
    assert text.startswith("22903 · 50 miles · \u201ctrauma\u201d · 2 filters")
    assert "Change" in text


def test_first_visit_and_a_search_to_fix_keep_the_form_open(client):
    assert b"search-fold" not in search(client, "").content
    assert b"search-fold" not in search(client, "near=00000", status=400).content


def test_favicon_is_linked_and_answers_at_its_usual_address(client):
    html = search(client, "").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == icon
    assert icon == "/static/favicon.svg"
    assert finders.find("favicon.svg"), "the icon is not among the static files"


# --- A place we could not find: what the family may have meant (issue 18) ------------------


def test_misspelt_city_offers_did_you_mean_as_a_link(client):
    make_program(name="Evening")
    response = search(client, "near=Charlotesville%2C+VA&radius=50&evening=1", status=400)
    assert "Did you mean Charlottesville, VA" in " ".join(response.context["form"].errors["near"])
    html = response.content.decode()
    link = re.search(r'Did you mean <a href="([^"]+)">Charlottesville, VA</a>', html)
    assert link, "no link to the place the family meant"
    fixed = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert fixed == {"near": ["Charlottesville, VA"], "radius": ["50"], "evening": ["1"]}
    followed = search(client, urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert followed.context["place"].label == "Charlottesville, VA"
    assert followed.context["page"].paginator.count == 1


def test_city_without_state_lists_the_states_that_have_it(client):
    html = search(client, "near=Charlottesville", status=400).content.decode()
    assert "Which state? There is a place of that name in IN, VA." in html
    assert re.search(r'<a href="\?near=Charlottesville%2C\+VA">Charlottesville, VA</a>', html)
    assert re.search(r'<a href="\?near=Charlottesville%2C\+IN">Charlottesville, IN</a>', html)
