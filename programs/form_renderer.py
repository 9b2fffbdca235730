"""The search form's renderer: Django's form templates, drawn in Python.

The results page's filters panel has about 180 options, and Django draws each one through a
chain of small templates (``checkbox_option.html`` includes ``input_option.html``, which
includes ``input.html``, which includes ``attrs.html``), about a quarter of a page's time.
``SearchFormRenderer`` (``SearchForm.default_renderer``) produces the same HTML, byte for byte,
from the same context Django's widgets build, for the templates the search form uses: the field
group (``as_field_group``), its label or legend, an empty error list, and the input, select and
checkbox-list widgets. Anything else (a custom template, a widget not listed here, a non-empty
error list) is left to the templates. ``tests/test_form_renderer.py`` renders every field of the
search form both ways and compares them.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

FORMS = "django/forms/"
WIDGETS = FORMS + "widgets/"


def _shown(value) -> str:
    """``{{ value }}``: localized and escaped unless already safe."""
    return conditional_escape(localize(value))


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe value safe."""
    if isinstance(value, SafeData):
        return str(value)
    return escape("%s" % (str(value) if isinstance(value, tuple) else value))


def _attrs(attrs: dict) -> str:
    """``django/forms/attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    """``widgets/input.html`` (and text, number, checkbox, hidden), with its closing newline."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>\n"
    )


def _checkbox_option(option: dict) -> str:
    """``widgets/checkbox_option.html`` (``input_option.html``), with its closing newlines."""
    if not option["wrap_label"]:
        return _input(option) + "\n\n"
    label_id = option["attrs"].get("id")
    label_for = f' for="{_shown(label_id)}"' if label_id else ""
    return f"<label{label_for}>{_input(option)} {_shown(option['label'])}</label>\n\n"


def _select_option(option: dict) -> str:
    """``widgets/select_option.html``, with its closing newline."""
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>\n"
    )


OPTIONS = {
    WIDGETS + "checkbox_option.html": _checkbox_option,
    WIDGETS + "select_option.html": _select_option,
}


def _options_known(widget: dict) -> bool:
    return all(
        option["template_name"] in OPTIONS
        for _group, options, _index in widget["optgroups"]
        for option in options
    )


def _select(widget: dict) -> str:
    """``widgets/select.html``."""
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{_shown(group)}">')
        parts.extend("\n  " + OPTIONS[option["template_name"]](option) for option in options)
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _checkbox_select(widget: dict) -> str:
    """``widgets/checkbox_select.html`` (``multiple_input.html``)."""
    attrs = widget["attrs"]
    id_ = f' id="{_shown(attrs["id"])}"' if attrs.get("id") else ""
    class_ = f' class="{_shown(attrs["class"])}"' if attrs.get("class") else ""
    parts = [f"<div{id_}{class_}>"]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_shown(group)}</label>")
        parts.extend(
            "<div>\n    " + OPTIONS[option["template_name"]](option) + "</div>"
            for option in options
        )
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _label(context: dict) -> str:
    """``django/forms/label.html``: a field's ``<label>`` or ``<legend>``."""
    label = _shown(context["label"])
    if not context["use_tag"]:
        return label
    tag = _shown(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _field(context: dict) -> str:
    """``django/forms/field.html``: label or legend, help text, errors and widget."""
    field = context["field"]
    if field.use_fieldset:
        described = field.aria_describedby
        described = f' aria-describedby="{_shown(described)}"' if described else ""
        legend = field.legend_tag() if field.label else ""
        head = f"\n  <fieldset{described}>\n  {legend}\n"
    else:
        head = f"\n  {field.label_tag() if field.label else ''}\n"
    help_text = ""
    if field.help_text:
        help_id = f' id="{_shown(field.auto_id)}_helptext"' if field.auto_id else ""
        help_text = f'<div class="helptext"{help_id}>{field.help_text}</div>'
    tail = "</fieldset>" if field.use_fieldset else ""
    return f"{head}\n{help_text}\n{_shown(field.errors)}\n{_shown(field)}{tail}"


DRAWN = {
    FORMS + "field.html": _field,
    FORMS + "label.html": _label,
    WIDGETS + "text.html": lambda context: _input(context["widget"]),
    WIDGETS + "number.html": lambda context: _input(context["widget"]),
    WIDGETS + "checkbox.html": lambda context: _input(context["widget"]),
    WIDGETS + "hidden.html": lambda context: _input(context["widget"]),
    WIDGETS + "checkbox_option.html": lambda context: _checkbox_option(context["widget"]),
    WIDGETS + "select_option.html": lambda context: _select_option(context["widget"]),
    WIDGETS + "select.html": lambda context: _select(context["widget"]),
    WIDGETS + "checkbox_select.html": lambda context: _checkbox_select(context["widget"]),
}
NEEDS_KNOWN_OPTIONS = {WIDGETS + "select.html", WIDGETS + "checkbox_select.html"}
ERRORS = FORMS + "errors/list/default.html"


class SearchFormRenderer(DjangoTemplates):
    """Django's template renderer, but the templates in ``DRAWN`` are drawn in Python."""

    def render(self, template_name, context, request=None):
        draw = DRAWN.get(template_name)
        if template_name == ERRORS and not context["errors"]:
            return ""
        if draw is None or (
            template_name in NEEDS_KNOWN_OPTIONS and not _options_known(context["widget"])
        ):
            return super().render(template_name, context, request)
        return draw(context).strip()
