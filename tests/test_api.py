"""The read-only JSON API: /api/programs/ (the search, paginated) and /api/programs/<slug>/."""

import io
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from programs.filters import ProgramFilter
from programs.models import Condition, DualDiagnosis
from programs.views.api import MAX_PAGE_SIZE
from tests.factories import make_program
from tests.openapi_check import assert_answer_documented
from tests.search_listings import QUERIES, SAMPLE, make_search_listings

pytestmark = pytest.mark.django_db

URL = "/api/programs/"


@pytest.fixture
def listings():
    make_search_listings()


@pytest.fixture(autouse=True)
def _answers_match_the_openapi_document(monkeypatch):
    """Every API answer a test here receives is checked against /api/openapi.json."""
    request = Client.request

    def checked(self, **environ):
        response = request(self, **environ)
        path = environ["PATH_INFO"]
        if path.startswith("/api/") and environ["REQUEST_METHOD"] != "HEAD":
            assert response["Content-Type"] == "application/json"
            assert_answer_documented(path, response.status_code, response.json())
        return response

    monkeypatch.setattr(Client, "request", checked)


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def all_results(client, query: str, page_size: int = 2) -> list[dict]:
    """Every result of a search, following ``next`` links page by page."""
    url = f"{URL}?{query}&page_size={page_size}"
    results = []
    while url:
        body = get_json(client, url)
        results += body["results"]
        url = body["next"]
    return results


def page_slugs(client, query: str) -> list[str]:
    response = client.get(f"/programs/?{query}")
    assert response.status_code == 200
    return [program.slug for program in response.context["page"].paginator.object_list]


def test_url_names():
    assert reverse("programs:api_list") == URL
    assert reverse("programs:api_detail", args=["x"]) == "/api/programs/x/"


@pytest.mark.parametrize("query", QUERIES)
def test_api_returns_the_same_programs_as_the_page_in_the_same_order(client, listings, query):
    expected = page_slugs(client, query)
    assert expected

    assert [result["slug"] for result in all_results(client, query)] == expected


def test_list_is_paginated_with_count_and_links(client, listings):
    body = get_json(client, f"{URL}?page_size=2&level=iop&level=php")

    assert body["count"] == 5
    assert body["num_pages"] == 3
    assert len(body["results"]) == 2
    assert body["previous"] is None
    assert body["next"].startswith("http://testserver/api/programs/?")
    assert "page=2" in body["next"] and "level=php" in body["next"]

    last = get_json(client, f"{URL}?page_size=2&level=iop&level=php&page=3")
    assert len(last["results"]) == 1
    assert last["next"] is None
    assert "page=2" in last["previous"]


def test_an_empty_search_is_an_empty_first_page(client, listings):
    body = get_json(client, f"{URL}?q=nothingmatchesthis")

    assert body["count"] == 0
    assert body["results"] == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"page_size={MAX_PAGE_SIZE + 1}", f"page_size must be between 1 and {MAX_PAGE_SIZE}"),
        ("page_size=0", "page_size must be between 1"),
        ("page=abc", "page must be a whole number"),
        ("page=-1", "page must be a whole number"),
        ("page=%EF%BC%91", "page must be a whole number"),  # a full-width digit one
    ],
)
def test_bad_paging_values_answer_400(client, listings, query, message):
    body = get_json(client, f"{URL}?{query}", status=400)

    assert message in body["error"]


def test_a_page_past_the_end_answers_404_json(client, listings):
    body = get_json(client, f"{URL}?page=9", status=404)

    assert "no page 9" in body["error"]


def test_unknown_parameters_answer_400_listing_them(client, listings):
    body = get_json(client, f"{URL}?near=22903&colour=blue&zip=22903", status=400)

    assert body["unknown_parameters"] == ["colour", "zip"]
    assert "near" in body["allowed_parameters"]
    assert "colour" in body["error"]


def test_bad_values_answer_400_with_the_filter_errors(client, listings):
    body = get_json(client, f"{URL}?near=zzzzz&max_hours=abc&payment=gold", status=400)

    assert set(body["errors"]) == {"near", "max_hours", "payment"}
    assert "ZIP code" in body["errors"]["near"][0]


