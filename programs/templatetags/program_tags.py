"""Short summaries for result cards, computed in one place from prefetched rows.

They read ``program.sessions.all()``, ``program.staff_roles.all()`` and
``facility.payment_types.all()``, which ``ProgramQuerySet.with_card_data()`` prefetches, so a
page of cards costs the same number of queries however many cards it shows. The CSV export may
import the plain functions (``schedule_summary``...) to word things the same way.
"""

import re
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

from django import template

from programs.models import Availability
from programs.models.choices import WEEKDAY_ABBR

register = template.Library()


def _clock(moment: time, with_meridiem: bool = True) -> str:
    hour = moment.hour % 12 or 12
    text = f"{hour}:{moment.minute:02d}" if moment.minute else str(hour)
    return f"{text} {'am' if moment.hour < 12 else 'pm'}" if with_meridiem else text


def time_range(start: time, end: time) -> str:
    """ "6-9 pm", "9:30 am-12:30 pm"."""
    if (start.hour < 12) == (end.hour < 12):
        return f"{_clock(start, with_meridiem=False)}-{_clock(end)}"
    return f"{_clock(start)}-{_clock(end)}"


def day_list(weekdays: list[int]) -> str:
    """ "Mon, Wed, Thu"; three or more days in a row read as a range: "Mon-Fri"."""
    days = sorted(set(weekdays))
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{WEEKDAY_ABBR[run[0]]}-{WEEKDAY_ABBR[run[-1]]}")
        else:
            parts.extend(WEEKDAY_ABBR[day] for day in run)
    return ", ".join(parts)


def hours_text(hours: Decimal | None) -> str:
    if hours is None:
        return ""
    return f"{hours.normalize():f} h/week"


def schedule_summary(program) -> str:
    """ "Mon, Wed, Thu 6-9 pm · 9 h/week"; empty when no schedule is reported."""
    slots: dict[tuple[time, time], list[int]] = {}
    for session in program.sessions.all():
        slots.setdefault((session.start, session.end), []).append(session.weekday)
    if not slots:
        return ""
    ordered = sorted(slots.items(), key=lambda item: (min(item[1]), item[0]))
    text = "; ".join(f"{day_list(days)} {time_range(*times)}" for times, days in ordered)
    hours = hours_text(program.hours_per_week)
    return f"{text} · {hours}" if hours else text


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
    names = [payment.name for payment in facility.payment_types.all()]
    return PaymentHighlights(names[:limit], max(0, len(names) - limit))


register.filter("schedule_summary", schedule_summary)
register.filter("staff_highlights", staff_highlights)
register.filter("payment_highlights", payment_highlights)
register.filter("short_credential", short_credential)
