"""The agency works on Italian local time: a referral received at 23:30 UTC on 31 December
belongs to 1 January in Milan, and the rules valid on that day apply."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AGENCY_TZ = ZoneInfo("Europe/Rome")


def local_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(AGENCY_TZ).date()


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months, clamped to the month's last day (31/12 + 2 = 28/2)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
