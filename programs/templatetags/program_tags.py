"""A result card's lines, from the fact registry (``programs.facts.card_lines``), and the
schedule table's times (``programs.wording.clock_text``).

They read only rows that ``load_related(programs, CARD)`` loaded, so a page of cards costs the
same number of queries however many cards it shows.
"""

from django import template

from programs import facts
from programs.wording import clock_text

register = template.Library()
register.filter("card_lines", facts.card_lines)
register.filter("clock", clock_text)
