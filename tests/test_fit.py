"""Results ranked by fit (programs/fit.py): matches, might fit (ask), does not fit."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from programs.models import Facility, Program
from tests.factories import (
    DAYTIME_TUE_THU,
    EVENING_MON_WED_THU,
    make_facility,
    make_program,
    north_of_cville,
)

pytestmark = pytest.mark.django_db

URL = "/programs/"
SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "findtreatment" / "locator-sample.json"


def page(client, params: str, status: int = 200):
    response = client.get(f"{URL}?{params}")
    assert response.status_code == status, response.content.decode()[:1500]
    return response


def grouped(client, params: str) -> dict[str, int]:
    """Each listed program's name and its group (0 matches, 1 might fit, 2 does not fit)."""
    programs = page(client, params).context["page"].object_list
    return {program.name: program.fit_group for program in programs}


# --- Grouping, one kind of criterion at a time ---------------------------------------------


def test_a_yes_no_fact_not_reported_might_fit_and_a_reported_no_does_not(client):
    make_program(name="Says yes", offers_mat=True)
    make_program(name="Says no", offers_mat=False)
    make_program(name="Does not say")
    assert grouped(client, "mat=1") == {"Says yes": 0, "Does not say": 1}
    assert grouped(client, "mat=1&nofit=1") == {"Says yes": 0, "Does not say": 1, "Says no": 2}


def test_a_schedule_criterion_reads_the_sessions(client):
    make_program(name="Evening", sessions=EVENING_MON_WED_THU)
    make_program(name="Daytime", sessions=DAYTIME_TUE_THU)
    make_program(name="No schedule")
    assert grouped(client, "evening=1") == {"Evening": 0, "No schedule": 1}
    assert grouped(client, "days=tue&days=thu") == {"Daytime": 0, "No schedule": 1}
    assert grouped(client, "max_hours=7") == {"No schedule": 1}  # 9 and 8 hours: too many


def test_a_list_fact_that_leaves_the_value_out_does_not_fit_and_an_empty_list_might(client):
    make_program(name="Takes Medicaid", facility=make_facility(payment=("medicaid",)))
    make_program(name="Lists other payment", facility=make_facility(payment=("self-pay",)))
    make_program(name="Lists no payment")
    assert grouped(client, "payment=medicaid") == {"Takes Medicaid": 0, "Lists no payment": 1}


def test_a_condition_counts_only_when_treated_on_site(client):
    make_program(name="On site", conditions={"depression": "on_site"})
    make_program(name="By referral", conditions={"depression": "referral"})
    make_program(name="Other condition only", conditions={"ptsd": "on_site"})
    make_program(name="Addiction only", dual_diagnosis=1)
    assert grouped(client, "condition=depression") == {"On site": 0, "Other condition only": 1}


def test_staff_roles_answer_physician_on_site_and_a_referral_does_not_fit(client):
    make_program(name="On site", staff={"psychiatrist": "on_site"})
    make_program(name="Referral", staff={"psychiatrist": "referral"})
    make_program(name="Counselor only", staff={"lcsw": "on_site"})
    assert grouped(client, "physician=1") == {"On site": 0, "Counselor only": 1}


def test_might_fit_is_ordered_by_how_many_criteria_are_confirmed_then_by_distance(client):
    near, far = north_of_cville(2), north_of_cville(20)
    make_program(
        name="Far, one confirmed",
        offers_mat=True,
        facility=make_facility(**far),
    )
    make_program(name="Near, none confirmed", facility=make_facility(**near))
    make_program(
        name="Far, all confirmed",
        offers_mat=True,
        individual_therapy=True,
        facility=make_facility(**far),
    )
    found = page(client, "near=22903&mat=1&therapist=1").context["page"].object_list
    assert [p.name for p in found] == [
        "Far, all confirmed",
        "Far, one confirmed",
        "Near, none confirmed",
    ]


def test_a_must_have_turns_not_reported_into_does_not_fit(client):
    make_program(name="Says yes", offers_mat=True)
    make_program(name="Does not say")
    assert grouped(client, "mat=1&must=mat") == {"Says yes": 0}
    assert grouped(client, "mat=1&must=mat&nofit=1") == {"Says yes": 0, "Does not say": 2}


# --- What the page says ----------------------------------------------------------------------


