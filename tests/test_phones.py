"""Phone numbers are stored in one shape, from the admin and from the locator importer."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from programs.models import Facility
from programs.phones import PHONE_MESSAGE, normalize_phone
from tests.admin_forms import change_form_data
from tests.factories import make_facility
from tests.test_import_findtreatment import write_rows
from tests.test_import_findtreatment_hostile import hostile, iop_rows


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("(434) 979-8871", "434-979-8871"),
        ("434.979.8871", "434-979-8871"),
        ("+1 434 979 8871", "434-979-8871"),
        ("1-434-979-8871 ext. 12", "434-979-8871 ext. 12"),
        ("434-979-8871 x3", "434-979-8871 ext. 3"),
        ("  ", ""),
    ],
)
def test_a_readable_number_is_stored_in_one_shape(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["call us", "979-8871", "123-456-7890", "1-800-FLOWERS", "0"])
def test_an_unreadable_number_is_refused(typed):
    with pytest.raises(ValueError, match="Enter a US phone number"):
        normalize_phone(typed)


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def _post_phones(client, facility, **phones):
    url = reverse("admin:programs_facility_change", args=[facility.pk])
    data = change_form_data(client.get(url))
    data.update(phones)
    return client.post(url, data)


@pytest.mark.django_db
def test_the_admin_stores_a_typed_number_in_the_one_shape(curator_client):
    facility = make_facility()

    response = _post_phones(
        curator_client, facility, phone="(434) 979-8871", intake_phone="434.979.8800 ext 4"
    )

    assert response.status_code == 302
    facility.refresh_from_db()
    assert (facility.phone, facility.intake_phone) == ("434-979-8871", "434-979-8800 ext. 4")


@pytest.mark.django_db
def test_the_admin_refuses_call_us_next_to_the_phone_field(curator_client):
    facility = make_facility(phone="(434) 555-0100")

    response = _post_phones(curator_client, facility, phone="call us")

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["phone"] == [PHONE_MESSAGE]
    assert not form.non_field_errors()
    facility.refresh_from_db()
    assert facility.phone == "(434) 555-0100"


@pytest.mark.django_db
def test_an_imported_row_with_an_unreadable_phone_keeps_no_phone_and_is_counted(tmp_path):
    good = iop_rows()[0]
    rows = [
        hostile(good, 1, phone="call us", intake1="(434) 972-1800"),
        hostile(good, 2, phone="434.972.1800 x2"),
    ]
    out = StringIO()

    call_command("import_findtreatment", str(write_rows(tmp_path, rows)), stdout=out)

    unreadable = Facility.objects.get(source_id="hostile-1")
    assert (unreadable.phone, unreadable.intake_phone) == ("", "434-972-1800")
    assert Facility.objects.get(source_id="hostile-2").phone == "434-972-1800 ext. 2"
    assert "phone: an unreadable phone number: 1 rows" in out.getvalue()
