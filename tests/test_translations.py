"""The Spanish interface: addresses under /es/, the language switch, and a catalog that covers
every interface string (tests/i18n_catalog.py)."""

import importlib
import re

import polib
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from programs.models import Condition, PaymentType
from tests.i18n_catalog import (
    MO_FILE,
    bare_text,
    project_bare_text,
    project_python_messages,
    project_template_messages,
    public_templates,
    python_messages,
    spanish_catalog,
    template_messages,
    untranslated,
)
from tests.public_pages import STATUS, make_public_pages


def spanish(url: str) -> str:
    return "/es" + url


@pytest.fixture
def pages(db):
    return make_public_pages()


def _switch_link(html: str) -> re.Match:
    match = re.search(r'<a class="language-switch" href="([^"]*)" hreflang="(\w+)"', html)
    assert match, "no language switch on the page"
    return match


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "results", "filtered-results", "detail", "compare"])
def test_language_switch_links_to_the_same_page_in_spanish_keeping_the_query(client, pages, name):
    html = client.get(pages[name]).content.decode()
    link = _switch_link(html)
    assert link.group(2) == "es"
    assert link.group(1).replace("&amp;", "&") == spanish(pages[name])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "filtered-results", "detail", "not-found", "bad-input"])
def test_spanish_pages_answer_in_spanish_and_link_back_to_english(client, pages, name):
    response = client.get(spanish(pages[name]))
    assert response.status_code == STATUS.get(name, 200)
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Ir al contenido principal" in html
    link = _switch_link(html)
    assert link.group(2) == "en"
    assert link.group(1).replace("&amp;", "&") == pages[name]


@pytest.mark.django_db
def test_pages_name_both_languages_with_hreflang(client, pages):
    html = client.get(pages["detail"]).content.decode()
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{pages["detail"]}">' in html
    assert (
        f'<link rel="alternate" hreflang="es" href="http://testserver/es{pages["detail"]}">' in html
    )


