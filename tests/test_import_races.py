"""An import and a curator writing the same listing at once, on two real PostgreSQL connections.

Each side runs in its own thread, so Django gives it its own database connection. The import is
held at a chosen point (a hook on the importer) while the curator saves through the admin's
change form, then let go; both must finish, neither may lose what the other wrote.
"""

import copy
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from programs.importers import findtreatment
from programs.models import Facility
from tests.test_admin import change_form_data
from tests.test_import_findtreatment import (
    EMPOWERING_FAMILIES,
    REGION_TEN_IOP,
    raw_rows,
    run,
    write_rows,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WAIT = 10  # seconds any side waits for the other before the test gives up
CURATOR_BLOCKED = 1.5  # how long the curator is given to finish while the import holds on


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and deadlocks are PostgreSQL's; SQLite has one writer at a time")


def in_thread(target) -> tuple[threading.Thread, dict]:
    result: dict = {}

    def body():
        try:
            result["value"] = target()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread, result


def hold_import_at(monkeypatch, name: str, when) -> tuple[threading.Event, threading.Event]:
    """Make the importer stop in ``findtreatment.<name>`` the first time ``when(args)`` holds."""
    reached, go = threading.Event(), threading.Event()
    original = getattr(findtreatment, name)

    def held(*args, **kwargs):
        if not reached.is_set() and when(*args):
            reached.set()
            assert go.wait(WAIT), "the test never let the import go on"
        return original(*args, **kwargs)

    monkeypatch.setattr(findtreatment, name, held)
    return reached, go


def changed_rows(phones: dict[str, str]) -> list[dict]:
    rows = copy.deepcopy(raw_rows())
    for row in rows:
        if row["frid"] in phones:
            row["phone"] = phones[row["frid"]]
    return rows


def curator_saves(admin_user, facility: Facility, **edits):
    """The curator's whole change form, as opened now, posted back with ``edits``."""
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:programs_facility_change", args=[facility.pk])
    data = change_form_data(client.get(url))
    for key, value in edits.items():
        if value is None:
            data.pop(key, None)  # an unticked checkbox is not posted
        else:
            data[key] = value

    def post():
        post.response = client.post(url, data)
        return post.response.status_code

    post.again = lambda **more: client.post(url, {**change_form_data(post.response), **more})
    return post


def test_a_curator_unpublishing_while_the_import_writes_the_listing_stays_unpublished(
    tmp_path, monkeypatch, admin_user
):
    run()
    region_ten = Facility.objects.get(source_id=REGION_TEN_IOP)
    assert region_ten.is_published
    path = write_rows(tmp_path, changed_rows({REGION_TEN_IOP: "434-555-0177"}))
    unpublish = curator_saves(admin_user, region_ten, is_published=None)
    # The import stops once it has read Region Ten, before it writes it.
    reached, go = hold_import_at(
        monkeypatch,
        "_apply_scalars",
        lambda obj, *args: isinstance(obj, Facility) and obj.source_id == REGION_TEN_IOP,
    )

    importer, imported = in_thread(lambda: run(path=path))
    assert reached.wait(WAIT)
    curator, saved = in_thread(unpublish)
    curator.join(CURATOR_BLOCKED)  # it waits for the import's lock on the listing
    go.set()
    importer.join(WAIT)
    curator.join(WAIT)

    assert "error" not in imported, imported.get("error")
    assert "0 failed" in imported["value"][0]
    # The import wrote the listing after the curator opened the form: the save is refused as
    # stale (no lost edits, issue 14.6), with the curator's input kept on the returned form.
    assert saved == {"value": 200}
    assert "Not saved: since you opened this form" in unpublish.response.content.decode()
    data = change_form_data(unpublish.response)
    assert data.get("is_published", "False") == "False"  # the unticked box stays unticked
    assert unpublish.again().status_code == 302
    region_ten.refresh_from_db()
    assert region_ten.is_published is False
    assert region_ten.phone == "434-555-0177"  # the import's change is kept too
    assert region_ten.programs.filter(is_published=True).exists()  # only the curator's change


def test_a_curator_saving_a_listing_the_import_is_about_to_write_is_not_a_deadlock(
    tmp_path, monkeypatch, admin_user
):
    run()
    region_ten = Facility.objects.get(source_id=REGION_TEN_IOP)
    # The import first rewrites another listing, then reaches the one the curator is saving.
    rows = changed_rows({EMPOWERING_FAMILIES: "434-555-0166", REGION_TEN_IOP: "434-555-0177"})
    rows.sort(key=lambda row: row["frid"] != EMPOWERING_FAMILIES)
    path = write_rows(tmp_path, rows)
    verify = curator_saves(admin_user, region_ten, last_verified="2026-11-30")
    reached, go = hold_import_at(
        monkeypatch, "_locked_listing", lambda frid: frid == REGION_TEN_IOP
    )

    importer, imported = in_thread(lambda: run(path=path))
    assert reached.wait(WAIT)
    curator, saved = in_thread(verify)
    curator.join(CURATOR_BLOCKED)
    go.set()
    importer.join(WAIT)
    curator.join(WAIT)

    assert saved == {"value": 302}, saved  # not a 500 "deadlock detected"
    assert "error" not in imported, imported.get("error")
    assert "0 failed" in imported["value"][0]
    region_ten.refresh_from_db()
    assert str(region_ten.last_verified) == "2026-11-30"  # the curator's edit
    assert region_ten.phone == "434-555-0177"  # and the import's, written after it
    assert Facility.objects.get(source_id=EMPOWERING_FAMILIES).phone == "434-555-0166"


def test_a_row_that_meets_a_deadlock_is_tried_again(tmp_path, monkeypatch):
    original = findtreatment._write_row
    calls = []

    def deadlock_once(parsed, *args):
        calls.append(parsed.frid)
        if parsed.frid == REGION_TEN_IOP and calls.count(REGION_TEN_IOP) == 1:
            Facility.objects.filter(source_id=EMPOWERING_FAMILIES).update(phone="written")
            cause = type("DeadlockDetected", (Exception,), {"sqlstate": "40P01"})()
            raise OperationalError("deadlock detected") from cause
        return original(parsed, *args)

    monkeypatch.setattr(findtreatment, "_write_row", deadlock_once)

    out, _ = run()

    assert calls.count(REGION_TEN_IOP) == 2
    assert "0 failed" in out
    assert Facility.objects.filter(source_id=REGION_TEN_IOP).exists()
    # What the failed try wrote was rolled back with it.
    assert not Facility.objects.filter(phone="written").exists()


def test_the_import_is_not_blocked_by_curators_on_other_listings(tmp_path, monkeypatch, admin_user):
    run()
    region_ten = Facility.objects.get(source_id=REGION_TEN_IOP)
    path = write_rows(tmp_path, changed_rows({EMPOWERING_FAMILIES: "434-555-0166"}))
    verify = curator_saves(admin_user, region_ten, last_verified="2026-11-30")
    out = StringIO()

    curator, saved = in_thread(verify)
    importer, imported = in_thread(
        lambda: call_command("import_findtreatment", str(path), stdout=out, stderr=StringIO())
    )
    curator.join(WAIT)
    importer.join(WAIT)

    assert saved == {"value": 302}
    assert "error" not in imported, imported.get("error")
    assert "1 updated" in out.getvalue()
