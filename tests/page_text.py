"""Reading a rendered page in tests as a family reads it: its words, without markup."""

import html
import re


def text_of(response) -> str:
    """The page's words without markup, entities decoded, on one line."""
    markup = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))
