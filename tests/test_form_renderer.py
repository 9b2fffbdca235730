"""The search form's renderer (programs/form_renderer.py) draws the filters panel in Python: the
HTML is the one Django's own form templates give, and every control on a results page, in both
languages, is the one the form declares, with the visitor's choices ticked."""

import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.utils import translation

from programs.filters import ProgramFilter
from programs.form_renderer import SearchFormRenderer
from programs.forms import SearchForm
from tests.factories import EVENING_MON_WED_THU, make_program

pytestmark = pytest.mark.django_db

DJANGO_TEMPLATES = DjangoTemplates()

SEARCHES = [
    "",
    "near=22903&radius=10&q=recovery&evening=1&weekend=1&days=mon&days=wed&max_hours=9.5"
    "&format=virtual&level=iop&level=php&state=VA&leader=lcsw&modality=cbt&modality=dbt",
    "mat=1&medication=buprenorphine&dual=2&condition=depression&payment=medicaid"
    "&population=veterans&language=spanish&accepting=1&sort=hours&must=mat&nofit=1",
    # Errors: an unknown place and radius, a number and a day we cannot read, unknown and
    # hostile lookup values, a must-have whose filter is not chosen.
    "near=00000&radius=7&max_hours=abc&days=funday&payment=zz&modality=%3Cb%3Ex&must=evening",
    # More wishes than one search may weigh: the message sits on the last one.
    "evening=1&weekend=1&physician=1&prescriber=1&therapist=1&mat=1&holistic=1&mutual_help=1"
    "&accepting=1&modality=cbt&modality=dbt&condition=depression&condition=anxiety",
]

# The panel's filters (templates/programs/_filters_panel.html).
PANEL = [
    "evening",
    "weekend",
    "days",
    "max_hours",
    "format",
    "level",
    "state",
    "physician",
    "prescriber",
    "therapist",
    "leader",
    "mat",
    "medication",
    "holistic",
    "mutual_help",
    "modality",
    "dual",
    "condition",
    "payment",
    "population",
    "language",
    "accreditation",
    "accepting",
]


def _form(query: str, renderer) -> SearchForm:
    form = ProgramFilter(QueryDict(query)).form
    form.renderer = renderer
    form.is_valid()
    return form


def test_the_search_form_uses_its_own_renderer():
    assert isinstance(ProgramFilter(QueryDict("")).form.renderer, SearchFormRenderer)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("query", SEARCHES)
def test_every_field_renders_exactly_as_djangos_form_templates_do(query, language):
    with translation.override(language):
        drawn = _form(query, SearchForm.default_renderer)
        templated = _form(query, DJANGO_TEMPLATES)
        assert list(drawn.fields) == list(templated.fields)
        for name in drawn.fields:
            assert drawn[name].as_field_group() == templated[name].as_field_group(), name
            assert str(drawn[name]) == str(templated[name]), name
            assert drawn[name].label_tag() == templated[name].label_tag(), name
        assert str(drawn.errors) == str(templated.errors)


def test_a_widget_it_does_not_draw_is_left_to_djangos_templates():
    class Unusual(forms.Form):
        default_renderer = SearchFormRenderer()
        picked = forms.ChoiceField(choices=[("a", "A & B")], widget=forms.RadioSelect)
        note = forms.CharField(widget=forms.Textarea, help_text="<b>bold</b> help")

    drawn, templated = Unusual({"picked": "a"}), Unusual({"picked": "a"}, renderer=DJANGO_TEMPLATES)
    for name in ("picked", "note"):
        assert drawn[name].as_field_group() == templated[name].as_field_group()
    assert 'type="radio"' in str(drawn["picked"])
    assert "<textarea" in str(drawn["note"])


