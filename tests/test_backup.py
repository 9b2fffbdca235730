"""The backup and restore commands, on the database the suite runs on."""

import shutil
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from programs.models import Facility, ImportChange, Program
from programs.models.changes import current_token
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program


def needs_tools():
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (CI installs postgresql-client)")


def everything() -> dict:
    """Every row of every table of the app (the listings stamp included), by model."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("programs").get_models(include_auto_created=True)
        if model._meta.managed
    }


@pytest.fixture
def listings():
    facility = make_facility(name="Backup Test House", phone="(434) 555-0101")
    program = make_program(facility=facility, name="Evening IOP", sessions=EVENING_MON_WED_THU)
    ImportChange.objects.create(
        facility=facility, program=program, field="phone", old_value="1", new_value="2",
        changed_at=facility.created_at,
    )  # fmt: skip
    make_program(facility=make_facility(name="Second House"), name="Day PHP", level_of_care="php")


@pytest.mark.django_db(transaction=True)
def test_backup_delete_restore_brings_every_row_back(tmp_path, listings):
    needs_tools()
    before = everything()
    assert before["programs.Program"] and before["programs.Session"]
    path = tmp_path / "iopfinder.backup"

    out = StringIO()
    call_command("backup", str(path), stdout=out)
    assert "Backed up the database" in out.getvalue()
    Facility.objects.all().delete()
    assert not Program.objects.exists() and not ImportChange.objects.exists()
    call_command("restore", str(path), "--noinput", stdout=StringIO())

    assert everything() == before
    # The restored database still works as one: its triggers and constraints came back too.
    facility = Facility.objects.get(name="Backup Test House")
    stamp = current_token()
    facility.phone = "(434) 555-0102"
    facility.save()
    assert Facility.objects.get(pk=facility.pk).phone == "(434) 555-0102"
    assert current_token() != stamp
    assert Program.objects.search("evening").filter(facility=facility).exists()


@pytest.mark.django_db
def test_restoring_a_file_that_is_not_a_backup_changes_nothing(tmp_path, listings):
    path = tmp_path / "not-a-backup"
    path.write_text("hello")
    before = everything()

    with pytest.raises(CommandError, match="is not an? .* backup made by the backup command"):
        call_command("restore", str(path), "--noinput", stdout=StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command("restore", str(tmp_path / "missing"), "--noinput", stdout=StringIO())
    assert everything() == before


@pytest.mark.django_db
def test_restore_asks_first_and_a_no_changes_nothing(tmp_path, listings, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Restore cancelled"):
        call_command("restore", str(tmp_path / "whatever"), stdout=StringIO())
    assert Facility.objects.count() == 2
