"""Spanish pages (/es/) show the facts in Spanish: the registry's labels and group headings,
the values worded in Python (choices, schedules, dates, availability), the comparison's rows,
the results' answers and the intake questions; a value with no Spanish falls back to English."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from programs import facts
from programs.models import NOT_REPORTED_LABEL, Condition, DualDiagnosis, Format, Source
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program, north_of_cville
from tests.page_text import text_of

pytestmark = pytest.mark.django_db

MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def spanish_day(value) -> str:
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


@pytest.fixture
def evening():
    return make_program(
        name="Evening IOP",
        slug="evening-iop",
        facility=make_facility(name="Blue Ridge Recovery Center", payment=("medicaid",)),
        format=Format.HYBRID,
        dual_diagnosis=DualDiagnosis.ENHANCED,
        sessions=EVENING_MON_WED_THU,
        staff={"lcsw": "on_site", "psychiatrist": "referral"},
        conditions={"depression": "on_site", "anxiety": "referral"},
        typical_length_weeks=12,
        individual_therapy=True,
        drug_testing=False,
    )


def test_a_spanish_program_page_shows_spanish_fact_labels_values_and_questions(client, evening):
    page = text_of(client.get("/es" + evening.get_absolute_url()))
    for spanish in (
        "Dónde y cuándo",  # a group heading
        "Atención de problemas de salud mental que acompañan a la adicción",
        "Modalidad Mixta (en persona y virtual)",  # a label and a choice's value
        "Horas por semana 9 horas",
        "Duración habitual 12 semanas",
        "Sesiones por la tarde o noche",
        "Que empiezan a las 4 p. m. o más tarde.",  # a fact's help
        "Terapia individual con un terapeuta con licencia",  # a field's verbose_name
        "Diagnóstico dual integrado (trata la salud mental en el centro)",
        "Se trata en el centro",
        "Por derivación",
        # Intake questions for facts the listing does not report.
        "¿Cuántas personas hay en un grupo?",
        "¿Aceptan pacientes nuevos ahora, y cuándo podría empezar?",
    ):
        assert spanish in page, spanish
    for english in ("Where and when", "Hours per week", "How many people are in a group?"):
        assert english not in page, english


def test_the_same_program_page_in_english_keeps_its_english_words(client, evening):
    page = text_of(client.get(evening.get_absolute_url()))
    assert "Format Hybrid (in person and virtual)" in page
    assert "Typical length 12 weeks" in page
    assert "How many people are in a group?" in page
    assert "Dónde y cuándo" not in page


def test_availability_is_worded_in_spanish_with_a_spanish_date(client):
    confirmed = timezone.localdate() - timedelta(days=60)
    program = make_program(
        accepting_new_clients=True,
        accepting_confirmed_on=confirmed,
        typical_wait_days=7,
        wait_confirmed_on=timezone.localdate(),
    )
    page = text_of(client.get("/es" + program.get_absolute_url()))
    assert (
        f"Acepta pacientes nuevos (confirmado por última vez el {spanish_day(confirmed)}"
        " - pregunte)" in page
    )
    assert f"Unos 7 días (confirmado el {spanish_day(timezone.localdate())})" in page
    # Too old to rely on: asked again, in Spanish.
    assert "¿Aceptan pacientes nuevos ahora, y cuándo podría empezar?" in page


def test_not_reported_reads_in_spanish_where_python_words_it():
    with translation.override("es"):
        assert str(NOT_REPORTED_LABEL) == "No informado - pregunte en la admisión"
        assert str(Format.NOT_REPORTED.label) == "No informado - pregunte en la admisión"
    assert str(NOT_REPORTED_LABEL) == "Not reported - ask at intake"


def test_a_spanish_comparison_shows_spanish_rows_and_values(client, evening):
    other = make_program(
        facility=make_facility(source=Source.DEMO, last_verified=None),
        sessions=((1, "09:00", "12:00"), (3, "09:00", "12:00")),
    )
    response = client.get("/es" + reverse("programs:compare"), {"p": [evening.slug, other.slug]})
    assert response.status_code == 200
    groups = {
        group.title: {row.label: row.cells for row in group.rows}
        for group in response.context["groups"]
    }
    where = groups["Dónde y cuándo"]
    assert where["Modalidad"] == ["Mixta (en persona y virtual)", None]
    assert where["Horario"] == ["Lun, Mié, Jue 6-9 p. m.", "Mar, Jue 9 a. m.-12 p. m."]
    assert groups["Quién le atiende"]["Psiquiatra u otro médico"] == ["Por derivación", None]
    trust = groups["De dónde vienen estos datos"]
    assert trust["Fuente"] == [
        "Equipo de revisión de IOP Finder",
        "Datos ficticios de demostración",
    ]
    assert trust["Revisado por última vez por una persona"] == [
        "1 de octubre de 2026",
        "Todavía no lo ha revisado una persona",
    ]


def test_spanish_results_answer_the_search_in_spanish(client, evening):
    response = client.get(
        "/es" + reverse("programs:list"), {"near": "22903", "evening": "1", "payment": "medicaid"}
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "Cumple todo lo que pidió (1)" in page
    assert "Sesiones por la tarde o noche: sí (Lun, Mié, Jue 6-9 p. m.)" in page
    assert "Acepta Medicaid" in page  # the lookup has no Spanish name: "Medicaid" as it is
    assert response.context["search_fold"] == ["22903", "25 millas", "2 filtros"]


def test_a_lookup_value_without_a_spanish_name_falls_back_to_english(client, evening):
    Condition.objects.filter(slug="depression").update(name_es="Depresión")
    Condition.objects.filter(slug="adhd").update(name_es="TDAH")
    # Names a curator has emptied (the site ships a Spanish name for every starting value).
    Condition.objects.filter(slug__in=["anxiety", "bipolar"]).update(name_es="")
    other = make_program()
    page_url = (
        "/es" + evening.get_absolute_url()
    )  # before a Spanish request makes reverse() Spanish
    response = client.get("/es" + reverse("programs:compare"), {"p": [evening.slug, other.slug]})
    rows = {row.label: row.cells for group in response.context["groups"] for row in group.rows}
    assert rows["Depresión"] == ["Se trata en el centro", None]
    assert rows["Anxiety"] == ["Por derivación", None]  # no Spanish name given: the English one
    assert "Depression" not in rows
    # The intake question names the conditions the listing leaves out, each as it can.
    page = text_of(client.get(page_url))
    assert "¿Tratan TDAH, bipolar disorder," in page


def test_a_fact_label_missing_from_the_catalog_shows_in_english_on_spanish_pages(
    client, evening, monkeypatch
):
    untranslated = facts.Fact(
        "facility.has_website",
        "Has a website of its own",
        facts.RULES,
        shown=lambda program: bool(program.facility.website) or None,
    )
    monkeypatch.setattr(facts, "FACTS", [*facts.FACTS, untranslated])
    page = text_of(client.get("/es" + evening.get_absolute_url()))
    assert "Has a website of its own" in page
    assert "Reglas y admisión" in page


def test_an_imported_listing_says_in_spanish_what_came_from_the_locator(client):
    facility = make_facility(
        source=Source.FINDTREATMENT, source_id="frid-1", source_published_year=2019
    )
    program = make_program(facility=facility)
    page = text_of(client.get("/es" + program.get_absolute_url()))
    assert "Del localizador nacional de tratamiento, según lo publicado hacia 2019" in page
    assert "medicamentos para tratar la adicción y enfoques de tratamiento" in page
    assert "Teléfono principal" in page
    # The locator's "Spanish" means services in Spanish as well: the heading says so.
    assert "Servicios en idiomas distintos del inglés" in page


def test_the_spanish_schedule_table_gives_times_with_the_spanish_am_pm(client, evening):
    page_url = evening.get_absolute_url()  # before a Spanish request makes reverse() Spanish
    page = text_of(client.get("/es" + page_url))
    assert "Lunes de 6:00 p. m. a 9:00 p. m." in page
    assert "PM" not in page
    english = text_of(client.get(page_url))
    assert "Monday 6:00 PM to 9:00 PM" in english


def test_the_conditions_table_shows_the_curators_spanish_name(client, evening):
    Condition.objects.filter(slug="depression").update(name_es="Depresión")
    page_url = evening.get_absolute_url()
    assert '<th scope="row">Depresión</th>' in client.get("/es" + page_url).content.decode()
    assert '<th scope="row">Depression</th>' in client.get(page_url).content.decode()


def test_spanish_cards_give_distances_with_the_decimal_point_the_hours_use(client):
    make_program(facility=make_facility(**north_of_cville(2.5)))
    spanish = text_of(client.get("/es/programs/", {"near": "22903"}))
    assert "A 2.5 millas" in spanish
    assert "2,5" not in spanish
    assert "2.5 miles away" in text_of(client.get("/programs/", {"near": "22903"}))


def test_the_spanish_csv_words_each_programs_answer_to_what_was_asked(client, evening):
    query = {"near": "22903", "evening": "1", "weekend": "1", "nofit": "1"}
    spanish = b"".join(client.get("/es/programs/export.csv", query).streaming_content)
    rows = list(csv.reader(io.StringIO(spanish.decode("utf-8-sig"))))
    asked = rows[0].index("Pedido: Sesiones por la tarde o noche")
    assert rows[1][asked : asked + 2] == ["sí", "no"]
    english = b"".join(client.get("/programs/export.csv", query).streaming_content)
    rows = list(csv.reader(io.StringIO(english.decode("utf-8-sig"))))
    asked = rows[0].index("Asked: Evening sessions")
    assert rows[1][asked : asked + 2] == ["yes", "no"]  # as before: the cards' words


def test_spanish_cards_write_the_short_date_with_a_lowercase_month(client, evening):
    # The factories' facilities were verified on 2026-10-01.
    page = text_of(client.get("/es/programs/", {"near": "22903"}))
    assert "Verificado por última vez el 1 oct 2026" in page
    assert "Last verified Oct 1, 2026" in text_of(client.get("/programs/", {"near": "22903"}))
