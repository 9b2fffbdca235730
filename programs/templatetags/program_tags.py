"""Short summaries for result cards, computed in one place from rows loaded with the programs.

They read ``program.sessions.all()``, ``program.staff_roles.all()`` and
``facility.payment_types.all()``, which ``load_related(programs, CARD)`` loads, so a
page of cards costs the same number of queries however many cards it shows. Schedule wording
lives in ``programs.wording``.
"""

import re
from dataclasses import dataclass, field

from django import template

from programs.models import Availability
from programs.wording import clock_text, schedule_summary

register = template.Library()


def short_credential(name: str) -> str:
    """The abbreviation in brackets when a credential's name has one: "LCSW", "MD/DO"."""
    match = re.search(r"\(([^)]+)\)\s*$", name)
    return match.group(1) if match else name


@dataclass
class StaffHighlights:
    physician: str | None = None  # "on_site", "referral" or None when not reported
    prescriber: str | None = None
    group_leaders: list[str] = field(default_factory=list)

    @property
    def physician_label(self) -> str:
        return _availability_label(self.physician)

    @property
    def prescriber_label(self) -> str:
        return _availability_label(self.prescriber)


def _availability_label(value: str | None) -> str:
    return Availability(value).label if value else ""


def staff_highlights(program) -> StaffHighlights:
    """Physician and prescriber availability (on site beats referral) and group leaders."""
    found = StaffHighlights()
    for role in program.staff_roles.all():
        credential = role.credential
        if credential.is_physician and found.physician != Availability.ON_SITE:
            found.physician = role.availability
        if credential.is_prescriber and found.prescriber != Availability.ON_SITE:
            found.prescriber = role.availability
        if role.leads_groups:
            found.group_leaders.append(short_credential(credential.name))
    return found


@dataclass
class PaymentHighlights:
    shown: list[str]
    more: int


def payment_highlights(facility, limit: int = 4) -> PaymentHighlights:
    names = [payment.display_name for payment in facility.payment_types.all()]
    return PaymentHighlights(names[:limit], max(0, len(names) - limit))


register.filter("schedule_summary", schedule_summary)
register.filter("clock", clock_text)
register.filter("staff_highlights", staff_highlights)
register.filter("payment_highlights", payment_highlights)
register.filter("short_credential", short_credential)
