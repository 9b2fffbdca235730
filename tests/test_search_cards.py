"""Result cards: the four criteria at a glance, facts not reported, demo badges."""

import pytest

from programs.facts import CardLine
from programs.models import Source
from tests.factories import (
    EVENING_MON_WED_THU,
    make_facility,
    make_program,
)
from tests.searching import NOT_REPORTED, search

pytestmark = pytest.mark.django_db


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
    assert f'href="{program.get_absolute_url()}?search=near%3D22903"' in html
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


def test_a_card_line_is_an_answer_only_when_it_is_yes_no_or_not_reported():
    for answer in (True, False, None):  # yes, no, not reported: told apart by {% fact %}
        assert CardLine("MAT", answer).is_answer
    assert not CardLine("Payment", "Medicaid").is_answer
    assert not CardLine("Hours", 0).is_answer  # a number, not a "no"


def test_demo_listings_carry_a_badge_and_the_page_a_banner(client):
    make_program(name="Made up", facility=make_facility(source=Source.DEMO))
    html = search(client).content.decode()
    assert "Fictional demo listing" in html
    assert "demo-banner" in html


def test_page_without_demo_listings_has_no_demo_banner(client):
    make_program(name="Real")
    assert "demo-banner" not in search(client).content.decode()
