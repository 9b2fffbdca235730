"""How schedule facts are worded for people, in one place.

Result cards, the comparison and the CSV export all describe a schedule the same way:
"Mon, Wed, Thu 6-9 pm · 9 h/week". The functions take plain values or already-fetched
sessions, so they never cost a query.
"""

from datetime import time
from decimal import Decimal

from programs.models.choices import WEEKDAY_ABBR


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
