"""The same page in the other language: the "Español / English" link and the hreflang links.

The language is in the address (``/es/...`` is Spanish, the plain address English), so the
other language's page is this address with the prefix added or taken away, query string kept.
"""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def page_in(request, language: str) -> str:
    """This page's address (path and query string) in ``language``."""
    full_path = request.get_full_path()
    translated = translate_url(full_path, language)
    if translated != full_path or language == translation.get_language():
        return translated
    # An address no URL pattern matches (a 404 page): move the prefix by hand.
    path = request.path
    prefix = f"/{translation.get_language()}/"
    if path.startswith(prefix):
        path = "/" + path[len(prefix) :]
    if language != settings.LANGUAGE_CODE:
        path = f"/{language}{path}"
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


@register.inclusion_tag("_language_links.html", takes_context=True)
def language_switch(context):
    """The link to this page in the other language, written in that language."""
    request = context.get("request")
    current = translation.get_language()
    others = [
        {"code": code, "name": name, "url": page_in(request, code) if request else "/"}
        for code, name in settings.LANGUAGES
        if code != current
    ]
    return {"others": others}


@register.inclusion_tag("_hreflang.html", takes_context=True)
def hreflang_links(context):
    """<link rel="alternate" hreflang> for every language this page exists in."""
    request = context.get("request")
    if request is None:
        return {"alternates": []}
    return {
        "alternates": [
            {"code": code, "url": request.build_absolute_uri(page_in(request, code))}
            for code, _name in settings.LANGUAGES
        ]
    }


# Listing text (a name, an address, a description) stays as a curator or source typed it, in
# English: on a page in another language it is marked lang="en" so that screen readers and
# translation tools read it right. Tags rather than included templates: a results page marks
# about forty of them.


def _in_english() -> bool:
    return translation.get_language() == "en"


@register.simple_tag
def lang_en() -> str:
    """`` lang="en"`` on a page not in English, nothing on an English one:
    ``<h1{% lang_en %}>{{ program.name }}</h1>``."""
    return "" if _in_english() else mark_safe(' lang="en"')


@register.simple_tag
def en(text) -> str:
    """Listing text as written, in a ``<span lang="en">`` on a page not in English:
    ``{% en facility.name %}``."""
    if _in_english():
        return conditional_escape(text)
    return format_html('<span lang="en">{}</span>', text)
