"""The landlord guarantee fund (fondo di garanzia): which canone concordato contracts it covers,
how much a landlord's claim is worth, and how the tenant repays the fund.

The model is Milano Abitare's (Comune di Milano with Fondazione Welfare Ambrosiano, from 2015;
Comuni Insieme runs the same one), domain_rules.md §5.1, read in secondary sources only ([S]):
every figure below is a dated parameter flagged "da verificare" until the agency's own
regulation is read.

**Enrolment.** A canone concordato contract let through the agency is enrolled when its rent
(charges excluded) is at most 30% of the tenant's gross annual income — the yearly rent
(12 × the monthly rent) against the gross annual income, as a ratio rounded half-up to four
places before the comparison — and its attestazione di rispondenza (the organisations'
certificate that the rent respects the accordo territoriale, DM 16/1/2017 art. 1 c. 8) is on
file. The cover runs from the contract's start for its duration.

**Cover.** Unpaid rent and the legal costs of the eviction, up to 18 monthly rents (the rent of
the enrolled contract); only what was not recovered during or after the procedure; the deposit
the landlord kept is deducted. Paid only after the dwelling is actually recovered, against the
full eviction file. The arithmetic, in integer cents (no rounding is needed)::

    owed     = unpaid rent + legal costs − recovered − deposit kept   (never below 0)
    payable  = min(owed, cap),  cap = 18 × monthly rent

The arrears must have begun while the cover ran (a claim on an expired cover is refused).

**Repayment.** The tenant repays what the fund paid over at least 12 monthly instalments: equal
instalments rounded down to the cent, the remainder on the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .dates import add_months
from .money import format_euro, format_percent
from .parameters import DatedParameter, parameter_on

# error codes (typed errors in ..errors carry them; the gateway has their words)
ENTRY_CONDITION_NOT_MET = "guarantee_entry_condition_not_met"
COVER_NOT_ACTIVE = "guarantee_cover_not_active"
CLAIM_NOT_PAYABLE = "guarantee_claim_not_payable"
# field error codes
RECOVERY_MISSING = "dwelling_not_recovered"
DOCUMENTS_MISSING = "documents_missing"
PLAN_TOO_SHORT = "repayment_plan_too_short"
DATE_ORDER = "date_order"

RATIO_PLACES = Decimal("0.0001")


VERBALE_RILASCIO = "verbale_rilascio"
FATTURA_LEGALE = "fattura_legale_quietanzata"
CONTRATTO = "contratto_registrato"
PROSPETTO_MOROSITA = "prospetto_morosita"
DOCUMENT_LABELS = {
    VERBALE_RILASCIO: "Verbale di rilascio dell'alloggio",
    FATTURA_LEGALE: "Fattura quietanzata del legale per la procedura di sfratto",
    CONTRATTO: "Contratto di locazione registrato",
    PROSPETTO_MOROSITA: "Prospetto dei canoni non pagati e di quanto recuperato",
}
# the full eviction file a claim needs (§5.1)
REQUIRED_DOCUMENTS = (CONTRATTO, PROSPETTO_MOROSITA, VERBALE_RILASCIO, FATTURA_LEGALE)

MAX_RENT_TO_GROSS_INCOME = "guarantee_max_rent_to_gross_income"  # yearly rent / gross income
COVER_MONTHS_OF_RENT = "guarantee_cover_months_of_rent"  # the claim's cap, in monthly rents
MIN_REPAYMENT_MONTHS = "guarantee_min_repayment_months"  # the tenant's plan to repay the fund
MILANO_ABITARE = (
    "Milano Abitare, fondo di garanzia per i proprietari (Comune di Milano e Fondazione "
    "Welfare Ambrosiano, dal 2015; modello Comuni Insieme); da verificare con il "
    "regolamento del fondo in vigore"
)
PARAMETERS: tuple[DatedParameter, ...] = tuple(
    DatedParameter(name, Decimal(value), date(2015, 1, 1), None, MILANO_ABITARE, to_verify=True)
    for name, value in (
        (MAX_RENT_TO_GROSS_INCOME, "0.30"),
        (COVER_MONTHS_OF_RENT, "18"),
        (MIN_REPAYMENT_MONTHS, "12"),
    )
)


@dataclass(frozen=True)
class GuaranteeTerms:
    """The fund's parameters in force on one day, read together by the rules below."""

    max_rent_to_gross_income: Decimal
    cover_months_of_rent: int
    min_repayment_months: int
    parameters: tuple[DatedParameter, ...]
    required_documents: tuple[str, ...] = REQUIRED_DOCUMENTS

    @property
    def source(self) -> str:
        return "; ".join(dict.fromkeys(p.source for p in self.parameters))

    @property
    def to_verify(self) -> bool:
        return any(p.to_verify for p in self.parameters)


