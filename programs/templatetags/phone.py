"""``tel:`` links for the phone numbers facilities give in many shapes."""

import re

from django import template

register = template.Library()

_EXTENSION_RE = re.compile(r"(?i)\s*(?:x|ext\.?|extension)\s*(\d+)\s*$")


@register.filter
def tel_href(number: str) -> str:
    """``tel:`` URL for a US number such as "(434) 555-0100 ext. 2"; "" when it has no digits."""
    number = number or ""
    extension = ""
    match = _EXTENSION_RE.search(number)
    if match:
        extension, number = match.group(1), number[: match.start()]
    digits = re.sub(r"\D", "", number)
    if not digits:
        return ""
    if len(digits) == 10:
        digits = "+1" + digits
    elif len(digits) == 11 and digits.startswith("1"):
        digits = "+" + digits
    return f"tel:{digits};ext={extension}" if extension else f"tel:{digits}"
