"""Time as intake sees it: instants in UTC, calendar days in Milan."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TIMEZONE = ZoneInfo("Europe/Rome")


def now() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime) -> date:
    """The calendar day in Milan at the instant ``moment`` (aware, as every column gives it)."""
    if moment.tzinfo is None:
        raise ValueError("local_date needs an aware datetime: say which instant it is")
    return moment.astimezone(LOCAL_TIMEZONE).date()


def start_of_local_day(day: date) -> datetime:
    """The instant (in UTC) Milan's ``day`` begins: its midnight, whatever the offset that day."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_TIMEZONE).astimezone(UTC)


def parse_date(value) -> date | None:
    """An ISO date string (as stored in JSON) as a date; dates and None pass through."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
