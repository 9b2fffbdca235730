"""The HSDS API answers in English whatever the browser asks for, and says so in its headers.

HSDS is a data exchange: a consumer stores a term by its id and a service by its fields, so the
same address must give the same bytes to everyone (docs/hsds.md, "Language"). Spanish readers
have the site under /es/.
"""

import gzip

import pytest
from django.core.cache import caches

from tests.factories import make_facility, make_program

pytestmark = pytest.mark.django_db

SPANISH = ("es", "es-MX,es;q=0.9,en;q=0.5", "es;q=1.0, en;q=0.1")


@pytest.fixture
def program():
    return make_program(
        level_of_care="iop",
        format="hybrid",
        sessions=((0, "18:00", "21:00"),),
        staff={"lcsw": "on_site"},
        modalities=("cbt",),
        facility=make_facility(payment=("medicaid",), languages=("spanish",)),
    )


def _vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}


def _service_words(service: dict) -> tuple:
    terms = {a["taxonomy_term"]["code"]: a["taxonomy_term"]["name"] for a in service["attributes"]}
    return (
        terms["iop"],
        terms["hybrid"],
        service["schedules"][0]["description"],
        service["languages"][0]["name"],
        service["cost_options"][0]["option"],
    )


@pytest.mark.parametrize("accept", SPANISH)
def test_a_spanish_browser_gets_the_english_answer_byte_for_byte(client, settings, program, accept):
    settings.PAGE_CACHE_SECONDS = 0
    url = f"/hsds/services/{program.hsds_id}"

    english = client.get(url)
    spanish = client.get(url, headers={"accept-language": accept})

    assert spanish.status_code == english.status_code == 200
    assert spanish.content == english.content
    assert spanish["Content-Language"] == english["Content-Language"] == "en"
    assert _service_words(spanish.json()) == (
        "Intensive outpatient (IOP)",
        "Hybrid (in person and virtual)",
        "Monday 18:00-21:00 (local time)",
        "Spanish",
        "Medicaid",
    )


def test_a_spanish_page_served_first_leaves_no_spanish_in_the_api(client, settings, program):
    """Labels are kept per language in the serializers; a Spanish page rendered in the same
    process must not lend them to the API."""
    settings.PAGE_CACHE_SECONDS = 0
    page = client.get(f"/es{program.get_absolute_url()}")
    assert page.status_code == 200
    assert page["Content-Language"] == "es"
    assert "Ambulatorio intensivo" in page.content.decode()

    service = client.get(f"/hsds/services/{program.hsds_id}", headers={"accept-language": "es"})

    assert service["Content-Language"] == "en"
    assert _service_words(service.json())[:3] == (
        "Intensive outpatient (IOP)",
        "Hybrid (in person and virtual)",
        "Monday 18:00-21:00 (local time)",
    )


@pytest.mark.parametrize("path", ["/hsds/", "/hsds/services", "/hsds/taxonomy_terms"])
def test_answers_vary_by_encoding_never_by_language(client, program, path):
    response = client.get(path, headers={"accept-language": "es", "accept-encoding": "gzip"})

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "accept-language" not in _vary(response)
    if response.get("Content-Encoding") == "gzip":
        assert "accept-encoding" in _vary(response)
    # The site's own pages still name Accept-Language: their language is not the API's rule.
    assert "accept-language" in _vary(client.get("/programs/"))


def test_errors_are_english_too(client):
    response = client.get("/hsds/services?page=x", headers={"accept-language": "es"})

    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json()["errors"]["page"] == ["page must be a whole number, not 'x'."]
    assert client.get("/es/hsds/services").status_code == 404


@pytest.mark.parametrize("first", ["es", "en"])
def test_the_page_cache_and_compression_give_both_languages_the_same_answer(
    client, settings, django_assert_max_num_queries, program, first
):
    settings.PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    second = "en" if first == "es" else "es"
    url = "/hsds/services?per_page=5"

    stored = client.get(url, headers={"accept-language": first, "accept-encoding": "gzip"})
    with django_assert_max_num_queries(1):  # the listings stamp: served from the page cache
        plain = client.get(url, headers={"accept-language": second})
    with django_assert_max_num_queries(1):
        zipped = client.get(url, headers={"accept-language": second, "accept-encoding": "gzip"})

    assert stored["Content-Encoding"] == zipped["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert gzip.decompress(stored.content) == plain.content == gzip.decompress(zipped.content)
    assert {stored["Content-Language"], plain["Content-Language"], zipped["Content-Language"]} == {
        "en"
    }
    assert "accept-language" not in _vary(plain) | _vary(zipped)
    assert plain.json()["contents"][0]["name"] == program.name
