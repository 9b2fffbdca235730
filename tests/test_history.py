"""History that keeps old values: what a change replaced, who made it, and restoring it."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from programs.curation import history, queue
from programs.importers.findtreatment import import_rows, read_rows
from programs.models import Facility, ImportChange, Program, Session
from tests.admin_forms import change_form_data, form_errors
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program

pytestmark = pytest.mark.django_db

SAMPLE = "fixtures/findtreatment/locator-sample.json"
REGION_TEN_IOP = "39d6ca2b067e9d7bb435d81d51b2c7876939f82b9c92612142d4239277b3d5e6"


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    client.user = curator
    return client


def edit(client, obj, **changes):
    url = reverse(f"admin:programs_{obj._meta.model_name}_change", args=[obj.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def history_page(client, obj) -> str:
    url = reverse(f"admin:programs_{obj._meta.model_name}_history", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def restore_url(obj, version) -> str:
    return reverse(f"admin:programs_{obj._meta.model_name}_restore", args=[obj.pk, version.pk])


def test_history_shows_the_old_and_the_new_phone_number_and_who_changed_it(curator_client):
    facility = make_facility(phone="(434) 555-0100")

    response = edit(curator_client, facility, phone="(434) 555-0177")

    assert response.status_code == 302, form_errors(response)
    page = history_page(curator_client, facility)
    assert "<strong>Main phone</strong>: (434) 555-0100 &rarr; 434-555-0177" in page
    assert "curator: Changed in the admin" in page


def test_restoring_an_earlier_version_brings_the_phone_number_back(curator_client):
    facility = make_facility(phone="(434) 555-0100")
    edit(curator_client, facility, phone="(434) 555-0177")
    before, _after = history.versions_of(facility)

    response = curator_client.post(restore_url(facility, before))

    assert response.status_code == 302
    facility.refresh_from_db()
    assert facility.phone == "(434) 555-0100"
    page = history_page(curator_client, facility)
    assert "Restored the version of" in page
    assert "434-555-0177 &rarr; (434) 555-0100" in page


def test_program_history_shows_schedule_changes_and_a_restore_brings_the_sessions_back(
    curator_client,
):
    program = make_program(sessions=EVENING_MON_WED_THU)
    assert program.sessions.count() == 3
    response = edit(curator_client, program, **{"sessions-0-DELETE": "on"})
    assert response.status_code == 302, form_errors(response)
    program.refresh_from_db()
    assert program.hours_per_week == Decimal("6.0")

    page = history_page(curator_client, program)
    assert "<strong>Sessions</strong>: Monday 18:00-21:00 &rarr; -" in page

    first = history.versions_of(program).first()
    curator_client.post(restore_url(program, first))

    program.refresh_from_db()
    assert program.sessions.count() == 3
    assert program.hours_per_week == Decimal("9.0")


def test_a_deleted_listing_is_restored_with_its_programs_and_sessions(curator_client):
    facility = make_facility(name="Deleted Test House", payment=("medicaid",))
    program = make_program(facility=facility, name="Gone Test IOP", sessions=EVENING_MON_WED_THU)
    delete_url = reverse("admin:programs_facility_delete", args=[facility.pk])

    response = curator_client.post(delete_url, {"post": "yes"})

    assert response.status_code == 302
    assert not Facility.objects.filter(pk=facility.pk).exists()
    deleted_page = curator_client.get(reverse("admin:programs_facility_deleted"))
    assert "Deleted Test House" in deleted_page.content.decode()
    (last,) = history.deleted(Facility)
    assert "Deleted in the admin" in last.revision.comment

    response = curator_client.post(restore_url(facility, last))

    assert response.status_code == 302
    restored = Facility.objects.get(pk=facility.pk)
    assert restored.name == "Deleted Test House"
    assert list(restored.payment_types.values_list("slug", flat=True)) == ["medicaid"]
    restored_program = Program.objects.get(pk=program.pk)
    assert restored_program.name == "Gone Test IOP"
    assert Session.objects.filter(program=restored_program).count() == 3
    assert restored_program.hours_per_week == Decimal("9.0")
    assert not history.deleted(Facility).exists()


def test_an_import_records_what_it_changed_in_the_history():
    rows = read_rows(SAMPLE)
    import_rows(rows)
    facility = Facility.objects.get(source_id=REGION_TEN_IOP)
    row = next(r for r in rows if r.get("frid") == REGION_TEN_IOP)
    row = {**row, "phone": "434-972-9999"}

    report = import_rows([row])

    assert report.updated == 1
    rows_shown = history.changes(facility)
    latest = rows_shown[0]
    assert latest.who == history.IMPORT_COMMENT
    changes = {change.label: (change.old, change.new) for change in latest.changes}
    assert changes["main phone"] == ("434-972-1800", "434-972-9999")


def test_bulk_actions_record_each_listing_with_the_old_and_new_value(client, admin_user):
    client.force_login(admin_user)
    facility = make_facility(is_published=False)

    client.post(
        reverse("admin:programs_facility_changelist"),
        {"action": "publish", "_selected_action": [facility.pk]},
    )

    latest = history.changes(facility)[0]
    assert latest.who.endswith("Published (bulk action).")
    assert [(c.label, c.old, c.new) for c in latest.changes] == [("published", "no", "yes")]


def test_a_restore_needs_a_post_and_the_change_permission(client, django_user_model):
    facility = make_facility()
    history.record([facility], comment="test")
    version = Version.objects.get_for_object(facility).get()
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)

    assert client.post(restore_url(facility, version)).status_code == 403


# --- No lost edits ---------------------------------------------------------------------------


def test_second_curator_saving_a_stale_form_is_refused_with_who_changed_what(curator, admin_user):
    program = make_program(name="Evening Test IOP", typical_length_weeks=8)
    first, second = Client(), Client()
    first.force_login(admin_user)
    second.force_login(curator)
    url = reverse("admin:programs_program_change", args=[program.pk])
    first_data = change_form_data(first.get(url))
    second_data = change_form_data(second.get(url))

    first_data["typical_length_weeks"] = "10"
    assert first.post(url, first_data).status_code == 302
    second_data["name"] = "Evening Recovery IOP"
    response = second.post(url, second_data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Not saved: since you opened this form, admin" in page
    assert "changed typical length weeks" in page
    assert 'value="Evening Recovery IOP"' in page  # the second curator's input is kept
    program.refresh_from_db()
    assert (program.name, program.typical_length_weeks) == ("Evening Test IOP", 10)

    # Saving again, now knowingly, keeps the second curator's value.
    response = second.post(url, change_form_data(response))
    assert response.status_code == 302, form_errors(response)
    program.refresh_from_db()
    assert (program.name, program.typical_length_weeks) == ("Evening Recovery IOP", 10)


def test_a_facility_form_opened_before_an_import_changed_it_is_refused(curator_client):
    import_rows(read_rows(SAMPLE))
    facility = Facility.objects.get(source_id=REGION_TEN_IOP)
    url = reverse("admin:programs_facility_change", args=[facility.pk])
    data = change_form_data(curator_client.get(url))
    row = next(r for r in read_rows(SAMPLE) if r.get("frid") == REGION_TEN_IOP)
    import_rows([{**row, "phone": "434-972-9999"}])

    data["website"] = "https://example.org/region-ten"
    response = curator_client.post(url, data)

    assert response.status_code == 200
    assert f"{history.IMPORT_COMMENT} (" in response.content.decode()
    facility.refresh_from_db()
    assert facility.phone == "434-972-9999"
    assert facility.website != "https://example.org/region-ten"


def test_an_import_over_a_curators_change_keeps_it_and_puts_the_difference_in_the_queue(
    curator_client,
):
    rows = read_rows(SAMPLE)
    import_rows(rows)
    facility = Facility.objects.get(source_id=REGION_TEN_IOP)
    response = edit(curator_client, facility, phone="(434) 555-0142")
    assert response.status_code == 302, form_errors(response)
    row = next(r for r in rows if r.get("frid") == REGION_TEN_IOP)

    report = import_rows([{**row, "phone": "434-972-9999"}])
    import_rows([{**row, "phone": "434-972-9999"}])  # a second run adds nothing new

    facility.refresh_from_db()
    assert facility.phone == "434-555-0142"
    assert report.kept == [(facility.name, None, "phone", "434-555-0142", "434-972-9999")]
    held = ImportChange.objects.get(curator_value_kept=True)
    assert (held.field, held.old_value, held.new_value) == (
        "phone",
        "434-555-0142",
        "434-972-9999",
    )
    rows_shown = queue.page(only="import_changes").rows
    assert len(rows_shown) == 1
    assert "Kept the curator's main phone: 434-555-0142; the locator now says 434-972-9999" in (
        rows_shown[0].why
    )
