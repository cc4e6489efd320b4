"""Matching a household to the units available for it — the agency's temporary apartments and
the private vacancies it has found (seeds 002 and 004) — ranked, with the reasons in words.

A unit is **excluded** when it is not available, does not fit the household (:mod:`.occupancy`),
is not step-free when the household needs it, lies outside the comuni the household can move to,
or its rent is not sustainable: more than 30% of the household's net monthly income (the
threshold the agency cites, seed 003, the same rule the funds service applies; the ratio rent /
income rounded half-up to 4 places before the comparison).

The **ranking** of the others, best first:

1. units whose rent could be assessed before those where the income is unknown;
2. units in the household's own comune (school, work, network) before the others;
3. the lower rent-to-income ratio;
4. the fewer bedrooms beyond the need (larger units are kept for larger households);
5. the unit's id, so the order is stable.

Worked example (unit tests): a household of 3 in Pioltello with € 1.500,00 a month, needing no
step-free access. A Pioltello flat at € 420,00 (28,00%) ranks before a Segrate one at € 380,00
(25,33%) — same comune first — and a Pioltello one at € 480,00 (32,00%) is excluded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .inputs import Problems
from .money import format_euro, format_percent, ratio
from .occupancy import check_occupancy
from .parameters import (
    PARAMETERS,
    RENT_TO_INCOME_THRESHOLD,
    SEVERE_RENT_BURDEN,
    DatedParameter,
    required_on,
)

TEMPORARY = "temporaneo"  # the agency's temporary apartments (hub, housing sociale)
PRIVATE_VACANCY = "sfitto_privato"  # private vacancies let through the agency
SAP = "sap"
UNIT_KINDS = (TEMPORARY, PRIVATE_VACANCY, SAP)
KIND_LABELS = {
    TEMPORARY: "appartamento temporaneo",
    PRIVATE_VACANCY: "alloggio privato sfitto",
    SAP: "alloggio SAP",
}


@dataclass(frozen=True)
class Household:
    size: int
    monthly_net_income_cents: int | None
    comune_istat: str  # where it lives now
    needs_step_free: bool = False  # a member who cannot use stairs
    acceptable_comuni: tuple[str, ...] = ()  # ISTAT codes; empty: any comune


@dataclass(frozen=True)
class Unit:
    unit_id: str
    kind: str
    comune_istat: str
    comune_name: str
    bedrooms: int
    area_m2: int
    monthly_rent_cents: int  # the co-payment for a temporary apartment (0 when free)
    monthly_charges_cents: int = 0
    step_free: bool = False  # reachable and usable without stairs (lift or ground floor)
    available: bool = True


@dataclass(frozen=True)
class Match:
    unit: Unit
    suitable: bool
    rank: int | None  # 1 = best; None when excluded
    rent_to_income: Decimal | None
    reasons: tuple[str, ...]  # Italian, why it fits or not
    to_verify: bool
    sort_key: tuple = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class MatchResult:
    ranked: tuple[Match, ...]
    excluded: tuple[Match, ...]


def _validate(household: Household, units: list[Unit]) -> None:
    problems = Problems()
    problems.at_least("household.size", household.size, 1)
    problems.at_least("household.monthly_net_income_cents", household.monthly_net_income_cents, 0)
    for i, unit in enumerate(units):
        problems.one_of(f"units.{i}.kind", unit.kind, UNIT_KINDS)
        problems.at_least(f"units.{i}.bedrooms", unit.bedrooms, 0)
        problems.at_least(f"units.{i}.area_m2", unit.area_m2, 1)
        problems.at_least(f"units.{i}.monthly_rent_cents", unit.monthly_rent_cents, 0)
        problems.at_least(f"units.{i}.monthly_charges_cents", unit.monthly_charges_cents, 0)
    problems.raise_any()


def match_units(
    household: Household,
    units: list[Unit],
    on: date,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> MatchResult:
    _validate(household, units)
    threshold = required_on(RENT_TO_INCOME_THRESHOLD, on, parameters)
    severe = required_on(SEVERE_RENT_BURDEN, on, parameters)
    assessed = [_assess(household, unit, on, threshold, severe, parameters) for unit in units]
    suitable = sorted((m for m in assessed if m.suitable), key=lambda m: m.sort_key)
    ranked = tuple(
        Match(m.unit, True, n, m.rent_to_income, m.reasons, m.to_verify, m.sort_key)
        for n, m in enumerate(suitable, start=1)
    )
    excluded = tuple(sorted((m for m in assessed if not m.suitable), key=lambda m: m.unit.unit_id))
    return MatchResult(ranked, excluded)


def _assess(household, unit, on, threshold, severe, parameters) -> Match:
    reasons = [f"{KIND_LABELS[unit.kind].capitalize()} a {unit.comune_name}."]
    ok = True
    if not unit.available:
        ok = False
        reasons.append("Non è disponibile.")
    fit = check_occupancy(household.size, unit.bedrooms, unit.area_m2, on, parameters)
    reasons.extend(fit.reasons)
    ok = ok and fit.fits
    if household.needs_step_free:
        if unit.step_free:
            reasons.append("Accessibile senza scale, come serve al nucleo.")
        else:
            ok = False
            reasons.append(
                "Non è accessibile senza scale: al nucleo serve un alloggio senza barriere."
            )
    same_comune = unit.comune_istat == household.comune_istat
    if same_comune:
        reasons.append("Nello stesso comune in cui il nucleo vive.")
    elif household.acceptable_comuni and unit.comune_istat not in household.acceptable_comuni:
        ok = False
        reasons.append("Fuori dai comuni in cui il nucleo può trasferirsi.")
    else:
        reasons.append("In un altro comune, tra quelli possibili per il nucleo.")

    burden: Decimal | None = None
    income = household.monthly_net_income_cents
    rent = unit.monthly_rent_cents
    charges = (
        f" (più {format_euro(unit.monthly_charges_cents)} di spese)"
        if unit.monthly_charges_cents
        else ""
    )
    if income is None:
        reasons.append(
            f"Canone {format_euro(rent)}{charges}: reddito del nucleo non indicato, sostenibilità "
            "da valutare."
        )
    elif income == 0:
        burden = Decimal(0) if rent == 0 else None
        if rent == 0:
            reasons.append("Nessun canone richiesto.")
        else:
            ok = False
            reasons.append(
                f"Canone {format_euro(rent)}{charges} con reddito pari a zero: non sostenibile. "
                f"{threshold.cited()}"
            )
    else:
        burden = ratio(rent, income)
        facts = (
            f"Canone {format_euro(rent)}{charges}, pari al {format_percent(burden)} del reddito "
            f"netto mensile ({format_euro(income)})"
        )
        if burden <= threshold.value:
            reasons.append(
                f"{facts}: non supera il {format_percent(threshold.value)}. {threshold.cited()}"
            )
        else:
            ok = False
            grave = (
                f" e oltre il {format_percent(severe.value)}, carico grave"
                if burden > severe.value
                else ""
            )
            reasons.append(
                f"{facts}: supera il {format_percent(threshold.value)}{grave}. Non sostenibile. "
                f"{threshold.cited()}"
            )
    sort_key = (
        income is None,
        not same_comune,
        burden if burden is not None else Decimal(0),
        max(fit.extra_bedrooms, 0),
        unit.unit_id,
    )
    to_verify = fit.to_verify or threshold.to_verify
    return Match(unit, ok, None, burden, tuple(reasons), to_verify, sort_key)