def terms_on(
    day: date, parameters: tuple[DatedParameter, ...] = PARAMETERS
) -> GuaranteeTerms | None:
    """The terms valid on ``day``, or None when any of them is not in force."""
    ratio = parameter_on(MAX_RENT_TO_GROSS_INCOME, day, parameters)
    months = parameter_on(COVER_MONTHS_OF_RENT, day, parameters)
    repay = parameter_on(MIN_REPAYMENT_MONTHS, day, parameters)
    if ratio is None or months is None or repay is None:
        return None
    return GuaranteeTerms(
        max_rent_to_gross_income=ratio.value,
        cover_months_of_rent=int(months.value),
        min_repayment_months=int(repay.value),
        parameters=(ratio, months, repay),
    )


# -- enrolment --------------------------------------------------------------------------------
@dataclass(frozen=True)
class EntryCheck:
    eligible: bool
    rent_to_gross_income: Decimal | None
    cover_cap_cents: int
    cover_ends_on: date  # inclusive: the last day of the contract
    reasons: tuple[str, ...]  # Italian, one per condition, met or not
    terms: GuaranteeTerms


def check_entry(
    *,
    monthly_rent_cents: int,
    gross_annual_income_cents: int,
    start_date: date,
    duration_months: int,
    attestazione: bool,
    terms: GuaranteeTerms,
) -> EntryCheck:
    """May this contract be enrolled? Every condition is explained, met or not."""
    yearly_rent = monthly_rent_cents * 12
    limit = format_percent(terms.max_rent_to_gross_income)
    ratio: Decimal | None = None
    reasons: list[str] = []
    eligible = True
    if gross_annual_income_cents <= 0:
        eligible = False
        reasons.append(
            "Il reddito lordo annuo del conduttore è pari a zero: il rapporto con il canone "
            "non è calcolabile e la condizione di accesso non è soddisfatta."
        )
    else:
        ratio = (Decimal(yearly_rent) / Decimal(gross_annual_income_cents)).quantize(
            RATIO_PLACES, ROUND_HALF_UP
        )
        facts = (
            f"Il canone annuo ({format_euro(yearly_rent)}, 12 × {format_euro(monthly_rent_cents)}"
            f") è pari al {format_percent(ratio)} del reddito lordo annuo del conduttore "
            f"({format_euro(gross_annual_income_cents)})"
        )
        if ratio <= terms.max_rent_to_gross_income:
            reasons.append(f"{facts}: non supera il {limit}. Condizione soddisfatta.")
        else:
            eligible = False
            reasons.append(f"{facts}: supera il {limit}. Condizione non soddisfatta.")
    if attestazione:
        reasons.append("L'attestazione di rispondenza del contratto è agli atti.")
    else:
        eligible = False
        reasons.append(
            "Manca l'attestazione di rispondenza del contratto all'accordo territoriale "
            "(DM 16/1/2017 art. 1 c. 8): va acquisita prima dell'adesione."
        )
    cap = monthly_rent_cents * terms.cover_months_of_rent
    ends_on = add_months(start_date, duration_months) - timedelta(days=1)
    return EntryCheck(eligible, ratio, cap, ends_on, tuple(reasons), terms)


