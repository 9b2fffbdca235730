"""Admin fixes from trying the admin as a curator: schedules, lookup values, coordinates,
publishing and sorting."""

from datetime import date

import pytest
from django.urls import reverse

from programs.curation import queue
from programs.models import Facility, PaymentType
from tests.admin_forms import change_form_data, form_errors
from tests.factories import make_facility, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def test_a_schedule_over_60_hours_a_week_gets_a_message_next_to_the_sessions(curator_client):
    program = make_program()
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = change_form_data(curator_client.get(url))
    for n in range(5):  # five days of 13 hours: 65 hours
        data.update({f"sessions-{n}-weekday": str(n), f"sessions-{n}-start": "08:00",
                     f"sessions-{n}-end": "21:00"})  # fmt: skip
    data["sessions-TOTAL_FORMS"] = "5"

    response = curator_client.post(url, data)

    assert response.status_code == 200
    assert "These sessions add up to 65.0 hours a week" in response.content.decode()
    assert program.sessions.count() == 0


def test_deleting_a_lookup_value_in_use_is_refused_with_how_many_listings_use_it(
    curator_client, admin_user, client
):
    medicaid = PaymentType.objects.get(slug="medicaid")
    make_facility(payment=("medicaid",))
    make_facility(payment=("medicaid",))
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:programs_paymenttype_delete", args=[medicaid.pk]), {"post": "yes"}
    )

    assert response.status_code == 200
    assert "Medicaid is used by 2 facilities" in response.content.decode()
    assert PaymentType.objects.filter(pk=medicaid.pk).exists()
    assert Facility.objects.filter(payment_types=medicaid).count() == 2


def test_merging_a_lookup_value_moves_its_listings_and_records_their_history(client, admin_user):
    medicaid = PaymentType.objects.get(slug="medicaid")
    medicare = PaymentType.objects.get(slug="medicare")
    both = make_facility(payment=("medicaid", "medicare"))
    one = make_facility(payment=("medicaid",))
    client.force_login(admin_user)
    changelist = reverse("admin:programs_paymenttype_changelist")

    page = client.post(changelist, {"action": "merge_into", "_selected_action": [medicaid.pk]})
    assert "used by 2 facilities" in page.content.decode()
    response = client.post(
        changelist,
        {"action": "merge_into", "_selected_action": [medicaid.pk], "merge": "1",
         "target": medicare.pk},
    )  # fmt: skip

    assert response.status_code == 302
    assert not PaymentType.objects.filter(pk=medicaid.pk).exists()
    for facility in (both, one):
        assert list(facility.payment_types.values_list("slug", flat=True)) == ["medicare"]
    history_page = client.get(reverse("admin:programs_facility_history", args=[one.pk]))
    shown = history_page.content.decode()
    assert "Merged payment option &quot;Medicaid&quot; into &quot;Medicare&quot;" in shown
    assert f"a value since deleted (#{medicaid.pk}) &rarr; Medicare" in shown


def test_coordinates_left_empty_are_filled_from_the_zip_code_and_queued(curator_client):
    facility = make_facility(latitude=None, longitude=None, zip_code="22903")
    url = reverse("admin:programs_facility_change", args=[facility.pk])
    data = change_form_data(curator_client.get(url))

    response = curator_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    facility.refresh_from_db()
    assert facility.has_coordinates and facility.coordinates_approximate
    assert abs(facility.latitude - 38.03) < 0.1
    assert [row.listing for row in queue.page(only="approximate").rows] == [str(facility)]


def test_a_program_cannot_be_published_before_its_facility_format_and_phone(curator_client):
    facility = make_facility(is_published=False, phone="", intake_phone="")
    program = make_program(facility=facility, format="", is_published=False)
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = change_form_data(curator_client.get(url))
    data["is_published"] = "on"

    response = curator_client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Not ready to publish: first it needs its facility published" in page
    assert "a format (in person, virtual or hybrid)" in page
    program.refresh_from_db()
    assert program.is_published is False


def test_a_program_is_added_from_its_facility_page_with_the_facility_filled_in(curator_client):
    facility = make_facility()
    page = curator_client.get(reverse("admin:programs_facility_change", args=[facility.pk]))
    add = reverse("admin:programs_program_add") + f"?facility={facility.pk}"
    assert add in page.content.decode().replace("&amp;", "&")

    form = curator_client.get(add).context["adminform"].form
    assert str(form["facility"].value()) == str(facility.pk)
    assert form["is_published"].value() is False


def test_never_verified_facilities_sort_first_oldest_first_on_every_database(curator_client):
    make_facility(name="Checked", last_verified=date(2026, 1, 5))
    make_facility(name="Never", last_verified=None)
    changelist = reverse("admin:programs_facility_changelist")
    column = 5  # name, city, state, source, last verified

    ascending = curator_client.get(changelist, {"o": str(column)})
    descending = curator_client.get(changelist, {"o": f"-{column}"})

    assert [f.name for f in ascending.context["cl"].result_list] == ["Never", "Checked"]
    assert [f.name for f in descending.context["cl"].result_list] == ["Checked", "Never"]
