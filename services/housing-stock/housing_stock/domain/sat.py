"""Temporary housing services (SAT, servizi abitativi transitori): who may enter, for how long,
and how many units may be reserved (domain_rules.md §4.5, secondary sources: every figure is "da
verificare").

**Eligibility.** The SAP requirements (:mod:`.sap_access`) *and* one emergency:

- an eviction for end of lease (finita locazione) or for morosità incolpevole, executive or
  executed within the last 6 months;
- the home made uninhabitable by a calamity;
- the forced sale of the owned home for unpaid mortgage or condominium charges due to
  morosità incolpevole.

A SAP check that fails makes the household not eligible; one still incomplete leaves SAT
eligibility to complete too. Worked example (unit tests): an eviction executed on 15/3/2025 is
within the window on 14/9/2025 (6 months: up to 15/9/2025) and outside it on 16/9/2025.

**Stay.** Milano's rule: a contract of at most 12 months, renewable once for at most 12 months,
with a patto di accompagnamento and the duty to apply to the next SAP notice (other comuni assign
up to 5 years: the apartment's own programme may carry its own parameters).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .dates import add_months
from .inputs import Problems
from .parameters import (
    PARAMETERS,
    SAT_EVICTION_WINDOW_MONTHS,
    SAT_MAX_RENEWALS,
    SAT_MAX_STAY_MONTHS,
    SAT_RENEWAL_MONTHS,
    DatedParameter,
    required_on,
)
from .sap_access import ELIGIBLE, INCOMPLETE, NOT_ELIGIBLE, SapAccessCheck

EVICTION_END_OF_LEASE = "sfratto_finita_locazione"
EVICTION_BLAMELESS_ARREARS = "sfratto_morosita_incolpevole"
CALAMITY = "alloggio_inagibile_calamita"
FORCED_SALE = "vendita_forzata_morosita_incolpevole"
EMERGENCIES = (EVICTION_END_OF_LEASE, EVICTION_BLAMELESS_ARREARS, CALAMITY, FORCED_SALE)
EVICTIONS = (EVICTION_END_OF_LEASE, EVICTION_BLAMELESS_ARREARS)

EMERGENCY_LABELS = {
    EVICTION_END_OF_LEASE: "sfratto per finita locazione",
    EVICTION_BLAMELESS_ARREARS: "sfratto per morosità incolpevole",
    CALAMITY: "alloggio reso inagibile da una calamità",
    FORCED_SALE: "vendita forzata dell'abitazione di proprietà per morosità incolpevole",
}


@dataclass(frozen=True)
class SatCheck:
    outcome: str  # ELIGIBLE, NOT_ELIGIBLE, INCOMPLETE (the sap_access words)
    reasons: tuple[str, ...]  # Italian
    to_verify: bool


def check_sat_eligibility(
    sap: SapAccessCheck,
    emergency: str | None,
    on: date,
    eviction_executive_on: date | None = None,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> SatCheck:
    """May the household of ``sap`` enter a SAT unit on ``on`` for ``emergency``?
    ``eviction_executive_on``: the day the eviction became executive or was executed."""
    problems = Problems()
    problems.one_of("emergency", emergency, EMERGENCIES)
    problems.date_order("eviction_executive_on", eviction_executive_on, on)
    problems.raise_any()
    window = required_on(SAT_EVICTION_WINDOW_MONTHS, on, parameters)
    reasons = []
    outcomes = []
    if sap.outcome == ELIGIBLE:
        reasons.append("I requisiti di accesso ai servizi abitativi pubblici sono soddisfatti.")
    elif sap.outcome == NOT_ELIGIBLE:
        reasons.append(
            "I requisiti di accesso ai servizi abitativi pubblici non sono soddisfatti "
            f"({', '.join(sap.not_met)}): sono richiesti anche per i servizi transitori."
        )
    else:
        reasons.append(
            "I requisiti di accesso ai servizi abitativi pubblici sono da completare "
            f"({', '.join(sap.missing)})."
        )
    outcomes.append(sap.outcome)

    months = int(window.value)
    if emergency is None:
        reasons.append("Non è indicata la situazione di emergenza abitativa.")
        outcomes.append(INCOMPLETE)
    elif emergency in EVICTIONS:
        label = EMERGENCY_LABELS[emergency]
        if eviction_executive_on is None:
            reasons.append(f"Per lo {label} serve la data in cui è divenuto esecutivo o eseguito.")
            outcomes.append(INCOMPLETE)
        else:
            last_day = add_months(eviction_executive_on, months)
            when = eviction_executive_on.strftime("%d/%m/%Y")
            if on <= last_day:
                reasons.append(
                    f"Emergenza: {label} esecutivo o eseguito il {when}, entro i {months} mesi "
                    f"(fino al {last_day.strftime('%d/%m/%Y')}). {window.cited()}"
                )
                outcomes.append(ELIGIBLE)
            else:
                reasons.append(
                    f"Lo {label} esecutivo o eseguito il {when} è oltre i {months} mesi "
                    f"(scaduti il {last_day.strftime('%d/%m/%Y')}). {window.cited()}"
                )
                outcomes.append(NOT_ELIGIBLE)
    else:
        reasons.append(f"Emergenza: {EMERGENCY_LABELS[emergency]}. {window.cited()}")
        outcomes.append(ELIGIBLE)
    outcome = (
        NOT_ELIGIBLE
        if NOT_ELIGIBLE in outcomes
        else INCOMPLETE
        if INCOMPLETE in outcomes
        else ELIGIBLE
    )
    return SatCheck(outcome, tuple(reasons), window.to_verify)


@dataclass(frozen=True)
class SatStay:
    starts_on: date
    ends_on: date  # inclusive, the last night
    renewals_used: int
    renewals_left: int
    explanation: str


def sat_stay(
    starts_on: date,
    renewals: int = 0,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> SatStay:
    """The stay's last day with ``renewals`` granted, by the parameters in force at its start.
    Worked example: from 1/2/2025, 12 months end on 31/1/2026; renewed once, on 31/1/2027."""
    problems = Problems()
    problems.at_least("renewals", renewals, 0)
    problems.raise_any()
    first = required_on(SAT_MAX_STAY_MONTHS, starts_on, parameters)
    renewal = required_on(SAT_RENEWAL_MONTHS, starts_on, parameters)
    allowed = required_on(SAT_MAX_RENEWALS, starts_on, parameters)
    if renewals > int(allowed.value):
        problems.add("renewals", {"code": "range", "max": int(allowed.value)})
        problems.raise_any()
    months = int(first.value) + renewals * int(renewal.value)
    ends_on = add_months(starts_on, months) - timedelta(days=1)
    explanation = (
        f"Permanenza di {int(first.value)} mesi"
        + (f" più {renewals} rinnovo di {int(renewal.value)} mesi" if renewals else "")
        + f": dal {starts_on.strftime('%d/%m/%Y')} al {ends_on.strftime('%d/%m/%Y')}. "
        + first.cited()
    )
    return SatStay(starts_on, ends_on, renewals, int(allowed.value) - renewals, explanation)