# -- a landlord's claim -----------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimAssessment:
    owed_cents: int  # unpaid rent + legal costs − recovered − deposit, never below 0
    cap_cents: int
    payable_cents: int
    explanation: tuple[str, ...]  # Italian, step by step


def assess_claim(
    *,
    unpaid_rent_cents: int,
    legal_costs_cents: int,
    recovered_cents: int,
    deposit_kept_cents: int,
    monthly_rent_cents: int,
    terms: GuaranteeTerms,
) -> ClaimAssessment:
    """What the fund pays on a claim (the formula of the module's docstring)."""
    gross = unpaid_rent_cents + legal_costs_cents
    owed = max(0, gross - recovered_cents - deposit_kept_cents)
    cap = monthly_rent_cents * terms.cover_months_of_rent
    payable = min(owed, cap)
    steps = [
        f"Canoni non pagati {format_euro(unpaid_rent_cents)} + spese legali della procedura "
        f"{format_euro(legal_costs_cents)} = {format_euro(gross)}.",
        f"Meno quanto recuperato ({format_euro(recovered_cents)}) e il deposito cauzionale "
        f"trattenuto ({format_euro(deposit_kept_cents)}): dovuto {format_euro(owed)}.",
        f"Massimale: {terms.cover_months_of_rent} mensilità del canone del contratto "
        f"({terms.cover_months_of_rent} × {format_euro(monthly_rent_cents)} = "
        f"{format_euro(cap)}).",
    ]
    if payable < owed:
        steps.append(f"Il dovuto supera il massimale: il fondo paga {format_euro(payable)}.")
    else:
        steps.append(f"Il fondo paga {format_euro(payable)}.")
    return ClaimAssessment(owed, cap, payable, tuple(steps))


def claim_problems(
    *,
    arrears_from: date,
    dwelling_recovered_on: date | None,
    filed_on: date,
    documents: frozenset[str],
    cover_starts_on: date,
    cover_ends_on: date,
    terms: GuaranteeTerms,
) -> dict[str, list[dict]]:
    """Field errors that make a claim impossible to file (empty when it may be filed)."""
    problems: dict[str, list[dict]] = {}
    if not (cover_starts_on <= arrears_from <= cover_ends_on):
        problems.setdefault("arrears_from", []).append(
            {
                "code": COVER_NOT_ACTIVE,
                "cover_starts_on": cover_starts_on.isoformat(),
                "cover_ends_on": cover_ends_on.isoformat(),
            }
        )
    if dwelling_recovered_on is None:
        problems.setdefault("dwelling_recovered_on", []).append({"code": RECOVERY_MISSING})
    elif dwelling_recovered_on > filed_on or dwelling_recovered_on < arrears_from:
        problems.setdefault("dwelling_recovered_on", []).append({"code": DATE_ORDER})
    missing = [d for d in terms.required_documents if d not in documents]
    if missing:
        problems.setdefault("documents", []).append({"code": DOCUMENTS_MISSING, "missing": missing})
    return problems


# -- the tenant's repayment -------------------------------------------------------------------
@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: date
    amount_cents: int


def repayment_plan(
    amount_cents: int, months: int, first_due_on: date, terms: GuaranteeTerms
) -> tuple[Instalment, ...]:
    """Equal monthly instalments rounded down to the cent, the remainder on the last one.
    Raises ValueError when the plan is shorter than the terms allow."""
    if months < terms.min_repayment_months:
        raise ValueError(PLAN_TOO_SHORT)
    base, remainder = divmod(amount_cents, months)
    return tuple(
        Instalment(
            number=n,
            due_on=add_months(first_due_on, n - 1),
            amount_cents=base + (remainder if n == months else 0),
        )
        for n in range(1, months + 1)
    )


def exposure_cents(covers: list[tuple[int, int]]) -> int:
    """The fund's exposure: for each active cover (cap, paid so far), what it could still pay."""
    return sum(max(0, cap - paid) for cap, paid in covers)
