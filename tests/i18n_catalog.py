"""Which interface strings the Spanish catalog lacks.

The msgids are collected the way Django's own ``makemessages`` would find them, without
needing GNU gettext: every ``{% translate %}`` and ``{% blocktranslate %}`` in the project's
templates (parsed by Django's template engine), and every ``gettext``-family call with a literal
string in the project's Python code (parsed with ``ast``). They are looked up in the compiled
catalog the site serves (``locale/es/LC_MESSAGES/django.mo``), so a string added to a template
or a form without a translation makes the check fail.
"""

import ast
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template import Engine
from django.template.base import TextNode, VariableNode
from django.template.loader_tags import IncludeNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "programs" / "templates"]
PYTHON_DIRS = [ROOT / "programs", ROOT / "iopfinder"]
MO_FILE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.mo"
# Templates of the admin are for curators and stay English (README, "Two languages").
ENGLISH_ONLY_TEMPLATES = ("admin/",)
ENGLISH_ONLY_MODULES = ("admin", "management", "migrations", "importers", "hsds")

SINGULAR_CALLS = {"gettext", "gettext_lazy", "_", "gettext_noop"}
CONTEXT_CALLS = {"pgettext", "pgettext_lazy"}
PLURAL_CALLS = {"ngettext", "ngettext_lazy"}
CONTEXT_PLURAL_CALLS = {"npgettext", "npgettext_lazy"}


@dataclass(frozen=True)
class Msg:
    msgid: str
    where: str
    context: str | None = None
    plural: str | None = None

    @property
    def key(self):
        msgid = f"{self.context}\x04{self.msgid}" if self.context else self.msgid
        return (msgid, 0) if self.plural else msgid


def _literal(expression) -> str | None:
    """The string of a template filter expression that is a plain literal, else None."""
    var = getattr(expression, "var", None)
    if isinstance(var, str):  # a quoted constant such as a {% translate %}'s context
        return var
    literal = getattr(var, "literal", None)
    return literal if isinstance(literal, str) else None


def template_messages(source: str, where: str) -> list[Msg]:
    """The msgids of one template's source."""
    nodelist = Engine.get_default().from_string(source).nodelist
    found = []
    for node in nodelist.get_nodes_by_type(TranslateNode):
        msgid = _literal(node.filter_expression)
        if msgid is not None:
            context = _literal(node.message_context) if node.message_context else None
            found.append(Msg(msgid, where, context))
    for node in nodelist.get_nodes_by_type(BlockTranslateNode):
        singular, _vars = node.render_token_list(node.singular)
        plural = node.render_token_list(node.plural)[0] if node.plural else None
        context = _literal(node.message_context) if node.message_context else None
        found.append(Msg(singular, where, context, plural))
    return found


def public_templates() -> list[tuple[str, str]]:
    """(name, source) of every public template: all but the admin's."""
    found = []
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            if not name.startswith(ENGLISH_ONLY_TEMPLATES):
                found.append((name, path.read_text()))
    return found


def project_template_messages() -> list[Msg]:
    found = []
    for name, source in public_templates():
        found += template_messages(source, name)
    return found


# Words that are the same in every language: the site's name.
UNTRANSLATED_WORDS = {"IOP", "Finder"}
# Attributes a person reads or hears, besides the text between tags.
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
# Stands for whatever a tag, a variable or a translation puts in the text.
_HOLE = "\x00"
_TAG = re.compile(r"<(?:!--.*?--|[^>]*)>", re.S)
_ATTRIBUTE = re.compile(
    r"""\s(""" + "|".join(READ_ATTRIBUTES) + r""")\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I
)
_ANY_ATTRIBUTE = re.compile(r"""\s[\w-]+\s*=\s*(?:"[^"]*"|'[^']*')""")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|\w+);", re.I)
_WORD = re.compile(r"[^\W\d_]+")


