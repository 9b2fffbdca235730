"""US phone numbers in one stored shape: "434-979-8871", or "434-979-8871 ext. 12".

The admin (``Facility.clean``) and the locator importer both store numbers through
``normalize_phone``; anything that is not a ten-digit US number (with an optional leading 1
and an optional extension), such as "call us", is refused.
"""

import re

PHONE_MESSAGE = (
    "Enter a US phone number with its area code, e.g. 434-979-8871 (an extension may follow: "
    "434-979-8871 ext. 12)."
)
_EXTENSION = re.compile(r"\s*(?:,|;|#|x|ext\.?|extension)\s*(\d{1,6})\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^\+?[\d\s().\-]+$")


def normalize_phone(text: str) -> str:
    """The number in the stored shape; "" for an empty one; ValueError when unreadable."""
    text = (text or "").strip()
    if not text:
        return ""
    extension = ""
    match = _EXTENSION.search(text)
    if match:
        extension, text = match.group(1), text[: match.start()]
    if not _NUMBER.match(text):
        raise ValueError(PHONE_MESSAGE)
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    # North American numbers: area code and exchange never start with 0 or 1.
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        raise ValueError(PHONE_MESSAGE)
    number = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"{number} ext. {extension}" if extension else number
