"""Availability with a date: whether a program takes new clients, and how long the wait is.

An availability fact is only worth showing with the day it was confirmed, and only trusted for
``FRESH_DAYS``: after that a page still shows it, but says when it was last confirmed and asks
the family to check. A leaf module: it imports nothing of the app but the wording helpers, so
models, templates, the comparison and the search filter all read the same rule from here.
"""

from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext, ngettext

from programs.wording import day_text

# Openings come and go within weeks; a confirmation older than this is only a hint.
FRESH_DAYS = 30


def fresh_since(today: date) -> date:
    """The oldest confirmation date that still counts as current on ``today``."""
    return today - timedelta(days=FRESH_DAYS)


def is_fresh(confirmed_on: date | None, today: date) -> bool:
    return confirmed_on is not None and confirmed_on >= fresh_since(today)


def accepting_recently(today: date) -> Q:
    """Programs that said they accept new clients, confirmed within ``FRESH_DAYS``."""
    return Q(accepting_new_clients=True, accepting_confirmed_on__gte=fresh_since(today))


def _dated(statement: str, confirmed_on: date, today: date) -> str:
    words = {"statement": statement, "day": day_text(confirmed_on)}
    if is_fresh(confirmed_on, today):
        return gettext("%(statement)s (confirmed %(day)s)") % words
    return gettext("%(statement)s (last confirmed %(day)s - ask)") % words


def accepting_wording(accepting: bool | None, confirmed_on: date | None, today: date) -> str:
    """ "Accepting new clients (confirmed Nov 28, 2026)", or "" when not reported.

    A value without its date is never worded (the database does not allow one anyway).
    """
    if accepting is None or confirmed_on is None:
        return ""
    statement = (
        gettext("Accepting new clients") if accepting else gettext("Not accepting new clients")
    )
    return _dated(statement, confirmed_on, today)


def wait_wording(days: int | None, confirmed_on: date | None, today: date) -> str:
    """ "About 7 days (confirmed Nov 28, 2026)", or "" when not reported."""
    if days is None or confirmed_on is None:
        return ""
    if days == 0:
        statement = gettext("No wait: a first appointment within a day")
    else:
        statement = ngettext("About %(days)d day", "About %(days)d days", days) % {"days": days}
    return _dated(statement, confirmed_on, today)
