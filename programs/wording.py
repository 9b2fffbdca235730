"""How schedule facts are worded for people, in one place.

Result cards, the comparison and the CSV export all describe a schedule the same way:
"Mon, Wed, Thu 6-9 pm · 9 h/week". The functions take plain values or already-fetched
sessions, so they never cost a query.
"""

import re
from datetime import date, time
from decimal import Decimal

from django.utils import dateformat
from django.utils.translation import gettext, pgettext, pgettext_lazy

# The short day names pages show, in the page's language (programs.models.choices.WEEKDAY_ABBR
# holds the English identifiers that query strings use).
WEEKDAY_WORDS = [
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
]


def weekday_abbr(day: int) -> str:
    """ "Mon" for 0, "Sun" for 6 (in Spanish "Lun", "Dom")."""
    return str(WEEKDAY_WORDS[day])


def day_text(value: date) -> str:
    """ "Nov 28, 2026" (in Spanish "28 de noviembre de 2026")."""
    # Translators: a date format of Django's date filter: "Nov 28, 2026".
    return dateformat.format(value, gettext("M j, Y"))


def _clock(moment: time, with_meridiem: bool = True) -> str:
    hour = moment.hour % 12 or 12
    text = f"{hour}:{moment.minute:02d}" if moment.minute else str(hour)
    if not with_meridiem:
        return text
    meridiem = pgettext("time of day", "am") if moment.hour < 12 else pgettext("time of day", "pm")
    return f"{text} {meridiem}"


def clock_text(moment: time) -> str:
    """ "6:00 PM", "9:30 AM" (in Spanish "6:00 p. m."): one time on its own, as the schedule
    table shows a session's start and end."""
    hour = moment.hour % 12 or 12
    if moment.hour < 12:
        meridiem = pgettext("time of day, on its own", "AM")
    else:
        meridiem = pgettext("time of day, on its own", "PM")
    return f"{hour}:{moment.minute:02d} {meridiem}"


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
            parts.append(f"{weekday_abbr(run[0])}-{weekday_abbr(run[-1])}")
        else:
            parts.extend(weekday_abbr(day) for day in run)
    return ", ".join(parts)


def hours_text(hours: Decimal | None) -> str:
    if hours is None:
        return ""
    return gettext("%(hours)s h/week") % {"hours": f"{hours.normalize():f}"}


def sessions_text(sessions) -> str:
    """ "Mon, Wed 9 am-12 pm; Thu 6-8:30 pm"; empty when there are no sessions."""
    slots: dict[tuple[time, time], list[int]] = {}
    for session in sessions:
        slots.setdefault((session.start, session.end), []).append(session.weekday)
    ordered = sorted(slots.items(), key=lambda item: (min(item[1]), item[0]))
    return "; ".join(f"{day_list(days)} {time_range(*times)}" for times, days in ordered)


def schedule_summary(program) -> str:
    """ "Mon, Wed, Thu 6-9 pm · 9 h/week"; empty when no schedule is reported."""
    text = sessions_text(program.sessions.all())
    hours = hours_text(program.hours_per_week)
    return f"{text} · {hours}" if text and hours else text


def short_credential(name: str) -> str:
    """The abbreviation in brackets when a credential's name has one: "LCSW", "MD/DO"."""
    match = re.search(r"\(([^)]+)\)\s*$", name)
    return match.group(1) if match else name
