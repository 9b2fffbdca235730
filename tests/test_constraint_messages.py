"""Every database constraint explains itself in plain words next to the field it is about."""

import pytest
from django.apps import apps
from django.db.models import CheckConstraint, Q, UniqueConstraint
from django.urls import reverse

from programs.models.constraints import constraint_field
from tests.admin_forms import change_form_data, form_errors
from tests.factories import make_facility, make_program

CONSTRAINTS = [
    pytest.param(model, constraint, id=constraint.name)
    for model in apps.get_app_config("programs").get_models()
    for constraint in model._meta.constraints
]


def test_the_app_has_constraints_to_check():
    assert len(CONSTRAINTS) >= 29


@pytest.mark.parametrize(("model", "constraint"), CONSTRAINTS)
def test_every_constraint_has_a_plain_message_on_a_field_of_its_model(model, constraint):
    message = constraint.get_violation_error_message()
    default = constraint.default_violation_error_message % {"name": constraint.name}

    assert message != default
    assert constraint.name not in message
    assert "constraint" not in message.lower()
    field = model._meta.get_field(constraint_field(model, constraint))
    assert field.concrete


def test_a_constraint_over_several_fields_without_a_chosen_field_is_refused():
    # A new constraint over two fields that does not say which field shows its message is a
    # mistake the check above catches.
    model = apps.get_model("programs", "Facility")
    unnamed = CheckConstraint(
        condition=~Q(city="", state=""),
        name="facility_city_or_state",
        violation_error_message="Enter a city or a state.",
    )
    with pytest.raises(ValueError, match="does not say which"):
        constraint_field(model, unnamed)
    assert constraint_field(model, UniqueConstraint(fields=["city"], name="x")) == "city"


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def _post_facility(curator_client, **changes):
    facility = make_facility()
    url = reverse("admin:programs_facility_change", args=[facility.pk])
    data = change_form_data(curator_client.get(url))
    data.update(changes)
    return curator_client.post(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"zip_code": "2290"}, "zip_code", "Enter the ZIP code as five digits, e.g. 22903."),
        (
            {"latitude": "95", "longitude": "-78.5"},
            "latitude",
            "Latitude must be between -90 and 90.",
        ),
        (
            {"latitude": "38.0", "longitude": "-200"},
            "longitude",
            "Longitude must be between -180 and 180.",
        ),
        (
            {"latitude": "38.0", "longitude": ""},
            "latitude",
            "Enter both latitude and longitude, or leave both empty",
        ),
    ],
)
def test_a_facility_constraint_message_appears_next_to_its_field(
    curator_client, changes, field, message
):
    response = _post_facility(curator_client, **changes)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert any(message in error for error in form.errors.get(field, [])), form.errors
    assert not form.non_field_errors()
    assert "is violated" not in response.content.decode()


@pytest.mark.django_db
def test_a_program_constraint_message_appears_next_to_its_field(curator_client):
    program = make_program()
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = change_form_data(curator_client.get(url))
    data["group_size_max"] = "80"

    response = curator_client.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["group_size_max"] == ["Group size must be between 1 and 50."]
    assert not form.non_field_errors()
    program.refresh_from_db()
    assert program.group_size_max != 80


@pytest.mark.django_db
def test_a_session_ending_before_it_starts_is_refused_next_to_its_end(curator_client):
    program = make_program()
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = change_form_data(curator_client.get(url))
    data.update({"sessions-0-weekday": "1", "sessions-0-start": "18:00",
                 "sessions-0-end": "17:00", "sessions-TOTAL_FORMS": "1"})  # fmt: skip

    response = curator_client.post(url, data)

    assert response.status_code == 200
    sessions = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "sessions"
    )
    assert sessions.forms[0].errors["end"] == ["A session must end after it starts."]
    assert "is violated" not in response.content.decode()
    assert program.sessions.count() == 0
    assert form_errors(response)
