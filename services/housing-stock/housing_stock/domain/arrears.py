"""Arrears (morosità) on SAP tenancies: the balance and its age, the early warning, whether the
arrears are blameless (incolpevole) or not, and the regional solidarity contribution
(domain_rules.md §3.1 and §4.6; secondary sources: every figure "da verificare").

**Balance.** Payments settle the oldest charges first. The balance is what is due up to the day
less what was paid; its age runs from the due date of the oldest charge still unpaid. The early
warning (C.A.S.A., seed 003: prevent and reduce arrears) fires when the balance reaches a number
of monthly rents (an agency parameter). Worked example (unit tests): rent € 180,00, charges of
1/1, 1/2, 1/3 and a payment of € 200,00: balance € 340,00 (1,89 rents), oldest unpaid 1/2.

**Incolpevole or colpevole.** Blameless arrears come from a loss or a consistent reduction of
the household's income (DM 30/3/2016 art. 2: dismissal, reduced hours, cassa integrazione, a
fixed-term contract not renewed, a business closed, illness, injury or death of a member) that
happened *after* the tenancy began, such that the rent now weighs more than 30% of the income
(how municipal notices make "consistente riduzione" operational). The list of causes is "a
titolo esemplificativo": another cause is left to the operator's assessment (``da_valutare``).
No cause, a cause before the tenancy, or a rent still within 30%: colpevole.

**Solidarity contribution** (L.R. 16/2016 art. 25 c. 3; R.R. 10/10/2019 n. 11): a temporary
support to SAP assignees in transitory economic hardship, covering the service charges (servizi
a rimborso) and the part of the rent above the canone minimo, for at most 12 months. The yearly
cap is set by each year's regional deliberation (not read): none is applied unless a parameter
is recorded. Worked example: canone applicato € 180,00, canone minimo € 40,00, servizi € 65,00 →
€ 205,00 a month, € 2.460,00 over 12 months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .inputs import Problems
from .money import format_euro, format_percent, ratio
from .parameters import (
    ARREARS_INCOLPEVOLE_MIN_BURDEN,
    ARREARS_WARNING_MONTHS,
    PARAMETERS,
    SOLIDARITY_MAX_MONTHS,
    SOLIDARITY_MAX_YEARLY_CENTS,
    DatedParameter,
    parameter_on,
    required_on,
)

INCOLPEVOLE = "incolpevole"
COLPEVOLE = "colpevole"
TO_ASSESS = "da_valutare"

ELIGIBLE = "ammissibile"
NOT_ELIGIBLE = "non_ammissibile"
INCOMPLETE = "da_completare"

# causes of DM 30/3/2016 art. 2 c. 2 (not exhaustive)
DISMISSAL = "licenziamento"
REDUCED_HOURS = "riduzione_orario"
WAGE_GUARANTEE = "cassa_integrazione"
CONTRACT_NOT_RENEWED = "mancato_rinnovo_contratto"
BUSINESS_CLOSED = "cessazione_attivita"
ILLNESS_OR_DEATH = "malattia_infortunio_decesso"
OTHER_CAUSE = "altra_causa"
NO_CAUSE = "nessuna_causa"
CAUSE_LABELS = {
    DISMISSAL: "licenziamento",
    REDUCED_HOURS: "consistente riduzione dell'orario di lavoro",
    WAGE_GUARANTEE: "cassa integrazione",
    CONTRACT_NOT_RENEWED: "mancato rinnovo di un contratto a termine o atipico",
    BUSINESS_CLOSED: "cessazione di un'attività professionale o d'impresa",
    ILLNESS_OR_DEATH: "malattia grave, infortunio o decesso di un componente",
    OTHER_CAUSE: "altra causa",
    NO_CAUSE: "nessuna causa di riduzione del reddito",
}
DM_2016 = "DM 30 marzo 2016, art. 2"


# -- balance ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArrearsBalance:
    balance_cents: int
    oldest_unpaid_due_on: date | None
    age_days: int  # 0 when nothing is owed
    months_of_rent: Decimal  # balance / monthly rent, 2 places
    warning: bool  # the balance reached the early-warning threshold
    explanation: str
    to_verify: bool


def arrears_balance(
    charges: list[tuple[date, int]],
    payments: list[tuple[date, int]],
    monthly_rent_cents: int,
    on: date,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> ArrearsBalance:
    """``charges``: (due date, cents) of rent and charges; ``payments``: (day paid, cents)."""
    problems = Problems()
    problems.at_least("monthly_rent_cents", monthly_rent_cents, 1)
    for i, (_, cents) in enumerate(charges):
        problems.at_least(f"charges.{i}", cents, 0)
    for i, (_, cents) in enumerate(payments):
        problems.at_least(f"payments.{i}", cents, 0)
    problems.raise_any()
    threshold = required_on(ARREARS_WARNING_MONTHS, on, parameters)
    paid = sum(cents for day, cents in payments if day <= on)
    oldest = None
    balance = 0
    for due_on, cents in sorted(c for c in charges if c[0] <= on):
        covered = min(paid, cents)
        paid -= covered
        if cents - covered > 0:
            balance += cents - covered
            oldest = oldest or due_on
    balance -= paid  # a credit left after every charge
    months = (Decimal(balance) / Decimal(monthly_rent_cents)).quantize(Decimal("0.01"))
    warning = balance > 0 and months >= threshold.value
    age = (on - oldest).days if oldest is not None and balance > 0 else 0
    if balance <= 0 or oldest is None:  # a positive balance always has an oldest charge
        text = f"Nessuna morosità al {on.strftime('%d/%m/%Y')}."
        if balance < 0:
            text += f" Credito del nucleo: {format_euro(-balance)}."
    else:
        text = (
            f"Morosità di {format_euro(balance)} ({str(months).replace('.', ',')} mensilità di "
            f"canone), dalla scadenza del {oldest.strftime('%d/%m/%Y')} ({age} giorni)."
        )
        limit = str(threshold.value).replace(".", ",")
        text += (
            f" Raggiunge la soglia di allerta di {limit} mensilità: da segnalare al comune e "
            f"all'agenzia. {threshold.cited()}"
            if warning
            else f" Sotto la soglia di allerta di {limit} mensilità. {threshold.cited()}"
        )
    return ArrearsBalance(
        balance, oldest if balance > 0 else None, age, months, warning, text, threshold.to_verify
    )


# -- incolpevole or colpevole -----------------------------------------------------------------
@dataclass(frozen=True)
class ArrearsClassification:
    outcome: str  # INCOLPEVOLE, COLPEVOLE, TO_ASSESS
    rent_to_income: Decimal | None
    reasons: tuple[str, ...]
    to_verify: bool


def classify_arrears(
    *,
    cause: str | None,
    cause_on: date | None,
    tenancy_started_on: date,
    monthly_rent_cents: int,
    monthly_income_cents: int | None,  # net, now (after the loss)
    on: date,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> ArrearsClassification:
    problems = Problems()
    problems.one_of("cause", cause, CAUSE_LABELS)
    problems.at_least("monthly_rent_cents", monthly_rent_cents, 0)
    problems.at_least("monthly_income_cents", monthly_income_cents, 0)
    problems.date_order("cause_on", cause_on, on)
    problems.date_order("tenancy_started_on", tenancy_started_on, on)
    problems.raise_any()
    rule = required_on(ARREARS_INCOLPEVOLE_MIN_BURDEN, on, parameters)
    cited = rule.cited()

    def result(outcome, reasons, burden=None):
        return ArrearsClassification(outcome, burden, tuple(reasons), rule.to_verify)

    if cause is None:
        return result(TO_ASSESS, [f"Non è indicata la causa della morosità. {cited}"])
    if cause == NO_CAUSE:
        return result(
            COLPEVOLE,
            [f"Nessuna perdita o riduzione del reddito dichiarata: morosità colpevole. {cited}"],
        )
    label = CAUSE_LABELS[cause]
    if cause_on is None:
        return result(TO_ASSESS, [f"Causa: {label}; manca la data in cui si è verificata."])
    started = tenancy_started_on.strftime("%d/%m/%Y")
    if cause_on < tenancy_started_on:
        return result(
            COLPEVOLE,
            [
                f"Causa: {label}, del {cause_on.strftime('%d/%m/%Y')}: precede l'inizio della "
                f"locazione ({started}), quindi non è sopravvenuta. Morosità colpevole. "
                f"Fonte: {DM_2016}."
            ],
        )
    reasons = [
        f"Causa: {label}, del {cause_on.strftime('%d/%m/%Y')}, successiva all'inizio della "
        f"locazione ({started})."
    ]
    if cause == OTHER_CAUSE:
        reasons.append(
            "L'elenco delle cause è esemplificativo: la causa indicata va valutata "
            f"dall'operatore. Fonte: {DM_2016}."
        )
        return result(TO_ASSESS, reasons)
    if monthly_income_cents is None:
        reasons.append("Manca il reddito mensile attuale del nucleo per valutare l'incidenza.")
        return result(TO_ASSESS, reasons)
    limit = format_percent(rule.value)
    if monthly_income_cents == 0:
        reasons.append(f"Il nucleo non ha più reddito: l'incidenza del canone supera il {limit}.")
        reasons.append(f"Morosità incolpevole. {cited}")
        return result(INCOLPEVOLE, reasons)
    burden = ratio(monthly_rent_cents, monthly_income_cents)
    facts = (
        f"Il canone ({format_euro(monthly_rent_cents)}) pesa il {format_percent(burden)} sul "
        f"reddito mensile attuale ({format_euro(monthly_income_cents)})"
    )
    if burden > rule.value:
        reasons.append(f"{facts}: oltre il {limit}. Morosità incolpevole. {cited}")
        return result(INCOLPEVOLE, reasons, burden)
    reasons.append(
        f"{facts}: non oltre il {limit}, il canone resta sostenibile. Morosità colpevole. {cited}"
    )
    return result(COLPEVOLE, reasons, burden)


# -- the regional solidarity contribution -----------------------------------------------------
@dataclass(frozen=True)
class SolidarityEstimate:
    outcome: str  # ELIGIBLE, NOT_ELIGIBLE, INCOMPLETE
    monthly_cents: int
    months: int
    total_cents: int
    reasons: tuple[str, ...]
    to_verify: bool


def solidarity_contribution(
    *,
    arrears: str | None,  # the classification's outcome, when there are arrears
    transitory_hardship: bool | None,  # attested by the owner or the social services
    canone_applicato_cents: int,
    canone_minimo_cents: int,
    monthly_services_cents: int,
    months: int,
    on: date,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> SolidarityEstimate:
    problems = Problems()
    problems.one_of("arrears", arrears, (INCOLPEVOLE, COLPEVOLE, TO_ASSESS))
    problems.at_least("canone_applicato_cents", canone_applicato_cents, 0)
    problems.at_least("canone_minimo_cents", canone_minimo_cents, 0)
    problems.at_least("monthly_services_cents", monthly_services_cents, 0)
    problems.at_least("months", months, 1)
    max_months = required_on(SOLIDARITY_MAX_MONTHS, on, parameters)
    if months > int(max_months.value):
        problems.add("months", {"code": "range", "min": 1, "max": int(max_months.value)})
    problems.raise_any()
    cap = parameter_on(SOLIDARITY_MAX_YEARLY_CENTS, on, parameters)
    gap = max(0, canone_applicato_cents - canone_minimo_cents)
    monthly = monthly_services_cents + gap
    total = monthly * months
    reasons = [
        f"Servizi a rimborso {format_euro(monthly_services_cents)} + canone applicato "
        f"{format_euro(canone_applicato_cents)} oltre il canone minimo "
        f"{format_euro(canone_minimo_cents)} ({format_euro(gap)}) = {format_euro(monthly)} al "
        f"mese, per {months} mesi: {format_euro(total)}. {max_months.cited()}"
    ]
    if cap is None:
        reasons.append(
            "Nessun massimale annuo registrato: lo fissa la delibera regionale dell'anno "
            "(da verificare)."
        )
    elif total > int(cap.value):
        total = int(cap.value)
        reasons.append(f"Ridotto al massimale annuo di {format_euro(total)}. {cap.cited()}")

    if transitory_hardship is False:
        outcome = NOT_ELIGIBLE
        reasons.append("Non è attestata una difficoltà economica transitoria.")
    elif arrears == COLPEVOLE:
        outcome = NOT_ELIGIBLE
        reasons.append(
            "La morosità è colpevole: non deriva da una difficoltà economica sopravvenuta."
        )
    elif transitory_hardship is None or arrears == TO_ASSESS:
        outcome = INCOMPLETE
        reasons.append(
            "Da completare: l'attestazione della difficoltà transitoria e la valutazione della "
            "morosità."
        )
    else:
        outcome = ELIGIBLE
        reasons.append("Difficoltà economica transitoria attestata: contributo richiedibile.")
    return SolidarityEstimate(outcome, monthly, months, total, tuple(reasons), True)
