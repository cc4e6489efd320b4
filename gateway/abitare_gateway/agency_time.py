"""The agency's calendar: Milan's time zone, whatever the server's is. Pages show dates and times
in it, and "today" (a default date, an overdue action) is Milan's today."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

AGENCY_TZ = ZoneInfo("Europe/Rome")


def today() -> date:
    return datetime.now(AGENCY_TZ).date()
