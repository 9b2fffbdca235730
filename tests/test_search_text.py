"""Text search on the results page: what matches, special characters, stemming and ranking."""

import pytest

from tests.factories import (
    make_facility,
    make_program,
)
from tests.searching import names, search

pytestmark = pytest.mark.django_db


# --- Text search ----------------------------------------------------------------------------


def test_text_search_matches_program_facility_city_and_description(client):
    make_program(name="Evening recovery track", facility=make_facility(name="Oak House"))
    make_program(name="Day IOP", facility=make_facility(name="Riverside Clinic"))
    make_program(name="Adult IOP", facility=make_facility(city="Staunton"))
    make_program(name="Women's IOP", description="Trauma-informed groups for mothers.")
    assert names(search(client, "q=recovery")) == ["Evening recovery track"]
    assert names(search(client, "q=riverside")) == ["Day IOP"]
    assert names(search(client, "q=STAUNTON")) == ["Adult IOP"]
    assert names(search(client, "q=mothers")) == ["Women's IOP"]


def test_text_search_reads_special_characters_as_plain_text(client):
    make_program(name="Evening IOP", facility=make_facility(name="Oak & Pine (North)"))
    for query in ["oak+%26", "%21%21", "pine%3A*", "%27%27", "(north)", "a|b"]:
        response = search(client, f"q={query}")
        assert response.status_code == 200


def test_text_search_needs_every_word(client):
    make_program(name="Evening IOP", facility=make_facility(name="Oak House"))
    make_program(name="Evening IOP at Pine", facility=make_facility(name="Pine Center"))
    assert names(search(client, "q=evening+oak")) == ["Evening IOP"]
    assert names(search(client, "q=evening+birch")) == []


def test_text_search_sorts_by_best_match_by_default(client):
    make_program(name="Family Program", description="Weekly groups.")
    make_program(name="Adult IOP", description="Includes a family night.")
    response = search(client, "q=family")
    assert response.context["sort"] == "relevance"
    assert names(response)[0] == "Family Program"


def test_full_text_search_stems_words_and_ranks_name_matches_first(client):
    make_program(name="Aardvark IOP", description="Weekly groups for whole families.")
    make_program(name="Family Recovery IOP", description="Groups.")
    make_program(name="Unrelated IOP", description="Yoga.")
    response = search(client, "q=family")  # "families" stems to the same word
    assert names(response) == ["Family Recovery IOP", "Aardvark IOP"]
    ranks = [p.rank for p in response.context["page"].object_list]
    assert ranks[0] > ranks[1] > 0


def test_name_search_matches_numbers_written_as_words_or_digits(client):
    make_program(name="Adult IOP", facility=make_facility(name="Region Ten Community Services"))
    make_program(name="Step 1 Recovery", facility=make_facility(name="Oak House"))
    make_program(name="Tenfold Wellness", facility=make_facility(name="Pine House"))
    assert names(search(client, "q=Region+10")) == ["Adult IOP"]
    assert names(search(client, "q=region+ten")) == ["Adult IOP"]
    assert names(search(client, "q=step+one")) == ["Step 1 Recovery"]
    # A number's word is matched whole, not as a prefix: "10" does not find "Tenfold".
    assert "Tenfold Wellness" not in names(search(client, "q=10"))
