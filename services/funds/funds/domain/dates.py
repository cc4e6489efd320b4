"""The agency works on Italian local time: a referral received at 23:30 UTC on 31 December
belongs to 1 January in Milan, and the rules valid on that day apply."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AGENCY_TZ = ZoneInfo("Europe/Rome")


def local_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(AGENCY_TZ).date()
