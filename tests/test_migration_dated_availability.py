"""Migration 0010 dates the "accepting new clients" answers recorded before it, or clears them."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from programs.models.changes import tables_with_triggers

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("programs", "0011_hsds_ids")]
AFTER = [("programs", "0012_curation_and_dated_availability")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    """Later tests share this database: leave it at the newest migrations, not at AFTER."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_old_answers_take_the_facilitys_verification_date_or_become_not_reported():
    apps = migrate(BEFORE)
    try:
        Facility = apps.get_model("programs", "Facility")
        Program = apps.get_model("programs", "Program")
        checked = Facility.objects.create(
            name="Checked", slug="checked", city="Richmond", state="VA", zip_code="23219",
            last_verified=date(2026, 11, 3),
        )  # fmt: skip
        unchecked = Facility.objects.create(
            name="Unchecked", slug="unchecked", city="Richmond", state="VA", zip_code="23219"
        )
        Program.objects.create(facility=checked, name="A", slug="a", accepting_new_clients=True)
        Program.objects.create(facility=unchecked, name="B", slug="b", accepting_new_clients=False)
        Program.objects.create(facility=checked, name="C", slug="c")
    finally:
        apps = migrate(AFTER)

    rows = dict(
        apps.get_model("programs", "Program").objects.values_list("slug", "accepting_new_clients")
    )
    dates = dict(
        apps.get_model("programs", "Program").objects.values_list("slug", "accepting_confirmed_on")
    )
    assert rows == {"a": True, "b": None, "c": None}
    assert dates == {"a": date(2026, 11, 3), "b": None, "c": None}
    # The program table kept its triggers through SQLite's rebuild of it: a new program still
    # changes the listings stamp and (on SQLite) reaches the full-text index.
    assert "programs_program" in tables_with_triggers()
    Program = apps.get_model("programs", "Program")
    Program.objects.create(facility_id=Program.objects.get(slug="a").facility_id, name="Zebra",
                           slug="zebra")  # fmt: skip
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM programs_program_fts WHERE programs_program_fts MATCH 'zebra'"
            )
            assert cursor.fetchone()[0] == 1
