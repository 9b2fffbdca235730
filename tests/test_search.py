"""The results page /programs/: every filter, distance, text search, sorting, chips, pages,
bad input and the cost in queries."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.http import QueryDict

from programs.filters import ProgramFilter
from programs.models import Program, Source, StaffRole
from programs.wording import day_list, schedule_summary, time_range
from tests.factories import (
    DAYTIME_TUE_THU,
    EVENING_MON_WED_THU,
    make_facility,
    make_program,
    north_of_cville,
)

pytestmark = pytest.mark.django_db

URL = "/programs/"
NOT_REPORTED = "Not reported - ask at intake"


def search(client, params="", status=200):
    response = client.get(f"{URL}?{params}" if params else URL)
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def names(response) -> list[str]:
    """The programs of the page that match every criterion asked (with criteria chosen, the
    others are "might fit" or "does not fit": tests/test_fit.py)."""
    return [
        program.name
        for program in response.context["page"].object_list
        if getattr(program, "fit_group", 0) == 0
    ]


def only(client, params: str, included: str, excluded: str):
    found = names(search(client, params))
    assert included in found
    assert excluded not in found


# --- Where ----------------------------------------------------------------------------------


def test_near_zip_keeps_programs_inside_the_radius_and_drops_those_just_outside(client):
    make_program(name="Inside", facility=make_facility(**north_of_cville(24.9)))
    make_program(name="Outside", facility=make_facility(**north_of_cville(25.1)))
    only(client, "near=22903&radius=25", "Inside", "Outside")


def test_default_radius_is_25_miles(client):
    make_program(name="Inside", facility=make_facility(**north_of_cville(24.5)))
    make_program(name="Outside", facility=make_facility(**north_of_cville(26)))
    response = search(client, "near=22903")
    assert names(response) == ["Inside"]
    assert 'value="25" selected' in response.content.decode()


def test_wider_radius_finds_farther_programs(client):
    make_program(name="Forty miles", facility=make_facility(**north_of_cville(40)))
    assert names(search(client, "near=22903&radius=25")) == []
    assert names(search(client, "near=22903&radius=50")) == ["Forty miles"]


def test_near_search_sorts_nearest_first_and_cards_show_distance(client):
    make_program(name="Twenty", facility=make_facility(**north_of_cville(20)))
    make_program(name="Two", facility=make_facility(**north_of_cville(2)))
    make_program(name="Ten", facility=make_facility(**north_of_cville(10)))
    response = search(client, "near=22903")
    assert names(response) == ["Two", "Ten", "Twenty"]
    distances = [p.distance for p in response.context["page"].object_list]
    assert distances == pytest.approx([2, 10, 20], abs=0.05)
    assert "2.0 miles away" in response.content.decode()


def test_city_and_state_search_like_a_zip_code(client):
    make_program(name="Downtown", facility=make_facility(**north_of_cville(1)))
    make_program(name="Far away", facility=make_facility(**north_of_cville(80)))
    response = search(client, "near=charlottesville%2C+va")
    assert names(response) == ["Downtown"]
    assert "Programs near Charlottesville, VA" in response.content.decode()


def test_virtual_program_in_the_searchers_state_is_listed_and_marked_virtual(client):
    richmond_virtual = make_facility(state="VA", **north_of_cville(-200))
    make_program(name="Online VA", format="virtual", facility=richmond_virtual)
    make_program(name="In person far", format="in_person", facility=richmond_virtual)
    make_program(
        name="Online MD",
        format="virtual",
        facility=make_facility(state="MD", **north_of_cville(200)),
    )
    make_program(name="Near", facility=make_facility(**north_of_cville(3)))
    response = search(client, "near=22903")
    assert names(response) == ["Near", "Online VA"]
    online = response.context["page"].object_list[1]
    assert online.distance is None
    assert "open to people in Virginia" in response.content.decode()


def test_facility_without_coordinates_is_left_out_of_a_distance_search(client):
    make_program(name="No map point", facility=make_facility(latitude=None, longitude=None))
    assert names(search(client, "near=22903")) == []
    assert names(search(client)) == ["No map point"]


def test_state_filter(client):
    make_program(name="Virginia", facility=make_facility(state="VA"))
    make_program(name="Maryland", facility=make_facility(state="MD", city="Baltimore"))
    only(client, "state=MD", "Maryland", "Virginia")


# --- Schedule -------------------------------------------------------------------------------


def test_evening_filter_excludes_daytime_only_programs(client):
    make_program(name="Evening", sessions=EVENING_MON_WED_THU)
    make_program(name="Daytime", sessions=DAYTIME_TUE_THU)
    make_program(name="No schedule")
    assert names(search(client, "evening=1")) == ["Evening"]


def test_weekend_filter_keeps_programs_meeting_on_saturday_or_sunday(client):
    make_program(name="Saturday", sessions=((5, "09:00", "12:00"),))
    make_program(name="Weekdays", sessions=DAYTIME_TUE_THU)
    only(client, "weekend=1", "Saturday", "Weekdays")


def test_days_filter_keeps_a_program_whose_sessions_all_fall_on_chosen_days(client):
    make_program(name="Mon Wed Thu", sessions=EVENING_MON_WED_THU)
    make_program(name="Tue Thu", sessions=DAYTIME_TUE_THU)
    assert names(search(client, "days=mon&days=wed&days=thu&days=fri")) == ["Mon Wed Thu"]
    assert names(search(client, "days=tue&days=thu")) == ["Tue Thu"]


def test_days_filter_needs_every_session_of_the_schedule_on_a_chosen_day(client):
    make_program(
        name="Groups and family night",
        sessions=(
            (0, "18:00", "21:00", "Groups"),
            (2, "18:00", "21:00", "Groups"),
            (3, "18:00", "20:00", "Family night"),
        ),
    )
    make_program(name="No schedule")
    assert names(search(client, "days=mon&days=wed&days=thu")) == ["Groups and family night"]
    assert names(search(client, "days=mon&days=wed")) == []


def test_max_hours_filter_excludes_heavier_and_unreported_schedules(client):
    make_program(name="Nine hours", sessions=EVENING_MON_WED_THU)
    make_program(
        name="Twenty hours",
        sessions=tuple((day, "09:00", "13:00") for day in range(5)),
    )
    make_program(name="Unknown hours")
    assert names(search(client, "max_hours=12")) == ["Nine hours"]


def test_format_filter_accepts_several_formats(client):
    make_program(name="In person", format="in_person")
    make_program(name="Virtual", format="virtual")
    make_program(name="Hybrid", format="hybrid")
    make_program(name="Unreported format")
    assert sorted(names(search(client, "format=virtual&format=hybrid"))) == ["Hybrid", "Virtual"]


def test_level_defaults_to_iop_and_other_levels_can_be_chosen(client):
    make_program(name="IOP", level_of_care="iop")
    make_program(name="PHP", level_of_care="php")
    make_program(name="OP", level_of_care="op")
    assert names(search(client)) == ["IOP"]
    assert sorted(names(search(client, "level=php&level=op"))) == ["OP", "PHP"]


def test_facility_link_lists_all_of_that_facilitys_programs_at_every_level(client):
    facility = make_facility(name="Blue Ridge")
    make_program(name="Day program", level_of_care="php", facility=facility)
    make_program(name="Evening IOP", facility=facility)
    make_program(name="Elsewhere")
    response = client.get(facility.get_absolute_url())
    assert sorted(names(response)) == ["Day program", "Evening IOP"]
    assert "At Blue Ridge" in response.content.decode()


# --- Staff ----------------------------------------------------------------------------------


def test_physician_filter_needs_a_physician_on_site_not_by_referral(client):
    make_program(name="Psychiatrist on site", staff={"psychiatrist": "on_site"})
    make_program(name="Psychiatrist by referral", staff={"psychiatrist": "referral"})
    make_program(name="Nurse practitioner on site", staff={"psychiatric-np": "on_site"})
    assert names(search(client, "physician=1")) == ["Psychiatrist on site"]


def test_prescriber_filter_accepts_on_site_or_referral_prescribers(client):
    make_program(name="NP by referral", staff={"psychiatric-np": "referral"})
    make_program(name="Counselors only", staff={"lcsw": "on_site"})
    only(client, "prescriber=1", "NP by referral", "Counselors only")


def test_licensed_therapist_filter_keeps_programs_reporting_individual_therapy(client):
    make_program(name="Individual therapy", individual_therapy=True)
    make_program(name="No individual therapy", individual_therapy=False)
    make_program(name="Not reported")
    assert names(search(client, "therapist=1")) == ["Individual therapy"]


def test_group_leader_filter_matches_credentials_that_lead_groups(client):
    lcsw_leads = make_program(name="LCSW leads", staff={"lcsw": "on_site"})
    StaffRole.objects.filter(program=lcsw_leads).update(leads_groups=True)
    make_program(name="LCSW does not lead", staff={"lcsw": "on_site"})
    peer_leads = make_program(name="Peer leads", staff={"peer-recovery-specialist": "on_site"})
    StaffRole.objects.filter(program=peer_leads).update(leads_groups=True)
    assert names(search(client, "leader=lcsw")) == ["LCSW leads"]
    assert sorted(names(search(client, "leader=lcsw&leader=peer-recovery-specialist"))) == [
        "LCSW leads",
        "Peer leads",
    ]


# --- Approach -------------------------------------------------------------------------------


def test_modality_filter_needs_every_chosen_approach(client):
    make_program(name="CBT and DBT", modalities=("cbt", "dbt"))
    make_program(name="CBT only", modalities=("cbt",))
    assert sorted(names(search(client, "modality=cbt"))) == ["CBT and DBT", "CBT only"]
    assert names(search(client, "modality=cbt&modality=dbt")) == ["CBT and DBT"]


def test_mat_filter_and_medication_filter(client):
    make_program(name="Buprenorphine", offers_mat=True, medications=("buprenorphine",))
    make_program(name="Naltrexone", offers_mat=True, medications=("naltrexone-injectable",))
    make_program(name="No MAT", offers_mat=False)
    make_program(name="MAT not reported")
    assert sorted(names(search(client, "mat=1"))) == ["Buprenorphine", "Naltrexone"]
    assert names(search(client, "medication=naltrexone-injectable")) == ["Naltrexone"]


def test_holistic_filter_keeps_programs_with_a_holistic_approach(client):
    make_program(name="Yoga", modalities=("yoga", "cbt"))
    make_program(name="CBT only", modalities=("cbt",))
    only(client, "holistic=1", "Yoga", "CBT only")


def test_mutual_help_filter_keeps_programs_with_12_step_or_peer_groups(client):
    make_program(name="SMART", modalities=("smart-recovery",))
    make_program(name="Twelve step", modalities=("twelve-step",))
    make_program(name="Meditation", modalities=("meditation",))
    assert sorted(names(search(client, "mutual_help=1"))) == ["SMART", "Twelve step"]


# --- Co-occurring conditions ----------------------------------------------------------------


def test_condition_filter_needs_on_site_treatment_for_every_chosen_condition(client):
    make_program(name="Both on site", conditions={"ptsd": "on_site", "depression": "on_site"})
    make_program(name="PTSD by referral", conditions={"ptsd": "referral", "depression": "on_site"})
    make_program(name="Depression only", conditions={"depression": "on_site"})
    assert sorted(names(search(client, "condition=depression"))) == [
        "Both on site",
        "Depression only",
        "PTSD by referral",
    ]
    assert names(search(client, "condition=ptsd&condition=depression")) == ["Both on site"]


def test_dual_diagnosis_filter_is_a_minimum_level(client):
    make_program(name="Addiction only", dual_diagnosis=1)
    make_program(name="Capable", dual_diagnosis=2)
    make_program(name="Enhanced", dual_diagnosis=3)
    make_program(name="Unreported")
    assert sorted(names(search(client, "dual=2"))) == ["Capable", "Enhanced"]
    assert names(search(client, "dual=3")) == ["Enhanced"]
    assert len(names(search(client, "dual=1"))) == 3


# --- Payment, people, language, accreditation, admission ------------------------------------


def test_payment_filter(client):
    make_program(name="Medicaid", facility=make_facility(payment=("medicaid", "self-pay")))
    make_program(name="Private", facility=make_facility(payment=("private-insurance",)))
    make_program(name="Payment not reported")
    assert names(search(client, "payment=medicaid")) == ["Medicaid"]


def test_population_filter(client):
    make_program(name="Veterans", populations=("veterans", "adults"))
    make_program(name="Adolescents", populations=("adolescents",))
    only(client, "population=veterans", "Veterans", "Adolescents")


def test_language_filter(client):
    make_program(name="Spanish", facility=make_facility(languages=("english", "spanish")))
    make_program(name="English", facility=make_facility(languages=("english",)))
    only(client, "language=spanish", "Spanish", "English")


def test_accreditation_filter(client):
    make_program(name="CARF", facility=make_facility(accreditations=("carf",)))
    make_program(name="Licensed", facility=make_facility(accreditations=("state-license",)))
    only(client, "accreditation=carf", "CARF", "Licensed")


@time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), tick=False)
def test_accepting_filter_keeps_programs_that_said_yes_in_the_last_30_days(client):
    make_program(name="Open", accepting_new_clients=True, accepting_confirmed_on=date(2026, 11, 2))
    make_program(name="Stale", accepting_new_clients=True, accepting_confirmed_on=date(2026, 11, 1))
    make_program(
        name="Waitlist", accepting_new_clients=False, accepting_confirmed_on=date(2026, 12, 1)
    )
    make_program(name="Unknown")
    assert names(search(client, "accepting=1")) == ["Open"]


def test_filters_combine(client):
    near = make_facility(payment=("medicaid",), **north_of_cville(5))
    make_program(name="Fits", facility=near, sessions=EVENING_MON_WED_THU, offers_mat=True)
    make_program(name="Daytime", facility=near, sessions=DAYTIME_TUE_THU, offers_mat=True)
    make_program(name="No MAT", facility=near, sessions=EVENING_MON_WED_THU, offers_mat=False)
    far = make_facility(payment=("medicaid",), **north_of_cville(60))
    make_program(name="Too far", facility=far, sessions=EVENING_MON_WED_THU, offers_mat=True)
    params = "near=22903&evening=1&mat=1&payment=medicaid"
    assert names(search(client, params)) == ["Fits"]


def test_unpublished_programs_and_facilities_never_show(client):
    make_program(name="Hidden program", is_published=False)
    make_program(name="Hidden facility", facility=make_facility(is_published=False))
    make_program(name="Shown")
    assert names(search(client)) == ["Shown"]


# --- Text search ----------------------------------------------------------------------------


def test_text_search_matches_program_facility_city_and_description(client):
    make_program(name="Evening recovery track", facility=make_facility(name="Oak House"))
    make_program(name="Day IOP", facility=make_facility(name="Riverside Clinic"))
    make_program(name="Adult IOP", facility=make_facility(city="Staunton"))
    make_program(name="Women's IOP", description="Trauma-informed groups for mothers.")
    assert names(search(client, "q=recovery")) == ["Evening recovery track"]
    assert names(search(client, "q=riverside")) == ["Day IOP"]
    assert names(search(client, "q=STAUNTON")) == ["Adult IOP"]
    assert names(search(client, "q=mothers")) == ["Women's IOP"]


def test_text_search_reads_special_characters_as_plain_text(client):
    make_program(name="Evening IOP", facility=make_facility(name="Oak & Pine (North)"))
    for query in ["oak+%26", "%21%21", "pine%3A*", "%27%27", "(north)", "a|b"]:
        response = search(client, f"q={query}")
        assert response.status_code == 200


def test_text_search_needs_every_word(client):
    make_program(name="Evening IOP", facility=make_facility(name="Oak House"))
    make_program(name="Evening IOP at Pine", facility=make_facility(name="Pine Center"))
    assert names(search(client, "q=evening+oak")) == ["Evening IOP"]
    assert names(search(client, "q=evening+birch")) == []


def test_text_search_sorts_by_best_match_by_default(client):
    make_program(name="Family Program", description="Weekly groups.")
    make_program(name="Adult IOP", description="Includes a family night.")
    response = search(client, "q=family")
    assert response.context["sort"] == "relevance"
    assert names(response)[0] == "Family Program"


def test_full_text_search_stems_words_and_ranks_name_matches_first(client):
    make_program(name="Aardvark IOP", description="Weekly groups for whole families.")
    make_program(name="Family Recovery IOP", description="Groups.")
    make_program(name="Unrelated IOP", description="Yoga.")
    response = search(client, "q=family")  # "families" stems to the same word
    assert names(response) == ["Family Recovery IOP", "Aardvark IOP"]
    ranks = [p.rank for p in response.context["page"].object_list]
    assert ranks[0] > ranks[1] > 0


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


# --- Cards ----------------------------------------------------------------------------------


def test_card_answers_the_four_criteria_at_a_glance(client):
    program = make_program(
        name="Evening IOP",
        facility=make_facility(name="Oak House", city="Charlottesville", payment=("medicaid",)),
        sessions=EVENING_MON_WED_THU,
        staff={"psychiatrist": "on_site"},
        format="hybrid",
        dual_diagnosis=3,
        offers_mat=True,
    )
    html = search(client, "near=22903").content.decode()
    assert f'href="{program.get_absolute_url()}"' in html
    assert "Oak House · Charlottesville, VA" in html
    assert "Mon, Wed, Thu 6-9 pm · 9 h/week" in html
    assert "Intensive outpatient (IOP) · Hybrid" in html
    assert "Dual-diagnosis enhanced" in html
    assert "Medicaid" in html
    assert "Last verified Oct 1, 2026" in html
    assert "On site" in html
    assert "compare" in html


def test_card_shows_unknown_facts_as_not_reported(client):
    make_program(name="Sparse listing")
    html = search(client).content.decode()
    card = html[html.index("Sparse listing") :]
    # schedule, physician, individual therapy, MAT, mental-health care, payment, format
    assert card.count(NOT_REPORTED) >= 6
    assert "✗" not in card


def test_demo_listings_carry_a_badge_and_the_page_a_banner(client):
    make_program(name="Made up", facility=make_facility(source=Source.DEMO))
    html = search(client).content.decode()
    assert "Fictional demo listing" in html
    assert "demo-banner" in html


def test_page_without_demo_listings_has_no_demo_banner(client):
    make_program(name="Real")
    assert "demo-banner" not in search(client).content.decode()


@pytest.mark.parametrize(
    ("days", "start", "end", "expected"),
    [
        ([0, 2, 3], "18:00", "21:00", "Mon, Wed, Thu 6-9 pm"),
        ([0, 1, 2, 3, 4], "09:30", "12:30", "Mon-Fri 9:30 am-12:30 pm"),
        ([5], "11:00", "13:00", "Sat 11 am-1 pm"),
    ],
)
def test_schedule_summary_wording(days, start, end, expected):
    program = make_program(sessions=tuple((day, start, end) for day in days))
    assert schedule_summary(program).split(" · ")[0] == expected


def test_schedule_summary_lists_each_time_slot_and_hours():
    program = make_program(
        sessions=((0, "09:00", "12:00"), (2, "09:00", "12:00"), (3, "18:00", "20:30"))
    )
    assert schedule_summary(program) == "Mon, Wed 9 am-12 pm; Thu 6-8:30 pm · 8.5 h/week"


def test_schedule_helpers():
    assert day_list([6, 5]) == "Sat, Sun"
    assert day_list([0, 1, 2, 4]) == "Mon-Wed, Fri"
    from datetime import time

    assert time_range(time(12, 0), time(15, 0)) == "12-3 pm"
    assert time_range(time(8, 0), time(11, 45)) == "8-11:45 am"


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
    search = ProgramFilter(QueryDict(params), queryset=Program.objects.published())
    assert search.qs.count() == 0
    ways = search.relaxations()
    assert [way.count for way in ways] == expected
    for way in ways:
        again = ProgramFilter(QueryDict(way.query), queryset=Program.objects.published())
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


# --- The FilterSet as other parts of the site use it ----------------------------------------


def test_filterset_entry_point_gives_a_filtered_sorted_queryset():
    make_program(
        name="Far", facility=make_facility(**north_of_cville(20)), sessions=EVENING_MON_WED_THU
    )
    make_program(
        name="Near", facility=make_facility(**north_of_cville(1)), sessions=EVENING_MON_WED_THU
    )
    make_program(
        name="Daytime", facility=make_facility(**north_of_cville(1)), sessions=DAYTIME_TUE_THU
    )
    params = QueryDict("near=22903&evening=1")
    programs = ProgramFilter(params, queryset=Program.objects.published())
    assert programs.is_valid()
    assert [p.name for p in programs.qs] == ["Near", "Far"]


def test_filterset_accepts_a_plain_dict_and_reports_errors():
    make_program(name="Any")
    programs = ProgramFilter(
        {"near": "00000", "evening": "1"}, queryset=Program.objects.published()
    )
    assert not programs.is_valid()
    assert "near" in programs.errors
    assert list(programs.qs) == []


def test_max_hours_accepts_decimals():
    make_program(name="Nine", sessions=EVENING_MON_WED_THU)
    programs = ProgramFilter({"max_hours": "9.0"}, queryset=Program.objects.published())
    assert programs.form.is_valid() and programs.form.cleaned_data["max_hours"] == Decimal("9.0")
    assert [p.name for p in programs.qs] == ["Nine"]


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