def _flatten(nodes) -> str:
    """A template's markup with every tag's output replaced by a hole.

    The text of the TextNodes is kept in order, and so are the branches of ``{% if %}``,
    ``{% for %}``, ``{% block %}``... (their child nodelists). A translation, a variable or any
    other tag leaves a hole, so neither their output nor their arguments count as bare text.
    """
    parts = []
    for node in nodes:
        if isinstance(node, TextNode):
            parts.append(node.s)
        elif isinstance(node, (TranslateNode, BlockTranslateNode)):
            parts.append(_HOLE)
        else:
            children = [getattr(node, attr, None) for attr in getattr(node, "child_nodelists", ())]
            if hasattr(node, "conditions_nodelists"):  # {% if %} keeps its branches there
                children = [nodelist for _condition, nodelist in node.conditions_nodelists]
            for nodelist in children:
                if nodelist:
                    parts.append(_HOLE + _flatten(nodelist) + _HOLE)
            parts.append(_HOLE)
    return "".join(parts)


def _words(text: str) -> list[str]:
    text = _ENTITY.sub(" ", text)
    return [word for word in _WORD.findall(text) if word not in UNTRANSLATED_WORDS]


def _shown_literals(nodelist) -> list[str]:
    """Literal strings a tag shows as they are: a value given to an include
    (``with title="..."``) or a variable's default (``|default:"Yes"``)."""
    found = []
    for node in nodelist.get_nodes_by_type(IncludeNode):
        # A quoted constant is parsed into a plain str; a variable into a Variable.
        found += [value.var for value in node.extra_context.values() if isinstance(value.var, str)]
    for node in nodelist.get_nodes_by_type(VariableNode):
        for func, args in node.filter_expression.filters:
            if func.__name__ in ("default", "default_if_none"):
                found += [arg for is_var, arg in args if not is_var and isinstance(arg, str)]
    return found


def bare_text(source: str, where: str) -> list[str]:
    """The text of a template a visitor would read in English whatever the page's language:
    words between tags, or in the attributes that are read, outside translation tags, and
    literal strings a tag shows as they are."""
    nodelist = Engine.get_default().from_string(source).nodelist
    markup = _flatten(nodelist)
    found = [f"{where}: {literal!r}" for literal in _shown_literals(nodelist) if _words(literal)]
    for tag in _TAG.findall(markup):
        for name, double, single in _ATTRIBUTE.findall(tag):
            if words := _words(double or single):
                found.append(f"{where}: {name}={' '.join(words)!r}")
    for text in _TAG.split(markup):
        # A template may be a piece of a tag (` class="..."`): its attributes are
        # not text, though the ones that are read are still checked.
        for name, double, single in _ATTRIBUTE.findall(text):
            if words := _words(double or single):
                found.append(f"{where}: {name}={' '.join(words)!r}")
        text = _ANY_ATTRIBUTE.sub(" ", text)
        for piece in text.split(_HOLE):
            if words := _words(piece):
                found.append(f"{where}: {' '.join(words)!r}")
    return found


def project_bare_text() -> list[str]:
    found = []
    for name, source in public_templates():
        found += bare_text(source, name)
    return found


def _call_name(func) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _strings(args) -> list[str] | None:
    if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
        return [a.value for a in args]
    return None


def python_messages(source: str, where: str) -> list[Msg]:
    """The msgids of the gettext calls with literal strings in one module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node.func)
        if name in SINGULAR_CALLS and (args := _strings(node.args[:1])):
            found.append(Msg(args[0], f"{where}:{node.lineno}"))
        elif name in CONTEXT_CALLS and (args := _strings(node.args[:2])) and len(args) == 2:
            found.append(Msg(args[1], f"{where}:{node.lineno}", context=args[0]))
        elif name in PLURAL_CALLS and (args := _strings(node.args[:2])) and len(args) == 2:
            found.append(Msg(args[0], f"{where}:{node.lineno}", plural=args[1]))
        elif name in CONTEXT_PLURAL_CALLS and (args := _strings(node.args[:3])) and len(args) == 3:
            found.append(Msg(args[1], f"{where}:{node.lineno}", args[0], args[2]))
    return found


def project_python_messages() -> list[Msg]:
    found = []
    for folder in PYTHON_DIRS:
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if any(part in ENGLISH_ONLY_MODULES for part in parts):
                continue
            found += python_messages(path.read_text(), path.relative_to(ROOT).as_posix())
    return found


def spanish_catalog() -> dict:
    with MO_FILE.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def untranslated(messages: list[Msg], catalog: dict | None = None) -> list[Msg]:
    """The messages the catalog has no (non-empty) Spanish for."""
    catalog = spanish_catalog() if catalog is None else catalog
    return [m for m in messages if not catalog.get(m.key)]
