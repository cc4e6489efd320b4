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
    # partners' own events (partner referrals, case status)
    "partner_referral_id": "Identificativo dell'invio",
    "household_ref": "Riferimento pseudonimo del nucleo",
    "service": "Servizio richiesto",
    "sent_at": "Data dell'invio",
    "respond_by": "Termine per la risposta",
    "contact.phone": "Telefono di contatto",
    "status": "Stato",
    "at": "Data",
    "withdrawn_at": "Data del ritiro",
    "reason": "Motivo",
    "household": "Dati del nucleo (numero di componenti, minori, over 65; non i componenti)",
    "economics": "Dati economici (reddito e canone)",
    "contact": "Recapiti",
}


def field_label(path: str) -> str:
    """The words for a delivered field; a path with no label yet reads as "Altro dato (path)"."""
    return FIELD_LABELS.get(path) or f"Altro dato ({path})"


# Why a subscription is refused: the codes of SubscriptionInvalid's field error on event_type.
PARTNER_INACTIVE = "partner_inactive"
NO_CONVENTION_IN_FORCE = "no_convention_in_force"
EVENT_TYPE_NOT_IN_CONVENTION = "event_type_not_in_convention"


# The kinds of agreement a convention can be (the "protocollo / convenzione / accordo").
KINDS = {
    "protocollo_intesa": "Protocollo d'intesa",
    "convenzione": "Convenzione",
    "accordo_art15": "Accordo tra amministrazioni (art. 15 L. 241/1990)",
}
ACTIVE = "attiva"
SUSPENDED = "sospesa"
STATUSES = {ACTIVE: "Attiva", SUSPENDED: "Sospesa"}
CHANNELS = {"amqp": "Coda AMQP dedicata", "webhook": "Webhook HTTPS firmato"}

# Why a convention is not in force on a day (``Convention.lapse``).
NOT_YET_VALID = "convention_not_yet_valid"
EXPIRED = "convention_expired"
CONVENTION_SUSPENDED = "convention_suspended"


@dataclass(frozen=True)
class Grant:
    """What a convention lets a partner receive of one event type, and why."""

    fields: tuple[str, ...]
    purpose: str = ""


@dataclass(frozen=True)
class Convention:
    """One version of a convention. ``code`` names the convention across its versions; each edit
    is a new version (``version`` + 1) and the highest version is the one that applies."""

    partner_code: str
    grants: dict[str, Grant]  # event type -> the fields it may carry, and the purpose
    valid_from: date
    valid_to: date | None  # inclusive; None = open-ended
    reference: str = ""
    code: str = ""
    version: int = 1
    kind: str = "convenzione"
    title: str = ""
    services: tuple[str, ...] = ()  # domain.offers codes
    comuni: tuple[str, ...] = ()  # ISTAT codes covered; empty = every comune of the agency
    status: str = ACTIVE
    status_reason: str | None = None
    response_days: int = 15  # days the partner has to answer a referral
    channels: tuple[str, ...] = ("amqp",)

    @property
    def allowed_event_types(self) -> tuple[str, ...]:
        return tuple(sorted(self.grants))

    def fields_for(self, event_type: str) -> tuple[str, ...]:
        grant = self.grants.get(event_type)
        return grant.fields if grant else ()

    def lapse(self, day: date) -> str | None:
        """Why this version is not in force on ``day`` (a code above), or None when it is."""
        if self.status == SUSPENDED:
            return CONVENTION_SUSPENDED
        if day < self.valid_from:
            return NOT_YET_VALID
        if self.valid_to is not None and day > self.valid_to:
            return EXPIRED
        return None

    def lapse_detail(self, day: date) -> dict | None:
        """``lapse`` with what the words need: since when it expired, from when it will be valid,
        why it was suspended."""
        code = self.lapse(day)
        if code is None:
            return None
        detail: dict = {"code": code, "convention_code": self.code, "version": self.version}
        if code == CONVENTION_SUSPENDED:
            detail["reason"] = self.status_reason
        elif code == NOT_YET_VALID:
            detail["valid_from"] = self.valid_from
        else:
            detail["valid_to"] = self.valid_to
        return detail

    def in_force_on(self, day: date) -> bool:
        return self.lapse(day) is None

    def allows(self, event_type: str) -> bool:
        return event_type in self.grants

    def covers(self, comune_istat: str) -> bool:
        return not self.comuni or comune_istat in self.comuni

    def offers(self, service: str) -> bool:
        return service in self.services


def convention_in_force(conventions, day: date) -> Convention | None:
    """The partner's convention valid on ``day`` (the most recent if periods overlap). Only the
    latest version of each convention counts: an edit replaces what came before."""
    valid = [c for c in latest_versions(conventions) if c.in_force_on(day)]
    return max(valid, key=lambda c: c.valid_from) if valid else None


def why_not_in_force(conventions, day: date) -> dict | None:
    """Why the partner gets nothing on ``day`` (``{"code", ...}``: the lapse of its most recent
    convention, or ``no_convention_in_force`` when it has none), or None when one is in force."""
    latest = latest_versions(conventions)
    if not latest:
        return {"code": NO_CONVENTION_IN_FORCE}
    if convention_in_force(latest, day) is not None:
        return None
    return max(latest, key=lambda c: c.valid_from).lapse_detail(day)


def latest_versions(conventions) -> list[Convention]:
    """The last version of each convention (by ``code``; rows without a code stand alone)."""
    latest: dict[object, Convention] = {}
    for index, c in enumerate(conventions):
        key = c.code or index
        if key not in latest or c.version > latest[key].version:
            latest[key] = c
    return list(latest.values())


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