def test_the_page_counts_each_group_and_says_why_programs_do_not_fit(client):
    make_program(name="Evening", sessions=EVENING_MON_WED_THU, offers_mat=True)
    make_program(name="Daytime", sessions=DAYTIME_TUE_THU)
    make_program(name="No schedule")
    html = page(client, "evening=1&mat=1").content.decode()
    assert "Matches everything you asked (1)" in html
    assert "Might fit: ask about what is not reported (1)" in html
    assert "1 program whose listing says otherwise (no evening sessions (1))" in html
    assert 'href="?evening=1&amp;mat=1&amp;nofit=1">Show them too</a>' in html
    assert "No listing pays for its place" in html


def test_each_card_answers_every_chosen_criterion(client):
    make_program(
        name="Evening",
        sessions=EVENING_MON_WED_THU,
        conditions={"depression": "referral"},
        facility=make_facility(payment=("medicaid",)),
    )
    html = page(client, "evening=1&payment=medicaid&condition=depression&nofit=1").content
    html = html.decode()
    assert "Evening sessions: yes (Mon, Wed, Thu 6-9 pm)" in html
    assert "Accepts Medicaid: yes" in html
    # How depression is handled, not the program's overall co-occurring label.
    assert "Treats depression on site: no (By referral)" in html


def test_a_card_says_to_ask_about_a_criterion_the_listing_does_not_report(client):
    make_program(name="Quiet listing")
    html = page(client, "evening=1").content.decode()
    assert "Evening sessions: not reported - ask" in html


