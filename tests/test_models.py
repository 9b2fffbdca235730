"""The model enforces its own invariants in the database, and derives schedule figures."""

from datetime import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from programs.models import Credential, Program, Session, StaffRole
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program

pytestmark = pytest.mark.django_db


def _rejected(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_evening_schedule_mon_wed_thu_is_nine_hours_evening_no_weekend():
    program = make_program(sessions=EVENING_MON_WED_THU)
    assert program.hours_per_week == Decimal("9.0")
    assert program.has_evening is True
    assert program.has_weekend is False
    assert program.schedule_days == ["Mon", "Wed", "Thu"]


def test_program_without_sessions_has_schedule_not_reported():
    program = make_program()
    assert program.hours_per_week is None
    assert program.has_evening is None
    assert program.has_weekend is None


def test_daytime_saturday_session_counts_as_weekend_not_evening():
    program = make_program(sessions=((5, "09:00", "12:30"),))
    assert program.hours_per_week == Decimal("3.5")
    assert program.has_evening is False
    assert program.has_weekend is True


def test_deleting_a_session_recomputes_the_figures():
    program = make_program(sessions=EVENING_MON_WED_THU)
    program.sessions.first().delete()
    program.refresh_from_db()
    assert program.hours_per_week == Decimal("6.0")


def test_session_must_start_before_it_ends():
    program = make_program()
    _rejected(
        lambda: Session.objects.create(
            program=program, weekday=0, start=time(21, 0), end=time(18, 0)
        )
    )


def test_session_weekday_must_be_monday_to_sunday():
    program = make_program()
    _rejected(
        lambda: Session.objects.create(program=program, weekday=7, start=time(9), end=time(12))
    )


def test_facility_zip_must_be_five_digits():
    _rejected(lambda: make_facility(zip_code="2290"))
    _rejected(lambda: make_facility(zip_code="ABCDE"))


def test_facility_coordinates_must_be_in_range():
    _rejected(lambda: make_facility(latitude=91.0))
    _rejected(lambda: make_facility(longitude=-181.0))


def test_facility_needs_both_coordinates_or_neither():
    _rejected(lambda: make_facility(latitude=38.0, longitude=None))
    assert make_facility(latitude=None, longitude=None).has_coordinates is False


def test_program_slugs_are_unique():
    make_program(slug="same-slug")
    _rejected(lambda: make_program(slug="same-slug"))


def test_program_hours_per_week_cannot_exceed_the_limit():
    program = make_program()
    _rejected(lambda: Program.objects.filter(pk=program.pk).update(hours_per_week=61))


def test_program_group_size_must_be_sensible():
    _rejected(lambda: make_program(group_size_max=0))


def test_staff_role_is_listed_once_per_credential():
    program = make_program(staff={"lcsw": "on_site"})
    _rejected(
        lambda: StaffRole.objects.create(
            program=program,
            credential=Credential.objects.get(slug="lcsw"),
            availability="referral",
        )
    )


def test_staff_role_availability_must_be_a_known_choice():
    program = make_program()
    _rejected(
        lambda: StaffRole.objects.create(
            program=program, credential=Credential.objects.get(slug="lcsw"), availability="maybe"
        )
    )


def test_unknown_facts_are_stored_as_not_reported_not_no():
    program = make_program()
    program.refresh_from_db()
    assert program.drug_testing is None
    assert program.offers_mat is None
    assert program.dual_diagnosis is None
    assert program.format == ""


def test_source_id_is_unique_within_a_source():
    make_facility(source="findtreatment", source_id="abc")
    _rejected(lambda: make_facility(source="findtreatment", source_id="abc"))
    # An empty source id (a curator's own listing) may repeat.
    make_facility(source="curator", source_id="")
    make_facility(source="curator", source_id="")
