"""The cache key of the search form's filters panel (templates/programs/_filters.html).

The panel shows only the form, filled in from the query string, and the lookup lists its choices
come from; no listing. So it is cached per combination of the parameters it shows and per
listings stamp (``programs.models.changes``: a curator's new lookup value shows at once), for
five minutes at most. Place, words and page are outside the panel and left out of the key, so
searches from different ZIP codes share it.
"""

from django import template

register = template.Library()

# Parameters shown outside the panel (the search bar, pagination).
OUTSIDE_THE_PANEL = {"near", "radius", "q", "page"}


@register.filter
def filters_panel_key(params) -> str:
    """A stable key for the panel's parameters: sorted names and values, e.g. 'evening=1&...'."""
    pairs = sorted(
        (name, value)
        for name in params
        if name not in OUTSIDE_THE_PANEL
        for value in params.getlist(name)
    )
    return "&".join(f"{name}={value}" for name, value in pairs)
