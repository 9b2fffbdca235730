"""The search's own words on Spanish results pages (/es/programs/): the filters' labels and
help, the chips above the results, the sorts, the ways out of an empty page and the messages
about a place or a search we cannot read. They are declared once, lazily, in
``programs/filters.py``, ``programs/search.py`` and ``programs/forms.py``, so the same process
answers an English page in English right after a Spanish one."""

import re

import pytest
from django.urls import reverse

from programs.models import PaymentType
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program
from tests.page_text import text_of

pytestmark = pytest.mark.django_db

# Read before any Spanish request: reverse() answers in the language a request left active.
ENGLISH_LIST = reverse("programs:list")
SPANISH_LIST = "/es" + ENGLISH_LIST


@pytest.fixture
def evening():
    return make_program(
        name="Evening IOP",
        slug="evening-iop",
        facility=make_facility(name="Blue Ridge Recovery Center", payment=("medicaid",)),
        sessions=EVENING_MON_WED_THU,
        hours_per_week=9,
    )


def chip_labels(response) -> list[str]:
    return [chip.label for chip in response.context["chips"]]


def test_spanish_chips_word_each_filter_in_spanish(client, evening):
    PaymentType.objects.filter(slug="medicaid").update(name_es="Medicaid (seguro público)")
    response = client.get(
        SPANISH_LIST,
        {
            "near": "22903",
            "radius": "10",
            "q": "recovery",
            "evening": "1",
            "days": ["mon", "wed"],
            "max_hours": "9.5",
            "payment": "medicaid",
            "dual": "2",
            "state": "VA",
        },
    )
    assert response.status_code == 200
    assert chip_labels(response) == [
        "A menos de 10 millas de 22903 (Charlottesville, VA)",
        "Palabras: “recovery”",
        "En Virginia",
        "Sesiones por la tarde o noche (empiezan a las 4 p. m. o más tarde)",
        "Solo se reúne los días: Lun",
        "Solo se reúne los días: Mié",
        # The decimal point stays a point, as in "9.5 h/semana" (README, "Two languages").
        "Como máximo 9.5 horas a la semana",
        "Atención de salud mental: Preparado o integrado (al menos detecta y coordina la atención)",
        # The curator's Spanish name of the lookup value, inside the chip's Spanish wording.
        "Acepta: Medicaid (seguro público)",
    ]
    # Each chip's removal link stays on the Spanish page, with English parameters.
    page = response.content.decode()
    assert 'href="/es/programs/?near=22903&amp;radius=10&amp;q=recovery&amp;days=mon' in page


def test_the_same_search_in_english_keeps_its_english_chips_after_a_spanish_one(client, evening):
    query = {"near": "22903", "evening": "1", "days": "mon", "payment": "medicaid"}
    client.get(SPANISH_LIST, query)
    response = client.get(ENGLISH_LIST, query)
    assert chip_labels(response) == [
        "Within 25 miles of 22903 (Charlottesville, VA)",
        "Evening sessions (start 4 pm or later)",
        "Meets only on: Mon",
        "Accepts: Medicaid",
    ]


def test_spanish_filters_panel_and_sorts_are_in_spanish(client, evening):
    response = client.get(SPANISH_LIST, {"near": "22903", "q": "recovery"})
    page = text_of(response)
    for words in (
        "Código postal (ZIP) o ciudad, estado",
        "Palabras que buscar",
        "Días en que puede asistir",
        "Cualquier forma de pago",
        "Cualquier estado",
        "Idioma que habla el personal",
        "Integrado (trata la salud mental en el centro)",
        "25 millas",
        "100 millas",
    ):
        assert words in page
    for english in ("Any payment", "Words to look for", "Days you can attend", "25 miles"):
        assert english not in page
    assert response.context["sorts"] == [
        ("distance", "Cercanía (los más cercanos primero)"),
        ("relevance", "Coincidencia con sus palabras"),
        ("name", "Nombre del centro (A-Z)"),
        ("verified", "Verificación más reciente"),
        ("hours", "Menos horas por semana"),
    ]
    # The day boxes show Spanish day names and send the English values.
    assert re.search(r'value="mon"[^>]*>\s*Lun', response.content.decode())


def test_an_empty_spanish_page_offers_its_ways_out_in_spanish(client, evening):
    response = client.get(SPANISH_LIST, {"near": "22903", "radius": "5", "state": "NC"})
    assert response.status_code == 200
    ways = [(way.text, way.count) for way in response.context["relaxations"]]
    assert ways == [("Buscar a menos de 100 millas", 0), ("Quitar «En North Carolina»", 1)]
    page = text_of(response)
    assert "Ningún programa cumple todos los filtros que eligió." in page
    assert 'href="/es/programs/?near=22903&amp;radius=5"' in response.content.decode()


def test_a_place_we_cannot_find_is_explained_in_spanish(client, evening):
    response = client.get(SPANISH_LIST, {"near": "zzzzqqq"})
    assert response.status_code == 400
    page = text_of(response)
    assert (
        "No encontramos ese lugar. Escriba un código postal (ZIP) de EE. UU. de 5 cifras "
        '(como 22903) o una ciudad y un estado (como "Charlottesville, VA").'
    ) in page
    assert chip_labels(response) == ["Código postal (ZIP) o ciudad, estado: no se entendió"]


def test_a_place_in_several_states_asks_which_one_in_spanish(client, evening):
    response = client.get(SPANISH_LIST, {"near": "Springfield"})
    assert response.status_code == 400
    assert "¿Qué estado? Hay un lugar con ese nombre en " in text_of(response)
    assert 'Añádalo, así: "Springfield, ' in text_of(response)


def test_too_many_wishes_and_a_lone_must_have_are_explained_in_spanish(client, evening):
    many = dict.fromkeys(
        (
            "evening",
            "weekend",
            "physician",
            "prescriber",
            "therapist",
            "mat",
            "holistic",
            "mutual_help",
            "accepting",
        ),
        "1",
    )
    response = client.get(
        SPANISH_LIST, {**many, "condition": ["depression", "anxiety", "ptsd", "adhd"]}
    )
    assert response.status_code == 400
    assert (
        "Una búsqueda puede tener en cuenta como máximo 12 deseos a la vez, y esta pide 13."
        in text_of(response)
    )
    response = client.get(SPANISH_LIST, {"evening": "1", "must": ["evening", "weekend"]})
    assert response.status_code == 400
    assert "Para que algo sea imprescindible, primero elija su filtro: weekend." in text_of(
        response
    )
