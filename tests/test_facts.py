"""The fact registry (programs/facts.py): one declaration reaches every view of a fact."""

import csv
import io

import pytest
from django.utils import translation

from programs import facts
from programs.models import Program
from programs.models.loading import DETAIL, load_related
from tests.factories import make_facility, make_program

pytestmark = pytest.mark.django_db


def test_a_fact_added_to_the_registry_shows_on_the_page_comparison_csv_api_and_cards(
    client, monkeypatch
):
    website = facts.Fact(
        "facility.has_website",
        "Has a website of its own",
        facts.RULES,
        shown=lambda program: bool(program.facility.website) or None,
        question="Is there a website where I can read more?",
        card=facts.OnCard("Own website"),
    )
    monkeypatch.setattr(facts, "FACTS", [*facts.FACTS, website])
    with_site = make_program(name="With site", facility=make_facility(website="https://a.example"))
    without = make_program(name="Without site", facility=make_facility(website=""))

    page = client.get(with_site.get_absolute_url()).content.decode()
    assert "<dt>Has a website of its own</dt>" in page
    quiet = client.get(without.get_absolute_url()).content.decode()
    assert "Is there a website where I can read more?" in quiet

    compare = client.get("/compare/", {"p": [with_site.slug, without.slug]})
    rows = {row.label: row for group in compare.context["groups"] for row in group.rows}
    assert rows["Has a website of its own"].cells == [True, None]

    body = b"".join(client.get("/programs/export.csv").streaming_content).decode()
    exported = {r["Program"]: r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert exported["With site"]["Has a website of its own"] == "Yes"
    assert exported["Without site"]["Has a website of its own"] == "Not reported"

    api = client.get(f"/api/programs/{with_site.slug}/").json()
    assert api["facility"]["has_website"] is True

    results = client.get("/programs/", {"q": "site"}).content.decode()
    assert results.count("<dt>Own website</dt>") == 2
    assert '<span aria-hidden="true">✓</span> Yes</span>' in results


def _carded(**fields):
    program = make_program(**fields)
    (loaded,) = load_related(
        [Program.objects.select_related("facility").get(pk=program.pk)], DETAIL
    )
    return loaded


def test_a_card_leaves_out_what_its_answers_to_the_search_already_say():
    program = _carded(name="Evening", offers_mat=True)
    labels = [line.label for line in facts.card_lines(program)]
    assert labels[:2] == ["Level and format", "Schedule"]
    assert "Medication for addiction (MAT)" in labels
    asked = [line.label for line in facts.card_lines(program, {"evening", "mat"})]
    assert "Schedule" not in asked and "Medication for addiction (MAT)" not in asked
    assert len(asked) == len(labels) - 2


def test_a_card_line_that_needs_a_report_is_left_out_until_there_is_one():
    program = _carded(name="No staff listed")
    lines = {line.label: line.value for line in facts.card_lines(program)}
    assert "Groups led by" not in lines
    assert lines["Psychiatrist or physician"] is None  # worded "Not reported - ask at intake"


def test_every_fact_key_and_label_is_declared_once():
    keys = [fact.key for fact in facts.FACTS]
    assert len(keys) == len(set(keys))
    shown = [(fact.group, fact.label) for fact in facts.FACTS if fact.on_page or fact.in_compare]
    assert len(shown) == len(set(shown))


def test_every_not_reported_fact_of_a_bare_program_has_a_question(db):
    bare = make_program(name="Bare")
    (program,) = load_related([Program.objects.select_related("facility").get(pk=bare.pk)], DETAIL)
    questions = facts.intake_questions(program)
    asked = [fact for fact in facts.FACTS if fact.question and fact.is_unknown(program)]
    assert len(questions) == len(asked) > 15


def test_a_fact_label_is_translated_once_in_the_registry_for_every_view(client):
    evening = facts.by_key("schedule.has_evening")
    # Declared once, lazily: read in the language active when a view reads it.
    assert str(evening.label) == "Evening sessions"
    with translation.override("es"):
        assert str(evening.label) == "Sesiones por la tarde o noche"
    assert str(evening.label) == "Evening sessions"

    one = make_program(name="One", sessions=((0, "18:00", "21:00"),))
    two = make_program(name="Two", sessions=((0, "09:00", "12:00"),))
    page_url = "/es" + one.get_absolute_url()
    assert "<dt>Sesiones por la tarde o noche <span" in client.get(page_url).content.decode()

    compare = client.get("/es/compare/", {"p": [one.slug, two.slug]})
    rows = {row.label: row.cells for group in compare.context["groups"] for row in group.rows}
    assert rows["Sesiones por la tarde o noche"] == [True, False]

    body = b"".join(client.get("/es/programs/export.csv").streaming_content).decode()
    exported = {r["Programa"]: r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert exported["One"]["Sesiones por la tarde o noche"] == "Sí"
    assert exported["Two"]["Sesiones por la tarde o noche"] == "No"

    # The API's key is the fact's key, the same in both languages.
    api = client.get(f"/es/api/programs/{one.slug}/").json()
    assert api["schedule"]["has_evening"] is True
