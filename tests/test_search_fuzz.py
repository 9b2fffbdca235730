"""Random query strings at /programs/ never make the server fail (no 5xx)."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.filters import ProgramFilter
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program

pytestmark = pytest.mark.django_db

PARAMETER_NAMES = [*ProgramFilter.base_filters, "page"]
PLAUSIBLE_VALUES = [
    "22903", "Charlottesville, VA", "99999", "1", "0", "-1", "25", "100", "7", "on", "true",
    "cbt", "medicaid", "iop", "php", "mon", "distance", "relevance", "1e999", "NaN", "Infinity",
    "99999999999999999999999", "\x00", "%", "_", "'", '"', "\\", "a:*", "!(", "&|", " ", "",
]  # fmt: skip
# Lone surrogates cannot be sent in a URL at all, so they are left out.
text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
names = st.one_of(st.sampled_from(PARAMETER_NAMES), text)
values = st.one_of(st.sampled_from(PLAUSIBLE_VALUES), text)
pairs = st.lists(st.tuples(names, values), max_size=8)

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def listings():
    near = make_facility(payment=("medicaid",), languages=("spanish",))
    make_program(facility=near, sessions=EVENING_MON_WED_THU, modalities=("cbt",), format="hybrid")
    make_program(
        facility=make_facility(state="VA", latitude=37.5, longitude=-77.4), format="virtual"
    )
    make_program(facility=make_facility(latitude=None, longitude=None), level_of_care="php")


@FUZZ
@given(pairs=pairs)
def test_random_parameters_never_cause_a_server_error(client, listings, pairs):
    response = client.get("/programs/?" + urlencode(pairs))
    assert response.status_code < 500
    assert response.status_code in (200, 400)


@settings(FUZZ, max_examples=50)
@given(raw=text)
def test_random_raw_query_strings_never_cause_a_server_error(client, listings, raw):
    response = client.get("/programs/?" + raw)
    assert response.status_code < 500
