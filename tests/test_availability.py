"""Availability with a date: always worded with the day it was confirmed, and flagged when old."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from programs.availability import accepting_wording, wait_wording
from programs.models import Program
from tests.factories import make_program

pytestmark = pytest.mark.django_db

# Dec 2, 2026 at 10:00 in Virginia: the site's time zone decides what "today" is.
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_recent_answers_read_confirmed_with_their_date():
    today = date(2026, 12, 2)
    assert accepting_wording(True, date(2026, 11, 28), today) == (
        "Accepting new clients (confirmed Nov 28, 2026)"
    )
    assert accepting_wording(False, date(2026, 11, 2), today) == (
        "Not accepting new clients (confirmed Nov 2, 2026)"
    )
    assert wait_wording(7, date(2026, 11, 28), today) == "About 7 days (confirmed Nov 28, 2026)"


def test_answers_older_than_30_days_say_last_confirmed_and_ask():
    today = date(2026, 12, 2)
    assert accepting_wording(True, date(2026, 11, 1), today) == (
        "Accepting new clients (last confirmed Nov 1, 2026 - ask)"
    )
    assert (
        wait_wording(1, date(2026, 6, 30), today)
        == "About 1 day (last confirmed Jun 30, 2026 - ask)"
    )


def test_an_answer_is_never_worded_without_its_date():
    today = date(2026, 12, 2)
    assert accepting_wording(True, None, today) == ""
    assert wait_wording(5, None, today) == ""
    assert accepting_wording(None, date(2026, 12, 1), today) == ""


@pytest.mark.parametrize(
    "fields",
    [
        {"accepting_new_clients": True},
        {"accepting_confirmed_on": date(2026, 12, 1)},
        {"typical_wait_days": 3},
        {"wait_confirmed_on": date(2026, 12, 1)},
    ],
)
def test_the_database_refuses_a_value_without_its_date_and_a_date_without_a_value(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_program(**fields)


def test_program_page_shows_availability_with_its_date(client):
    program = make_program(
        accepting_new_clients=True,
        accepting_confirmed_on=date(2026, 11, 28),
        typical_wait_days=4,
        wait_confirmed_on=date(2026, 10, 1),
    )

    html = client.get(program.get_absolute_url()).content.decode()

    assert "Accepting new clients (confirmed Nov 28, 2026)" in html
    assert "About 4 days (last confirmed Oct 1, 2026 - ask)" in html
    # A current answer needs no intake question about openings.
    assert "Are you taking new clients now" not in html


def test_an_old_answer_still_leads_to_the_intake_question(client):
    program = make_program(accepting_new_clients=True, accepting_confirmed_on=date(2026, 10, 1))

    html = client.get(program.get_absolute_url()).content.decode()

    assert "Accepting new clients (last confirmed Oct 1, 2026 - ask)" in html
    assert "Are you taking new clients now" in html


def test_result_cards_show_the_accepting_badge_only_while_it_is_current(client):
    make_program(
        name="Fresh", accepting_new_clients=True, accepting_confirmed_on=date(2026, 11, 20)
    )
    make_program(name="Old", accepting_new_clients=True, accepting_confirmed_on=date(2026, 9, 1))

    html = client.get(reverse("programs:list"), {"near": "22903"}).content.decode()

    assert html.count('class="badge badge--open"') == 1
    assert "Accepting new clients (confirmed Nov 20, 2026)" in html


def test_comparison_words_availability_with_its_date(client):
    first = make_program(accepting_new_clients=False, accepting_confirmed_on=date(2026, 11, 30))
    second = make_program()

    html = client.get(
        reverse("programs:compare"), {"p": [first.slug, second.slug]}
    ).content.decode()

    assert "Not accepting new clients (confirmed Nov 30, 2026)" in html


def test_api_gives_each_answer_with_its_date(client):
    program = make_program(typical_wait_days=0, wait_confirmed_on=date(2026, 11, 29))

    data = client.get(reverse("programs:api_detail", args=[program.slug])).json()

    assert (data["typical_wait_days"], data["wait_confirmed_on"]) == (0, "2026-11-29")
    assert data["accepting_new_clients"] is None and data["accepting_confirmed_on"] is None


def test_the_same_program_reads_old_once_30_days_have_passed(client):
    program = make_program(accepting_new_clients=True, accepting_confirmed_on=date(2026, 11, 2))
    assert Program.objects.get(pk=program.pk).accepting_display.endswith("(confirmed Nov 2, 2026)")

    with time_machine.travel(datetime(2026, 12, 3, 15, 0, tzinfo=UTC), tick=False):
        assert Program.objects.get(pk=program.pk).accepting_display == (
            "Accepting new clients (last confirmed Nov 2, 2026 - ask)"
        )


def test_a_curator_is_told_next_to_the_date_field_when_it_is_missing():
    program = make_program()
    program.accepting_new_clients = True
    program.typical_wait_days = 3

    with pytest.raises(ValidationError) as caught:
        program.full_clean()

    errors = caught.value.message_dict
    assert "needs the day it was confirmed" in errors["accepting_confirmed_on"][0]
    assert "needs the day it was confirmed" in errors["wait_confirmed_on"][0]
    assert not any("program_accepting_has_its_date" in m for m in sum(errors.values(), []))