@pytest.mark.django_db
def test_a_browser_asking_for_spanish_still_gets_english_at_the_plain_address(client, pages):
    response = client.get(pages["results"], headers={"accept-language": "es-MX,es;q=0.9"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert response.get("Content-Language") == "en"


@pytest.mark.django_db
def test_browsing_spanish_pages_sets_no_cookie(client, pages):
    for name, url in pages.items():
        response = client.get(spanish(url))
        assert response.status_code == STATUS.get(name, 200), name
        assert not response.cookies, (name, response.cookies)
        assert "Set-Cookie" not in response, name


@pytest.mark.django_db
def test_spanish_and_english_pages_are_cached_apart(client, pages, settings):
    settings.PAGE_CACHE_SECONDS = 300
    english = client.get(pages["results"]).content.decode()
    spanish_page = client.get(spanish(pages["results"])).content.decode()
    assert '<html lang="en">' in english
    assert '<html lang="es">' in spanish_page
    assert '<html lang="en">' in client.get(pages["results"]).content.decode()


@pytest.mark.django_db
def test_the_admin_and_hsds_have_no_spanish_address(client):
    assert client.get("/es/admin/").status_code == 404
    assert client.get("/es/hsds/services/").status_code == 404
    assert reverse("admin:index") == "/admin/"


def test_every_template_string_has_a_spanish_translation():
    messages = project_template_messages()
    assert any(m.where == "base.html" for m in messages)  # the walk does find strings
    missing = untranslated(messages)
    assert not missing, "\n".join(f"{m.where}: {m.msgid!r}" for m in missing)


def test_every_python_interface_string_has_a_spanish_translation():
    missing = untranslated(project_python_messages())
    assert not missing, "\n".join(f"{m.where}: {m.msgid!r}" for m in missing)


def test_the_check_reports_a_template_string_missing_from_the_catalog():
    source = (
        "{% load i18n %}{% translate 'Skip to main content' %}"
        "{% translate 'A sentence nobody translated' %}"
        "{% blocktranslate trimmed count n=3 %}One {{ n }}\n thing{% plural %}{{ n }} things"
        "{% endblocktranslate %}"
    )
    messages = template_messages(source, "example.html")
    assert [m.msgid for m in messages] == [
        "Skip to main content",
        "A sentence nobody translated",
        "One %(n)s thing",
    ]
    missing = untranslated(messages)
    assert [m.msgid for m in missing] == ["A sentence nobody translated", "One %(n)s thing"]


def test_no_public_template_has_text_outside_translation_tags():
    names = [name for name, _source in public_templates()]
    assert "programs/detail.html" in names and "404.html" in names
    assert not any(name.startswith("admin/") for name in names)
    bare = project_bare_text()
    assert not bare, "Text outside {% translate %}:\n" + "\n".join(bare)


def test_the_template_check_reports_words_outside_translation_tags():
    source = """{% extends "base.html" %}{% load i18n %}
{% block title %}Call sheet{% endblock %}
{% block content %}{# a note for developers #}{% comment %}Not shown either{% endcomment %}
<!-- an HTML comment -->
<h1>{% translate "Find a program" %} · IOP Finder &amp; 988, 12:30 ✓</h1>
<a href="{{ url }}" class="compare-toggle" aria-label="Add to compare: {{ program.name }}"
   title="{% translate 'Find a program' %}">
  {% if yes %}Shown here{% else %}{{ program.name }}{% endif %}</a>
<img src="x.png" alt="A photo">
<input placeholder="{% translate 'Find a program' %}">
{% blocktranslate trimmed %}Nothing <strong>here</strong> is bare.{% endblocktranslate %}
<p>{{ value|default:"Yes" }}</p>{% include "problem.html" with title="Went wrong" message=text %}
{% endblock %}"""
    assert bare_text(source, "example.html") == [
        "example.html: 'Went wrong'",
        "example.html: 'Yes'",
        "example.html: aria-label='Add to compare'",
        "example.html: alt='A photo'",
        "example.html: 'Call sheet'",
        "example.html: 'Shown here'",
    ]


def test_a_piece_of_a_tag_is_not_text_but_its_read_attributes_are():
    assert bare_text('{% if x %} lang="en" data-x="a b"{% endif %}', "attr.html") == []
    assert bare_text(' title="Bare words"', "attr.html") == ["attr.html: title='Bare words'"]


@pytest.mark.django_db
def test_spanish_pages_are_in_spanish_with_listing_text_marked_english(client, pages):
    html = client.get(spanish(pages["detail"])).content.decode()
    assert '<h2 id="intake-questions">Preguntas para la admisión</h2>' in html
    assert "No informado - pregunte en la admisión" in html
    assert "Not reported - ask at intake" not in html
    assert '<h1 lang="en">Evening IOP</h1>' in html
    assert '<span lang="en">Blue Ridge Recovery Center</span> ·' in html
    assert re.search(r'<address lang="en">\d+ Main Street', html)
    assert re.search(r'<dd lang="en">\d+ Main Street<br>Charlottesville, VA 22903</dd>', html)

    results = client.get(spanish(pages["filtered-results"])).content.decode()
    assert "1 programa para considerar" in results
    assert 'lang="en">Evening IOP</a>' in results


@pytest.mark.django_db
def test_english_pages_carry_no_lang_marks_on_listing_text(client, pages):
    html = client.get(pages["detail"]).content.decode()
    assert "<h1>Evening IOP</h1>" in html
    # Only <html lang="en"> itself: hreflang="en" is preceded by "href", not by a space.
    assert re.findall(r'\slang="en"', html) == [' lang="en"']
    assert "Questions to ask at intake" in html


def test_the_check_reports_a_python_string_missing_from_the_catalog():
    source = (
        "from django.utils.translation import gettext_lazy as _, pgettext\n"
        "A = _('Skip to main content')\n"
        "B = pgettext('fact', 'Nobody translated this')\n"
    )
    missing = untranslated(python_messages(source, "example.py"))
    assert [(m.msgid, m.context) for m in missing] == [("Nobody translated this", "fact")]


def test_the_committed_catalog_is_compiled_from_the_po_file():
    po = polib.pofile(str(MO_FILE.with_suffix(".po")))
    compiled = spanish_catalog()
    for entry in po.translated_entries():
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            assert compiled.get((msgid, 0)) == entry.msgstr_plural[0], entry.msgid
        else:
            assert compiled.get(msgid) == entry.msgstr, entry.msgid
    assert len(po.translated_entries()) == len(po) - len(po.obsolete_entries())


# "%(name)s" / "%s" for python-format, "{name}" / "{value.name}" for python-brace-format.
PLACEHOLDERS = {
    "python-format": re.compile(r"%\((\w+)\)[sd]|%[sd]"),
    "python-brace-format": re.compile(r"\{([\w.]*)\}"),
}


def placeholders(text: str, flag: str) -> list[str]:
    return sorted(PLACEHOLDERS[flag].findall(text))


def test_every_translation_keeps_the_placeholders_of_its_english():
    # A Spanish chip or message that names a placeholder its English does not give breaks the
    # page (KeyError); one that drops a placeholder loses the value it was to show.
    po = polib.pofile(str(MO_FILE.with_suffix(".po")))
    checked = 0
    for entry in po.translated_entries():
        for flag in PLACEHOLDERS:
            if flag not in entry.flags:
                continue
            checked += 1
            if entry.msgid_plural:
                expected = placeholders(entry.msgid_plural, flag)
                for form in entry.msgstr_plural.values():
                    assert placeholders(form, flag) in (expected, []), entry.msgid
            else:
                expected = placeholders(entry.msgid, flag)
                assert placeholders(entry.msgstr, flag) == expected, entry.msgid
    assert checked > 50


def test_the_placeholder_check_catches_a_lost_or_renamed_placeholder():
    assert placeholders("Accepts: {value}", "python-brace-format") == ["value"]
    assert placeholders("Acepta: {valor}", "python-brace-format") == ["valor"]
    assert placeholders("Quitar «%(filter)s»", "python-format") == ["filter"]
    assert placeholders("Quitar el filtro", "python-format") == []


def test_django_serves_the_project_catalog_in_spanish():
    with translation.override("es"):
        assert translation.gettext("Find a program") == "Buscar un programa"


@pytest.mark.django_db
def test_a_lookup_value_shows_its_spanish_name_on_spanish_pages_and_falls_back_to_english():
    depression = Condition.objects.get(slug="depression")
    depression.name_es = "Depresión"
    depression.save()
    medicaid = PaymentType.objects.get(slug="medicaid")
    medicaid.name_es = ""
    medicaid.save()
    assert str(depression) == depression.name
    with translation.override("es"):
        assert str(depression) == "Depresión"
        assert str(medicaid) == medicaid.name


@pytest.mark.django_db
def test_every_lookup_value_the_site_ships_has_a_spanish_name_and_a_curators_is_kept():
    shipped = importlib.import_module("programs.migrations.0016_lookup_spanish_names_shipped")
    for model_name in shipped.SPANISH_NAMES:
        model = apps.get_model("programs", model_name)
        assert not model.objects.filter(name_es="").exists(), model_name
    Condition.objects.filter(slug="depression").update(name_es="Depresión (escrito a mano)")
    shipped.fill_spanish_names(apps, None)
    assert Condition.objects.get(slug="depression").name_es == "Depresión (escrito a mano)"
    with translation.override("es"):
        assert str(PaymentType.objects.get(slug="sliding-scale")) == "Tarifa según ingresos"
