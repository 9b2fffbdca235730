"""Moments for tests that depend on the clock.

The site's time zone is New York (``TIME_ZONE``); from 7 pm there the UTC date is already
tomorrow, which is where a UTC ``.date()`` and a local "today" part ways.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
# 04:30 UTC on December 3.
LATE_EVENING_NEW_YORK = datetime(2026, 12, 2, 23, 30, tzinfo=NEW_YORK)
