"""The results page caches its filters panel (form only, no listing) per filter combination."""

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from programs.filters import ProgramFilter
from programs.models import Credential, Modality, PaymentType
from programs.templatetags.search_cache import filters_panel_key
from tests.factories import EVENING_MON_WED_THU, make_program

pytestmark = pytest.mark.django_db


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def _panel(html: str) -> str:
    return re.search(r'<details class="filters-panel".*?</form>', html, re.S).group(0)


def test_second_search_with_the_same_filters_reuses_the_panel_with_fewer_queries(client):
    make_program(sessions=EVENING_MON_WED_THU)

    first, first_queries = _get(client, "/programs/?near=22903&evening=1&modality=cbt")
    second, second_queries = _get(client, "/programs/?near=10001&evening=1&modality=cbt")

    assert first.status_code == second.status_code == 200
    assert second_queries < first_queries  # the lookup lists are not read again
    assert _panel(first.content.decode()) == _panel(second.content.decode())


def test_a_different_filter_gets_its_own_panel_with_its_box_ticked(client):
    _get(client, "/programs/?evening=1")
    response, _queries = _get(client, "/programs/?weekend=1")

    panel = _panel(response.content.decode())
    assert re.search(r'<input[^>]*name="weekend"[^>]*checked', panel)
    assert not re.search(r'<input[^>]*name="evening"[^>]*checked', panel)


def test_a_search_with_errors_renders_its_panel_open_and_uncached(client):
    _get(client, "/programs/")  # caches the panel under the same key (radius is not in it)
    response, _queries = _get(client, "/programs/?radius=7")

    assert response.status_code == 400
    assert 'class="filters-panel" id="filters" open' in response.content.decode()


def test_key_ignores_place_words_and_page_but_keeps_filters_and_sort():

    a = QueryDict("near=22903&q=trauma&page=3&evening=1&modality=dbt&modality=cbt&sort=hours")
    b = QueryDict("modality=cbt&sort=hours&modality=dbt&evening=1&near=10001")

    assert filters_panel_key(a) == filters_panel_key(b)
    assert filters_panel_key(a) == "evening=1&modality=cbt&modality=dbt&sort=hours"


def test_the_lookup_lists_are_read_together_and_kept_in_their_own_order():

    def values(form, name):
        return [str(value) for value, _label in form.fields[name].choices if value != ""]

    with CaptureQueriesContext(connection) as queries:
        form = ProgramFilter({"modality": ["dbt", "cbt"], "payment": "medicaid"}).form
        assert form.is_valid()
        listed = {name: values(form, name) for name in ("modality", "leader", "payment")}
    assert len(queries) == 1
    # In each model's own order, as a query would give: kind then name, sort order then name.
    assert listed["modality"] == [m.slug for m in Modality.objects.all()]
    assert listed["leader"] == [c.slug for c in Credential.objects.all()]
    assert listed["payment"] == [p.slug for p in PaymentType.objects.all()]
    assert [m.slug for m in form.cleaned_data["modality"]] == [
        m.slug for m in Modality.objects.filter(slug__in=["cbt", "dbt"])
    ]
    assert form.cleaned_data["payment"].pk == PaymentType.objects.get(slug="medicaid").pk


def test_an_unknown_lookup_value_is_refused(client):
    response, _queries = _get(client, "/programs/?modality=no-such-approach")
    assert response.status_code == 400
    assert "no-such-approach" in response.content.decode()