def test_the_must_have_form_keeps_the_search_and_works_without_javascript(client):
    make_program(name="Says yes", offers_mat=True)
    html = page(client, "near=22903&radius=50&mat=1&page=1").content.decode()
    form = html[html.index('<form method="get" action="/programs/" class="must-form">') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="near" value="22903">' in form
    assert '<input type="hidden" name="radius" value="50">' in form
    assert '<input type="checkbox" name="must" value="mat">' in form
    assert 'name="page"' not in form
    # Folded until a must-have is chosen, so results come first on a phone.
    assert '<details class="must-form__fold">' in html
    chosen = page(client, "mat=1&must=mat").content.decode()
    assert '<details class="must-form__fold" open>' in chosen


def test_removing_a_criterion_also_removes_its_must_have(client):
    make_program(name="Says yes", offers_mat=True)
    response = page(client, "mat=1&must=mat")
    chip = next(c for c in response.context["chips"] if c.name == "mat")
    assert "must" not in chip.query


# --- Bad input --------------------------------------------------------------------------------


def test_a_must_have_for_a_criterion_not_chosen_answers_400_with_a_message(client):
    response = page(client, "must=evening", status=400)
    assert "A must-have needs its filter chosen first" in response.content.decode()


def test_an_unknown_must_have_answers_400(client):
    page(client, "mat=1&must=wings", status=400)


# --- Real, locator-shaped listings -----------------------------------------------------------


def test_on_locator_listings_the_family_search_lists_real_iops_under_might_fit(client):
    call_command("import_findtreatment", str(SAMPLE), stdout=io.StringIO())
    assert not Facility.objects.filter(source="demo").exists()
    params = "near=22903&radius=25&evening=1&payment=medicaid&condition=depression"
    response = page(client, params)
    programs = list(response.context["page"].object_list)
    assert programs, "the real Charlottesville IOPs must be listed"
    assert {p.fit_group for p in programs} == {1}
    assert any("Region Ten" in p.facility.name for p in programs)
    html = response.content.decode()
    assert "Evening sessions: not reported - ask" in html
    assert "Treats depression on site: not reported - ask" in html
    assert "Accepts Medicaid: yes" in html


# --- CSV, API and cost -----------------------------------------------------------------------


def test_the_csv_and_the_api_carry_each_programs_group_and_answers(client):
    make_program(name="Says yes", offers_mat=True)
    make_program(name="Does not say")
    data = client.get("/api/programs/?mat=1").json()
    assert [(r["name"], r["fit"]["group"]) for r in data["results"]] == [
        ("Says yes", "matches"),
        ("Does not say", "might_fit"),
    ]
    answers = data["results"][1]["fit"]["criteria"]
    assert answers == [
        {
            "criterion": "mat",
            "value": None,
            "label": "Medication for addiction treatment",
            "answer": None,
        }
    ]
    body = b"".join(client.get("/programs/export.csv?mat=1").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [(r["Program"], r["Fits your search"]) for r in rows] == [
        ("Says yes", "Matches everything you asked"),
        ("Does not say", "Might fit: ask"),
    ]
    assert rows[1]["Asked: Medication for addiction treatment"] == "Not reported"


def test_a_search_with_a_place_and_three_criteria_costs_at_most_ten_queries(
    client, django_assert_max_num_queries
):
    for n in range(25):
        make_program(
            name=f"Program {n}",
            sessions=EVENING_MON_WED_THU if n % 2 else (),
            conditions={"depression": "on_site"} if n % 3 else {},
            facility=make_facility(payment=("medicaid",) if n % 4 else (), **north_of_cville(n)),
        )
    assert Program.objects.count() == 25
    with django_assert_max_num_queries(10):
        page(client, "near=22903&evening=1&payment=medicaid&condition=depression")
    with django_assert_max_num_queries(10):
        page(client, "near=22903&evening=1&payment=medicaid&condition=depression&page=2")


def test_the_groups_are_counted_with_each_criterion_tested_once_a_program(
    client, django_assert_max_num_queries
):
    for n in range(12):
        make_program(
            name=f"Program {n}",
            conditions={"depression": "on_site"} if n % 3 else {},
            facility=make_facility(payment=("medicaid",) if n % 4 else ("self-pay",)),
        )
    with django_assert_max_num_queries(10) as captured:
        response = page(client, "payment=medicaid&condition=depression&nofit=1")
    counts = response.context["fit_counts"]
    assert (counts.matches, counts.might_fit, counts.does_not_fit) == (6, 3, 3)
    (counted,) = [q["sql"] for q in captured.captured_queries if "fit_rows" in q["sql"]]
    # Each criterion's two subqueries (met, reported) once, not once per tally of the groups.
    assert counted.count("programs_facility_payment_types") == 2
    assert counted.count("programs_conditionsupport") == 2


# --- The program page and the comparison know what was asked ------------------------------


def test_a_program_page_reached_from_a_search_marks_its_criteria_and_asks_about_them_first(
    client,
):
    program = make_program(name="Quiet", facility=make_facility(payment=("medicaid",)))
    search = "near=22903&evening=1&payment=medicaid&page=2"
    results = page(client, "evening=1&payment=medicaid")
    assert f'href="{program.get_absolute_url()}?search=evening%3D1%26payment%3Dmedicaid"' in (
        results.content.decode()
    )

    response = client.get(program.get_absolute_url(), {"search": search})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Evening sessions: not reported - ask" in html
    assert "Accepts Medicaid: yes" in html
    back = '<a href="/programs/?near=22903&amp;evening=1&amp;payment=medicaid&amp;page=2">'
    assert back + "Back to results</a>" in html
    questions = response.context["questions"]
    assert questions[0].startswith("Which days and times do sessions run")


def test_a_program_page_with_a_search_it_cannot_read_marks_nothing(client):
    program = make_program(name="Quiet")
    response = client.get(program.get_absolute_url(), {"search": "near=00000&evening=1"})
    assert response.status_code == 200
    assert "What you asked" not in response.content.decode()


def test_the_comparison_marks_each_chosen_criterion_for_every_program(client):
    yes = make_program(name="Evening", sessions=EVENING_MON_WED_THU)
    no = make_program(name="Daytime", sessions=DAYTIME_TUE_THU)
    quiet = make_program(name="Quiet")
    response = client.get(
        "/compare/", {"p": [yes.slug, no.slug, quiet.slug], "search": "evening=1"}
    )
    assert response.status_code == 200
    asked = response.context["groups"][0]
    assert asked.title == "What you asked"
    assert [(row.label, row.cells) for row in asked.rows] == [
        ("Evening sessions", [True, False, None])
    ]
    assert '<a href="/programs/?evening=1">Back to results</a>' in response.content.decode()


def test_a_condition_named_with_an_acronym_keeps_its_capitals_in_a_sentence(client):
    program = make_program(name="Quiet")
    html = page(client, "condition=ptsd").content.decode()
    assert "Treats PTSD and trauma on site: not reported - ask" in html
    response = client.get(program.get_absolute_url(), {"search": "condition=ptsd"})
    assert response.context["questions"][0] == (
        "Do you treat PTSD and trauma here, by referral, or not at all?"
    )
