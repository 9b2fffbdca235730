"""The home page: a place search that leads to the results list, and a plain explainer."""

import re

import pytest

from tests.factories import EVENING_MON_WED_THU, make_program

pytestmark = pytest.mark.django_db


def test_home_page_has_a_labelled_place_search_that_submits_to_the_results_list(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    form = re.search(
        r'<form class="home-search" method="get" action="/programs/".*?</form>', html, re.S
    )
    assert form, "the search form posts nowhere else than the results list, by GET"
    form_html = form.group(0)
    assert '<label for="id_near">ZIP code or city, state</label>' in form_html
    assert 'name="near"' in form_html
    assert "csrfmiddlewaretoken" not in form_html


def test_home_page_offers_radius_with_25_miles_preselected(client):
    html = client.get("/").content.decode()
    assert re.search(r'<select name="radius"[^>]*>', html)
    for miles in (5, 10, 25, 50, 100):
        assert f'value="{miles}"' in html
    assert '<option value="25" selected>25 miles</option>' in html


def test_home_page_offers_a_few_most_asked_filters(client):
    html = client.get("/").content.decode()
    for name in ("evening", "mat", "accepting", "payment"):
        assert f'name="{name}"' in html
    # Only a few: the full set lives on the results page.
    assert 'name="modality"' not in html


def test_home_page_explains_what_an_iop_is_and_how_to_choose(client):
    html = client.get("/").content.decode()
    assert "What is an intensive outpatient program?" in html
    assert "How to choose one" in html
    assert "living at home" in html


def test_home_search_submission_lands_on_filtered_results(client):

    make_program(name="Evening track", sessions=EVENING_MON_WED_THU)
    make_program(name="No schedule")
    response = client.get("/programs/", {"near": "22903", "radius": "25", "evening": "1"})
    assert response.status_code == 200
    # The program with evening sessions first; the one that does not say, next, to ask about.
    page = response.context["page"].object_list
    assert [(p.name, p.fit_group) for p in page] == [("Evening track", 0), ("No schedule", 1)]


def test_home_page_sets_no_cookie(client):
    response = client.get("/")
    assert not response.cookies
