"""/api/openapi.json: a valid OpenAPI 3.1 document that says what the JSON API really does."""

import copy

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from programs.filters import ProgramFilter
from programs.models import Program
from programs.openapi import DOCUMENT
from programs.views.api import _MULTI_VALUE
from tests.hsds import import_locator_sample, load_demo
from tests.openapi_check import assert_answer_documented

pytestmark = pytest.mark.django_db


def test_the_document_is_valid_openapi_3_1():
    validate(DOCUMENT)
    assert DOCUMENT["openapi"].startswith("3.1")


def test_the_validator_catches_a_broken_document():
    broken = copy.deepcopy(DOCUMENT)
    broken["paths"]["/api/programs/"]["get"]["responses"]["200"]["content"] = "nothing"
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_served_as_json_cacheable_and_cookie_free(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == DOCUMENT
    assert "public" in response["Cache-Control"]
    assert not response.cookies


def test_list_parameters_are_exactly_the_ones_the_api_reads():
    parameters = {
        parameter["name"]: parameter
        for parameter in DOCUMENT["paths"]["/api/programs/"]["get"]["parameters"]
    }
    assert set(parameters) == set(ProgramFilter.base_filters) | {"page", "page_size"}
    for name, search_filter in ProgramFilter.base_filters.items():
        repeatable = parameters[name]["schema"]["type"] == "array"
        assert repeatable == isinstance(search_filter, _MULTI_VALUE), name


def test_an_undocumented_field_or_status_fails_the_check():
    body = {"error": "x"}
    assert_answer_documented("/api/programs/", 400, body)
    with pytest.raises(AssertionError, match="not documented"):
        assert_answer_documented("/api/programs/", 418, body)
    with pytest.raises(AssertionError, match="results"):
        assert_answer_documented("/api/programs/", 200, {"count": 0})
    with pytest.raises(AssertionError, match="not in the OpenAPI"):
        assert_answer_documented("/api/other/", 200, body)


def test_answers_on_the_demo_listings_match_the_document(client):
    load_demo()
    urls = [
        "/api/programs/?page_size=100",
        "/api/programs/?level=op&level=php&page_size=100",
        "/api/programs/?near=22903&radius=100&level=iop&level=php&level=op&page_size=100",
        "/api/programs/?q=evening&mat=1",
        "/api/programs/?near=99999",
        "/api/programs/?colour=red",
        "/api/programs/?page=99",
        "/api/programs/no-such-program/",
    ]
    urls += [f"/api/programs/{slug}/" for slug in Program.objects.values_list("slug", flat=True)]
    statuses = set()
    for url in urls:
        response = client.get(url)
        statuses.add(response.status_code)
        assert_answer_documented(url.split("?")[0], response.status_code, response.json())
    assert statuses == {200, 400, 404}
    with_distance = client.get(urls[2]).json()["results"]
    assert with_distance and all("distance_miles" in result for result in with_distance)


def test_answers_on_imported_locator_listings_match_the_document(client):
    import_locator_sample()
    body = client.get("/api/programs/?page_size=100&level=iop&level=php&level=op").json()
    assert body["results"]
    assert_answer_documented("/api/programs/", 200, body)
    for result in body["results"]:
        path = f"/api/programs/{result['slug']}/"
        assert_answer_documented(path, 200, client.get(path).json())
