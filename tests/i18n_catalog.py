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
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template import Engine
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


def project_template_messages() -> list[Msg]:
    found = []
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            if name.startswith(ENGLISH_ONLY_TEMPLATES):
                continue
            found += template_messages(path.read_text(), name)
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
