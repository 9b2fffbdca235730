"""The generate_programs command: synthetic programs for benchmarks, kept apart from real data."""

from io import StringIO

import pytest
import zipcodes
from django.core.management import call_command
from django.core.management.base import CommandError

from bench.data import UNSEEN_CHANCE, locator_shape
from programs.models import (
    ConditionSupport,
    Facility,
    Program,
    Session,
    Source,
    StaffRole,
    schedule_figures,
)
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program

pytestmark = pytest.mark.django_db


def _generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_programs", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> list[tuple]:
    programs = Program.objects.filter(facility__source=Source.SYNTHETIC).order_by("slug")
    return [
        (
            p.slug,
            p.name,
            p.facility.zip_code,
            p.facility.latitude,
            p.level_of_care,
            p.offers_mat,
            p.hours_per_week,
            sorted(p.modalities.values_list("slug", flat=True)),
            sorted(p.facility.payment_types.values_list("slug", flat=True)),
            sorted((s.weekday, s.start) for s in p.sessions.all()),
        )
        for p in programs.select_related("facility")
    ]


def test_creates_the_requested_number_of_published_synthetic_programs_with_facilities():
    output = _generate("--count", "60", "--seed", "7")

    programs = Program.objects.all()
    assert programs.count() == 60
    assert "Created 60 synthetic programs" in output
    facilities = Facility.objects.count()
    assert 60 / 1.6 <= facilities < 60  # about 1.1-1.5 programs per facility
    assert set(Facility.objects.values_list("source", flat=True)) == {Source.SYNTHETIC}
    assert not Facility.objects.filter(is_published=False).exists()
    assert not programs.filter(is_published=False).exists()
    assert Session.objects.count() > 60
    assert StaffRole.objects.count() > 60
    assert ConditionSupport.objects.count() > 60


def test_facilities_sit_at_real_zip_codes_near_their_centroid():

    _generate("--count", "40", "--seed", "3")

    for facility in Facility.objects.all():
        (place,) = zipcodes.matching(facility.zip_code)
        assert place["state"] == facility.state
        assert abs(float(place["lat"]) - facility.latitude) < 0.05
        assert abs(float(place["long"]) - facility.longitude) < 0.05


def test_stored_schedule_figures_equal_what_the_sessions_give():
    _generate("--count", "60", "--seed", "11")

    programs = Program.objects.prefetch_related("sessions")
    for program in programs:
        expected = schedule_figures(list(program.sessions.all()))
        stored = (program.hours_per_week, program.has_evening, program.has_weekend)
        assert stored == expected[:3], program.slug
        assert program.days_mask == expected[3], program.slug
    assert programs.filter(has_evening=True).exists()
    assert programs.filter(hours_per_week__isnull=False).exists()


def test_some_facts_are_left_not_reported():
    _generate("--count", "60", "--seed", "5")

    programs = Program.objects.all()
    assert programs.filter(offers_mat__isnull=True).exists()
    assert programs.filter(dual_diagnosis__isnull=True).exists()
    assert programs.filter(modalities__isnull=True).exists()
    assert programs.filter(offers_mat=True, medications__isnull=False).exists()


def test_same_seed_gives_the_same_programs():
    _generate("--count", "30", "--seed", "42")
    first = _snapshot()
    _generate("--count", "30", "--seed", "42", "--clear")
    second = _snapshot()
    _generate("--count", "30", "--seed", "43", "--clear")
    other = _snapshot()

    assert len(first) == 30
    assert first == second
    assert first != other


def test_running_twice_without_clear_adds_programs_with_unique_slugs():
    _generate("--count", "20", "--seed", "1")
    _generate("--count", "20", "--seed", "1")

    assert Program.objects.count() == 40
    assert Program.objects.values("slug").distinct().count() == 40


def test_clear_removes_only_synthetic_rows():
    curated = make_program(sessions=EVENING_MON_WED_THU, modalities=("cbt",))
    demo = make_program(facility=make_facility(source=Source.DEMO))
    _generate("--count", "25", "--seed", "9")

    _generate("--count", "0", "--clear")

    assert set(Program.objects.values_list("pk", flat=True)) == {curated.pk, demo.pk}
    assert Facility.objects.filter(source=Source.SYNTHETIC).count() == 0
    assert Session.objects.filter(program=curated).count() == 3
    assert list(curated.modalities.values_list("slug", flat=True)) == ["cbt"]


def test_negative_count_is_refused():

    with pytest.raises(CommandError, match="zero or more"):
        _generate("--count", "-1")


def test_locator_shaped_programs_mostly_report_no_schedule_staff_or_condition_care():
    _generate("--count", "200", "--seed", "4", "--shape", "locator")

    programs = Program.objects.all()
    for relation in ("sessions", "staff_roles", "condition_support"):
        reported = programs.filter(**{f"{relation}__isnull": False}).distinct().count()
        assert 0 < reported < 200 * 0.3, relation
    assert Program.objects.filter(hours_per_week__isnull=True).count() > 200 * 0.7


def test_locator_shaped_payment_follows_the_locator_sample():
    shape = locator_shape()
    payment = shape.lists["payment_types"]
    commonest = max(payment.chances, key=payment.chances.get)
    expected = payment.chances[commonest] * (1 - payment.not_reported)

    _generate("--count", "300", "--seed", "6", "--shape", "locator")

    facilities = Facility.objects.count()
    share = Facility.objects.filter(payment_types__slug=commonest).count() / facilities
    assert abs(share - expected) < 0.1
    # A value the sample never shows still turns up, rarely, so its filter finds something.
    unseen = [slug for slug, chance in payment.chances.items() if chance == UNSEEN_CHANCE]
    assert unseen