def test_a_repeated_single_value_parameter_answers_400(client, listings):
    body = get_json(client, f"{URL}?state=VA&state=NY", status=400)

    assert body["repeated_parameters"] == ["state"]
    # Parameters that take several values still do.
    assert get_json(client, f"{URL}?level=iop&level=php")["count"] == 5


@pytest.mark.parametrize(
    "query",
    [
        "near=%00",
        "q=%00%ff",
        "max_hours=1e999",
        "max_hours=NaN",
        "radius=-5&near=22903",
        "days=xyz",
        "modality=%ff%fe",
        "dual=9",
        "sort=drop+table",
        "facility=../../etc",
        "page_size=99999999999999999999",
    ],
)
def test_odd_input_never_causes_a_server_error(client, listings, query):
    response = client.get(f"{URL}?{query}")

    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_unknown_facts_are_null_never_false(client, listings):
    bare = get_json(client, f"{URL}bare-iop/")

    for key in (
        "format",
        "offers_mat",
        "medications",
        "individual_therapy",
        "drug_testing",
        "dual_diagnosis",
        "conditions",
        "staff",
        "modalities",
        "populations",
        "typical_length_weeks",
        "description",
    ):
        assert bare[key] is None, key
    assert bare["schedule"] == {
        "hours_per_week": None,
        "has_evening": None,
        "has_weekend": None,
        "days": None,
        "sessions": None,
    }
    for key in ("payment_types", "languages", "accreditations", "operation", "website"):
        assert bare["facility"][key] is None, key


def test_detail_gives_the_reported_facts(client, listings):
    body = get_json(client, f"{URL}evening-iop/")

    assert body["name"] == "Evening IOP"
    assert body["url"] == "http://testserver/programs/evening-iop/"
    assert body["drug_testing"] is False
    assert body["offers_mat"] is True
    assert body["format"] == {"code": "hybrid", "label": "Hybrid (in person and virtual)"}
    assert body["dual_diagnosis"]["code"] == DualDiagnosis.ENHANCED
    assert body["schedule"]["hours_per_week"] == 9.0
    assert body["schedule"]["sessions"][0] == {
        "weekday": "Monday",
        "start": "18:00",
        "end": "21:00",
        "track": None,
    }
    assert body["staff"][0]["credential"]["slug"] == "psychiatrist"
    assert body["conditions"] == [
        {
            "condition": {"slug": "depression", "name": "Depression"},
            "support": {"code": "on_site", "label": "Treated on site"},
        }
    ]
    assert [p["slug"] for p in body["facility"]["payment_types"]] == ["medicaid", "self-pay"]
    assert body["facility"]["source"]["code"] == "curator"
    assert body["is_demo"] is False


def test_a_program_reads_the_same_in_a_list_as_on_its_own(client, listings):
    # A list shapes its programs once per page (``ApiRows``); one program is shaped on its own.
    for level in ("iop", "php", "op"):
        for listed in all_results(client, f"level={level}", page_size=3):
            assert listed == get_json(client, f"{URL}{listed['slug']}/"), listed["slug"]


def test_detail_of_an_unknown_or_unpublished_program_is_404_json(client, listings):
    assert "no-such-program" in get_json(client, f"{URL}no-such-program/", status=404)["error"]
    get_json(client, f"{URL}hidden-iop/", status=404)
    get_json(client, f"{URL}%00%20x/", status=404)


def test_detail_rejects_parameters(client, listings):
    body = get_json(client, f"{URL}evening-iop/?fields=name", status=400)

    assert body["unknown_parameters"] == ["fields"]


def test_the_api_is_read_only(client, listings):
    for url in (URL, f"{URL}evening-iop/"):
        response = client.post(url)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert "read-only" in response.json()["error"]


def test_imported_listings_say_where_their_facts_came_from(client, listings):
    call_command("import_findtreatment", str(SAMPLE), stdout=io.StringIO())

    results = all_results(client, "near=22903&radius=50", page_size=MAX_PAGE_SIZE)

    imported = [r for r in results if r["facility"]["source"]["code"] == "findtreatment"]
    assert len(imported) == 5
    for result in imported:
        assert result["facility"]["last_verified"] is None
        assert result["facility"]["source_imported_at"] is not None
        assert result["format"] is None
        assert result["schedule"]["sessions"] is None
    assert any(r["facility"]["source"]["code"] == "curator" for r in results)


