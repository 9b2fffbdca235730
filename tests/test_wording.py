"""How schedules are worded on cards and in the comparison (programs/wording.py)."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.utils import translation

from programs.wording import day_list, day_text, hours_text, schedule_summary, time_range
from tests.factories import make_program

pytestmark = pytest.mark.django_db


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

    assert time_range(time(12, 0), time(15, 0)) == "12-3 pm"
    assert time_range(time(8, 0), time(11, 45)) == "8-11:45 am"


def test_schedules_and_dates_are_worded_in_spanish_on_spanish_pages():
    with translation.override("es"):
        assert f"{day_list([0, 1, 2, 3, 4])} {time_range(time(9, 30), time(12, 30))}" == (
            "Lun-Vie 9:30 a. m.-12:30 p. m."
        )
        assert hours_text(Decimal("9.0")) == "9 h/semana"
        assert day_text(date(2026, 11, 28)) == "28 de noviembre de 2026"
    assert day_text(date(2026, 11, 28)) == "Nov 28, 2026"
    assert hours_text(Decimal("9.0")) == "9 h/week"
