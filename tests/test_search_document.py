"""The full-text index is kept current on every write, by triggers on both databases.

PostgreSQL stores it in Program.search_document (migration 0004), SQLite in the FTS5 table
behind ProgramText (migration 0008); search() reads whichever the database has.
"""

import pytest
from django.db import connection

from programs.models import Facility, Program
from tests.factories import make_facility, make_program

pytestmark = pytest.mark.django_db


def _found(text: str) -> set[str]:
    return set(Program.objects.search(text).values_list("slug", flat=True))


def test_new_program_is_found_by_its_name_facility_city_and_description():
    facility = make_facility(name="Bluebird Health", city="Roanoke", state="VA")
    program = make_program(
        facility=facility, name="Sunrise Track", description="Includes equine therapy."
    )

    for words in ("sunrise", "bluebird", "roanoke", "equine"):
        assert _found(words) == {program.slug}, words


def test_renaming_a_facility_refreshes_its_programs_document():
    facility = make_facility(name="Bluebird Health")
    program = make_program(facility=facility)

    facility.name = "Kestrel Counseling"
    facility.save()

    assert _found("kestrel") == {program.slug}
    assert _found("bluebird") == set()


def test_bulk_update_of_a_program_description_is_searchable_at_once():
    program = make_program(description="Plain words.")

    Program.objects.filter(pk=program.pk).update(description="Now with horticulture groups.")

    assert _found("horticulture") == {program.slug}


def test_bulk_created_programs_get_a_document():
    facility = make_facility(name="Osprey Recovery")
    Program.objects.bulk_create(
        [Program(facility=facility, name=f"Track {n}", slug=f"osprey-{n}") for n in range(3)]
    )

    assert _found("osprey") == {"osprey-0", "osprey-1", "osprey-2"}
    assert Facility.objects.filter(name="Osprey Recovery").count() == 1


def test_a_deleted_program_leaves_nothing_behind_in_the_index():
    program = make_program(name="Heron Track")
    pk = program.pk
    program.delete()

    assert _found("heron") == set()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM programs_program_fts WHERE rowid = %s", [pk])
            assert cursor.fetchone()[0] == 0


def test_moving_a_program_to_another_facility_indexes_the_new_facility():
    program = make_program(facility=make_facility(name="Bluebird Health"))
    Program.objects.filter(pk=program.pk).update(facility=make_facility(name="Kestrel Counseling"))

    assert _found("kestrel") == {program.slug}
    assert _found("bluebird") == set()
