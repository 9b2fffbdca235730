"""Reading a rendered form in tests: what is shown next to one field."""


def errors_next_to(html: str, field: str) -> str:
    """The error block rendered with ``field`` (templates/curation/_field.html), or ""."""
    marker = f'id="id_{field}_errors"'
    if marker not in html:
        return ""
    start = html.index(marker)
    return html[start : html.index(f'name="{field}"', start)]
