"""Conventions: what a partner may receive, and when.

A convention is the agreement between the agency and a partner. It lists the event types the
partner may receive and the data fields (dotted paths) it may see, for a period of validity.
A partner with no convention in force receives nothing, whatever its subscriptions say.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

AGENCY_TZ = ZoneInfo("Europe/Rome")

# Roles that may subscribe partners to events (abitare_chassis.actor role names).
SUBSCRIPTION_MANAGERS = ("coordinator", "system")


@dataclass(frozen=True)
class Convention:
    partner_code: str
    allowed_event_types: tuple[str, ...]
    allowed_fields: tuple[str, ...]
    valid_from: date
    valid_to: date | None      # inclusive; None = open-ended
    reference: str = ""

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def allows(self, event_type: str) -> bool:
        return event_type in self.allowed_event_types


def convention_in_force(conventions, day: date) -> Convention | None:
    """The partner's convention valid on ``day`` (the most recent if periods overlap)."""
    valid = [c for c in conventions if c.in_force_on(day)]
    return max(valid, key=lambda c: c.valid_from) if valid else None


def subscription_refusal(partner_active: bool, conventions, event_type: str,
                         day: date) -> str | None:
    """Why a partner may not be subscribed to ``event_type`` on ``day`` (Italian), or None."""
    if not partner_active:
        return "Il partner non è attivo."
    convention = convention_in_force(conventions, day)
    if convention is None:
        return f"Nessuna convenzione con il partner è in vigore al {day.strftime('%d/%m/%Y')}."
    if not convention.allows(event_type):
        return f"La convenzione in vigore non prevede l'invio di eventi di tipo {event_type}."
    return None


def may_manage_subscriptions(role: str) -> bool:
    return role in SUBSCRIPTION_MANAGERS


def agency_today(now: datetime | None = None) -> date:
    """Today in Milan: conventions are dated in local days."""
    return (now or datetime.now(timezone.utc)).astimezone(AGENCY_TZ).date()
