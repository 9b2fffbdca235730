"""A result card's lines, from the fact registry (``programs.facts.card_lines``), the schedule
table's times (``programs.wording.clock_text``), and one yes / no / not-reported answer
(``{% fact value %}``).

They read only rows that ``load_related(programs, CARD)`` loaded, so a page of cards costs the
same number of queries however many cards it shows.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from programs import facts
from programs.models.choices import ANSWER_SYMBOLS, NOT_REPORTED_LABEL
from programs.wording import clock_text

register = template.Library()
register.filter("card_lines", facts.card_lines)
register.filter("clock", clock_text)


@register.simple_tag
def fact(value):
    """One yes / no / not-reported fact, told apart by text and symbol, never by colour alone:
    ``{% fact program.drug_testing %}``. Any other value is shown as it is.

    A tag rather than an included template: a results page shows about a hundred of them, and
    an include costs ten times as much to draw."""
    if value is None or value == "":
        tone, text = "unknown", NOT_REPORTED_LABEL
    elif value is True:
        tone, text = "yes", gettext("Yes")
    elif value is False:
        tone, text = "no", gettext("No")
    else:
        return mark_safe(f'<span class="fact">{conditional_escape(localize(value))}</span>')
    return mark_safe(
        f'<span class="fact fact--{tone}"><span aria-hidden="true">{ANSWER_SYMBOLS[tone]}</span> '
        f"{conditional_escape(text)}</span>"
    )
