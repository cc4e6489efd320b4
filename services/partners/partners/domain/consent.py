"""The household's consent to share its data with a partner, for one service.

Legal basis: GDPR art. 6(1)(a) and 7 (consent, demonstrable and withdrawable at any time, art.
7(3)); the agency's own tasks need no consent, sharing personal data with a private partner
does (Garante, provvedimento 2019 on social services: da verificare per ogni convenzione).

Rules kept here:
- a consent names one partner and one service, the member who gave it (name as given), the day
  it was given and the day it ends (inclusive); it is valid on a day from the day given to the
  day it ends, unless withdrawn on or before that day;
- a consent covers data *categories*; each category is a set of personal field paths of the
  events a partner may receive (``CATEGORIES``). What a partner receives of a referral is the
  convention's grant minus the personal fields the consent does not cover
  (``fields = grant ∩ (non-personal ∪ consented categories)``): a consent for "contatti" only
  sends the phone, never the members or the economics;
- without a valid consent a referral goes out only when the grant asks for no personal field
  (``consent_refusal``); otherwise it is refused and the code says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# category -> (words, the personal field paths it covers; "x.*" = every field under x)
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "anagrafica": (
        "Componenti del nucleo (nomi, codici fiscali, date di nascita)",
        ("household.members",),
    ),
    "contatti": ("Contatti (telefono)", ("contact.phone",)),
    "dati_economici": ("Dati economici (reddito, canone)", ("economics.*",)),
}
# The longest a consent may last (agency rule, da verificare: the convention's term).
MAX_VALIDITY_DAYS = 3 * 365

CONSENT_MISSING = "consent_missing"
CONSENT_WITHDRAWN = "consent_withdrawn"
CONSENT_EXPIRED = "consent_expired"
CONSENT_NOT_YET_VALID = "consent_not_yet_valid"


@dataclass(frozen=True)
class Consent:
    partner_code: str
    service: str
    categories: tuple[str, ...]
    given_on: date
    valid_until: date
    withdrawn_on: date | None = None

    def lapse(self, day: date) -> str | None:
        """Why the consent is not valid on ``day`` (a code above), or None when it is."""
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return CONSENT_WITHDRAWN
        if day < self.given_on:
            return CONSENT_NOT_YET_VALID
        if day > self.valid_until:
            return CONSENT_EXPIRED
        return None


def is_personal(path: str) -> bool:
    return any(_matches(path, pattern) for _, paths in CATEGORIES.values() for pattern in paths)


def covered(path: str, categories) -> bool:
    return any(
        _matches(path, pattern)
        for category in categories
        if category in CATEGORIES
        for pattern in CATEGORIES[category][1]
    )


def _matches(path: str, pattern: str) -> bool:
    if pattern.endswith(".*"):
        return path.startswith(pattern[:-1])
    return path == pattern


def valid_consent(consents, partner_code: str, service: str, day: date) -> Consent | None:
    """The consent for ``partner_code`` and ``service`` valid on ``day`` (the one given last)."""
    valid = [
        c
        for c in consents
        if c.partner_code == partner_code and c.service == service and c.lapse(day) is None
    ]
    return max(valid, key=lambda c: c.given_on) if valid else None


def consent_refusal(consents, partner_code: str, service: str, day: date) -> str | None:
    """Why there is no valid consent for ``partner_code``/``service`` on ``day``: the lapse of
    the consent given last, or ``consent_missing``; None when one is valid."""
    if valid_consent(consents, partner_code, service, day) is not None:
        return None
    own = [c for c in consents if c.partner_code == partner_code and c.service == service]
    if not own:
        return CONSENT_MISSING
    return max(own, key=lambda c: c.given_on).lapse(day)


def shareable_fields(grant_fields, consent: Consent | None) -> tuple[str, ...]:
    """The fields of the grant that may leave: every non-personal one, and the personal ones the
    consent's categories cover (none without a consent)."""
    categories = consent.categories if consent is not None else ()
    return tuple(f for f in grant_fields if not is_personal(f) or covered(f, categories))


def needs_consent(grant_fields) -> bool:
    return any(is_personal(f) for f in grant_fields)
