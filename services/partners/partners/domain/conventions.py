"""Conventions: what a partner may receive, and when.

A convention is the agreement between the agency and a partner. It lists the event types the
partner may receive and the data fields (dotted paths) it may see, for a period of validity.
A partner with no convention in force receives nothing, whatever its subscriptions say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AGENCY_TZ = ZoneInfo("Europe/Rome")

# What each field a convention may list is, in words (the delivered data's dotted paths, as the
# event intake.referral_received.v1 names them): the case page lists what was shared this way.
FIELD_LABELS = {
    "referral_id": "Identificativo della scheda",
    "comune_istat": "Codice ISTAT del comune",
    "comune_name": "Comune",
    "received_at": "Data di ricezione della scheda",
    "referring_body": "Ente segnalante",
    "referring_body_name": "Nome dell'ente segnalante",
    "problem_reported": "Problematica segnalata",
    "housing_situation": "Situazione abitativa",
    "eviction_date": "Data dello sfratto",
    "household.size": "Numero di componenti del nucleo",
    "household.minors": "Numero di minori",
    "household.over_65": "Numero di persone over 65",
    "household.members": "Componenti del nucleo (nomi, codici fiscali, date di nascita)",
    "economics.monthly_net_income_cents": "Reddito netto mensile",
    "economics.monthly_rent_cents": "Canone mensile",
}


def field_label(path: str) -> str:
    """The words for a delivered field; a path with no label yet reads as "Altro dato (path)"."""
    return FIELD_LABELS.get(path) or f"Altro dato ({path})"


# Why a subscription is refused: the codes of SubscriptionInvalid's field error on event_type.
PARTNER_INACTIVE = "partner_inactive"
NO_CONVENTION_IN_FORCE = "no_convention_in_force"
EVENT_TYPE_NOT_IN_CONVENTION = "event_type_not_in_convention"


@dataclass(frozen=True)
class Convention:
    partner_code: str
    allowed_event_types: tuple[str, ...]
    allowed_fields: tuple[str, ...]
    valid_from: date
    valid_to: date | None  # inclusive; None = open-ended
    reference: str = ""

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def allows(self, event_type: str) -> bool:
        return event_type in self.allowed_event_types


def convention_in_force(conventions, day: date) -> Convention | None:
    """The partner's convention valid on ``day`` (the most recent if periods overlap)."""
    valid = [c for c in conventions if c.in_force_on(day)]
    return max(valid, key=lambda c: c.valid_from) if valid else None


def subscription_refusal(
    partner_active: bool, conventions, event_type: str, day: date
) -> dict | None:
    """Why a partner may not be subscribed to ``event_type`` on ``day`` (``{"code", ...details}``),
    or None when it may."""
    if not partner_active:
        return {"code": PARTNER_INACTIVE}
    convention = convention_in_force(conventions, day)
    if convention is None:
        return {"code": NO_CONVENTION_IN_FORCE, "on": day.isoformat()}
    if not convention.allows(event_type):
        return {
            "code": EVENT_TYPE_NOT_IN_CONVENTION,
            "event_type": event_type,
            "allowed": list(convention.allowed_event_types),
        }
    return None


def agency_today(now: datetime | None = None) -> date:
    """Today in Milan: conventions are dated in local days."""
    return (now or datetime.now(UTC)).astimezone(AGENCY_TZ).date()