class Controls(HTMLParser):
    """The form controls of a piece of HTML: inputs, selects with their options, the text of
    each label by the id it is for, each group of checkboxes with its fieldset's legend and
    description, and each help text by its id."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: dict[str, dict] = {}  # by id
        self.selects: dict[str, dict] = {}  # by id
        self.labels: dict[str, str] = {}  # label text by the id it is for
        self.helps: dict[str, str] = {}  # help text by its id
        self.groups: dict[str, dict] = {}  # a group of checkboxes by its id, with its legend
        self._fieldset: dict = {}
        self._text_for: tuple[dict, str] | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input":
            self.inputs[attrs["id"]] = attrs
        elif tag == "select":
            self._select = {**attrs, "options": []}
            self.selects[attrs["id"]] = self._select
        elif tag == "option":
            self._option = {**attrs, "label": ""}
            self._select["options"].append(self._option)
        elif tag == "fieldset":
            self._fieldset = {**attrs, "legend": ""}
        elif tag == "legend":
            self._text_for = (self._fieldset, "legend")
        elif tag == "div" and attrs.get("class") == "helptext":
            self._text_for = (self.helps, attrs["id"])
        elif tag == "div" and "id" in attrs:
            self.groups[attrs["id"]] = self._fieldset
        elif tag == "label" and "for" in attrs:
            self._text_for = (self.labels, attrs["for"])

    def handle_data(self, data):
        if self._option is not None:
            self._option["label"] += data
        elif self._text_for is not None:
            texts, key = self._text_for
            texts[key] = texts.get(key, "") + data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag in ("label", "legend", "div"):
            self._text_for = None


def _panel(html: str) -> str:
    return re.search(r'<details class="filters-panel".*?</form>', html, re.S).group(0)


def _words(text) -> str:
    return " ".join(str(text).split())


@pytest.mark.parametrize("prefix,language", [("", "en"), ("/es", "es")])
def test_the_panel_shows_each_filter_as_the_form_declares_it_with_the_choices_ticked(
    client, prefix, language
):
    make_program(sessions=EVENING_MON_WED_THU)
    query = SEARCHES[1] + "&mat=1&medication=buprenorphine&dual=2&condition=depression"
    response = client.get(f"{prefix}/programs/?{query}")
    assert response.status_code == 200
    controls = Controls(_panel(response.content.decode()))
    data = QueryDict(query)

    with translation.override(language):
        form = ProgramFilter(data).form
        for name in PANEL:
            field, widget = form.fields[name], form.fields[name].widget
            if field.help_text:
                assert _words(controls.helps[f"id_{name}_helptext"]) == _words(field.help_text)
            if widget.use_fieldset:
                group = controls.groups[f"id_{name}"]
                assert _words(group["legend"]) == _words(field.label), name
                described = f"id_{name}_helptext" if field.help_text else None
                assert group.get("aria-describedby") == described, name
            else:
                assert _words(controls.labels[f"id_{name}"]) == _words(field.label), name
            if isinstance(widget, forms.CheckboxInput):
                shown = controls.inputs[f"id_{name}"]
                assert (shown["type"], shown["name"], shown["value"]) == ("checkbox", name, "1")
                assert ("checked" in shown) == (name in data), name
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                for index, (value, label) in enumerate(field.choices):
                    shown = controls.inputs[f"id_{name}_{index}"]
                    assert (shown["type"], shown["name"]) == ("checkbox", name)
                    assert shown["value"] == str(value)
                    assert _words(controls.labels[f"id_{name}_{index}"]) == _words(label)
                    assert ("checked" in shown) == (str(value) in data.getlist(name)), value
            elif isinstance(widget, forms.Select):
                shown = controls.selects[f"id_{name}"]
                assert shown["name"] == name
                assert [
                    (option["value"], _words(option["label"]), "selected" in option)
                    for option in shown["options"]
                ] == [
                    (str(value), _words(label), str(value) == data.get(name, ""))
                    for value, label in field.choices
                ], name
            else:
                shown = controls.inputs[f"id_{name}"]
                assert (shown["type"], shown["name"]) == ("number", name)
                assert shown["value"] == data[name]
                assert shown["aria-describedby"] == f"id_{name}_helptext"
