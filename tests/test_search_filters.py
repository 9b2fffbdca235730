"""The results page's filters: place and distance, schedule, staff, approach, co-occurring
conditions, payment and people served, and the FilterSet as the CSV and the API use it."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.http import QueryDict

from programs.models import Program, StaffRole
from programs.search import ProgramSearch
from tests.factories import (
    DAYTIME_TUE_THU,
    EVENING_MON_WED_THU,
    make_facility,
    make_program,
    north_of_cville,
)
from tests.searching import names, only, search

pytestmark = pytest.mark.django_db


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
def test_accepting_matches_a_yes_confirmed_in_the_last_30_days(client):
    make_program(name="Open", accepting_new_clients=True, accepting_confirmed_on=date(2026, 11, 2))
    make_program(name="Stale", accepting_new_clients=True, accepting_confirmed_on=date(2026, 11, 1))
    make_program(
        name="Waitlist", accepting_new_clients=False, accepting_confirmed_on=date(2026, 12, 1)
    )
    make_program(name="Unknown")
    page = search(client, "accepting=1&nofit=1").context["page"].object_list
    groups = {program.name: program.fit_group for program in page}
    # A yes too old to rely on is "not reported": it might fit; a no does not fit.
    assert groups == {"Open": 0, "Stale": 1, "Unknown": 1, "Waitlist": 2}


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
    programs = ProgramSearch(params, queryset=Program.objects.published())
    assert programs.is_valid()
    assert [p.name for p in programs.qs] == ["Near", "Far"]


def test_filterset_accepts_a_plain_dict_and_reports_errors():
    make_program(name="Any")
    programs = ProgramSearch(
        {"near": "00000", "evening": "1"}, queryset=Program.objects.published()
    )
    assert not programs.is_valid()
    assert "near" in programs.errors
    assert list(programs.qs) == []


def test_max_hours_accepts_decimals():
    make_program(name="Nine", sessions=EVENING_MON_WED_THU)
    programs = ProgramSearch({"max_hours": "9.0"}, queryset=Program.objects.published())
    assert programs.form.is_valid() and programs.form.cleaned_data["max_hours"] == Decimal("9.0")
    assert [p.name for p in programs.qs] == ["Nine"]