def test_query_count_does_not_grow_with_the_page_size(
    client, listings, django_assert_max_num_queries
):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            get_json(client, f"{URL}?near=22903&page_size={MAX_PAGE_SIZE}")
        return len(queries)

    few = count_queries()
    for n in range(15):
        make_program(name=f"More {n}", staff={"lcsw": "on_site"}, modalities=("dbt",))
    assert count_queries() == few
    with django_assert_max_num_queries(7):
        get_json(client, f"{URL}?near=22903&page_size={MAX_PAGE_SIZE}")


FUZZ_NAMES = [*ProgramFilter.base_filters, "page", "page_size"]
FUZZ_VALUES = ["22903", "1", "0", "-1", "101", "iop", "cbt", "1e999", "NaN", "\x00", "%", "", " "]
_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
_pairs = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(FUZZ_NAMES), _text),
        st.one_of(st.sampled_from(FUZZ_VALUES), _text),
    ),
    max_size=6,
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=_pairs)
def test_random_parameters_always_get_a_json_answer_never_a_server_error(client, listings, pairs):
    response = client.get(URL + "?" + urlencode(pairs))

    assert response.status_code in (200, 400, 404)
    assert response["Content-Type"] == "application/json"
    assert ("error" in response.json()) == (response.status_code != 200)


def _keys(value) -> set:
    """Every key of a JSON answer, as dotted paths."""
    if isinstance(value, dict):
        return {f"{k}.{sub}" if sub else k for k, v in value.items() for sub in _keys(v) | {""}}
    if isinstance(value, list):
        return set().union(*(_keys(item) for item in value)) if value else set()
    return set()


def test_the_spanish_api_keeps_keys_and_codes_and_translates_labels(client):
    program = make_program(
        format="hybrid",
        dual_diagnosis=DualDiagnosis.CAPABLE,
        sessions=((0, "18:00", "21:00"),),
        staff={"lcsw": "on_site"},
        conditions={"depression": "referral"},
    )
    Condition.objects.filter(slug="depression").update(name_es="")  # a name with no Spanish
    path = f"{URL}{program.slug}/"
    english = get_json(client, path)
    spanish = get_json(client, "/es" + path)
    assert_answer_documented(path, 200, spanish)
    assert _keys(spanish) == _keys(english)
    assert english["format"] == {"code": "hybrid", "label": "Hybrid (in person and virtual)"}
    assert spanish["format"] == {"code": "hybrid", "label": "Mixta (en persona y virtual)"}
    assert spanish["dual_diagnosis"]["code"] == english["dual_diagnosis"]["code"] == 2
    assert spanish["staff"][0]["availability"] == {"code": "on_site", "label": "En el centro"}
    assert spanish["conditions"][0]["support"]["label"] == "Por derivación"
    # Identifiers stay English whatever the language: weekdays, slugs, names without Spanish.
    assert spanish["schedule"]["sessions"][0]["weekday"] == "Monday"
    assert spanish["conditions"][0]["condition"] == english["conditions"][0]["condition"]


def test_the_spanish_api_gives_lookup_names_in_spanish_where_a_curator_wrote_one(client):
    program = make_program(conditions={"depression": "on_site"})
    Condition.objects.filter(slug="depression").update(name_es="Depresión mayor")
    path = f"{URL}{program.slug}/"
    english = get_json(client, path)["conditions"][0]["condition"]
    spanish = get_json(client, "/es" + path)["conditions"][0]["condition"]
    assert english == {"slug": "depression", "name": "Depression"}
    assert spanish == {"slug": "depression", "name": "Depresión mayor"}


def test_the_spanish_api_answers_fit_labels_and_errors_in_spanish(client):
    make_program(sessions=((0, "18:00", "21:00"),))
    spanish = get_json(client, f"/es{URL}?evening=1")
    assert_answer_documented(URL, 200, spanish)
    criterion = spanish["results"][0]["fit"]["criteria"][0]
    assert criterion == {
        "criterion": "evening",
        "value": None,
        "label": "Sesiones por la tarde o noche",
        "answer": "yes",
    }
    assert spanish["results"][0]["fit"]["group"] == "matches"
    error = get_json(client, f"/es{URL}?colour=blue", status=400)
    assert error["error"] == "Parámetros desconocidos: colour."
    assert error["unknown_parameters"] == ["colour"]
