"""Microcredit and Anticipazione Sociale with Fondazione Welfare Ambrosiano (FWA): the agency's
pre-assessment before it sends a household to FWA, and the rules of the mirror of FWA's loans.

**The agency never becomes the lender.** FWA (with its partner banks) decides and lends; the
agency checks beforehand whether a request fits the product and is sustainable for the household,
sends the household through the partners service, and mirrors what FWA reports.

Pre-assessment of a **microcredito** (domain_rules.md §5.2, §6):

1. the purpose is one FWA lends for (housing costs, a temporary drop in income, medical or
   school costs; a business start-up is the business product, with its own rate);
2. the amount is within € 2.000–20.000 and the duration at most 6 years (72 monthly
   instalments);
3. the **instalment** is estimated with the product's average rate (French amortisation:
   ``P·i / (1 − (1 + i)^−n)``, ``i`` = annual rate / 12, rounded half-up to the cent) unless
   FWA's own instalment is entered;
4. **sustainability**: the instalment plus the monthly rent, against the household's **net
   monthly income** (the one on the funds file, or the one entered), must not exceed **40 %**.
   40 % is the EU housing cost overburden threshold (Eurostat, [V] as a statistic); using it as
   the ceiling of "rent + instalment" for a loan is the agency's choice, not a rule FWA
   published, so the parameter is flagged "da verificare". The ratio is rounded half-up to
   4 decimal places before it is compared, so the figure shown and the outcome agree.

The outcome is ``sostenibile``, ``non_sostenibile`` (a criterion not met: the explanation says
which) or ``dati_mancanti`` (what is missing is named), each criterion explained in Italian.

**Anticipazione Sociale** (§5.2): workers of production units in the province of Milano waiting
**more than 2 months** for **CIGS, CIG in deroga or contratti di solidarietà** (ordinary CIG
excluded) may get an interest-free advance of **at most 7 monthly allowances and € 6.000**.
"More than 2 months": the day the worker started waiting plus two calendar months is before the
day of the check.

**Arrears warning**: a loan whose current plan has at least **2 missed instalments** (not paid
since) raises a warning on the worklist and proposes a review of the household's project. The
figure is the agency's, not a published one: "da verificare".

Every figure is a dated parameter (:data:`PARAMETERS`) carrying its source and whether it is to
be verified; every one of §5.2 is [S] (secondary sources only), so all are "da verificare".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .criteria import MET, MISSING, NOT_MET, Criterion
from .dates import add_months
from .money import format_euro, format_percent
from .parameters import DatedParameter, required_parameter

# -- products and statuses (the partners service's codes: partners/domain/lending.py) ---------
MICROCREDITO = "microcredito"
ANTICIPAZIONE_SOCIALE = "anticipazione_sociale"
PRODUCTS = (MICROCREDITO, ANTICIPAZIONE_SOCIALE)
LENDER_STATUSES = (
    "approved",
    "disbursed",
    "instalment_paid",
    "instalment_missed",
    "rescheduled",
    "repaid",
    "written_off",
)
LOAN_STATES = ("approved", "disbursed", "repaid", "written_off")
CLOSED_STATES = ("repaid", "written_off")
FWA = "FWA"

# -- purposes of a microcredito (§5.2 "typical purposes") --------------------------------------
PURPOSES = (
    "spese_abitative",  # rent, deposit, arrears, utilities, moving
    "calo_reddito",  # a temporary drop in income
    "spese_mediche",
    "spese_istruzione",
    "avvio_impresa",  # business start-up: the business product (~6,5 %)
    "altro",
)
PERSONAL_PURPOSES = ("spese_abitative", "calo_reddito", "spese_mediche", "spese_istruzione")
PURPOSE_WORDS = {
    "spese_abitative": "spese per la casa (canone, deposito, utenze, arretrati)",
    "calo_reddito": "calo temporaneo del reddito",
    "spese_mediche": "spese mediche",
    "spese_istruzione": "spese scolastiche o di formazione",
    "avvio_impresa": "avvio di un'attività (microcredito d'impresa)",
    "altro": "altra finalità",
}

# -- Anticipazione Sociale: the income-support schemes -----------------------------------------
SCHEMES = ("cigs", "cig_deroga", "contratto_solidarieta", "cig_ordinaria", "altro")
ELIGIBLE_SCHEMES = ("cigs", "cig_deroga", "contratto_solidarieta")
SCHEME_WORDS = {
    "cigs": "CIGS (cassa integrazione straordinaria)",
    "cig_deroga": "CIG in deroga",
    "contratto_solidarieta": "contratto di solidarietà",
    "cig_ordinaria": "CIG ordinaria",
    "altro": "altro ammortizzatore",
}

# -- outcomes ---------------------------------------------------------------------------------
SUSTAINABLE = "sostenibile"
NOT_SUSTAINABLE = "non_sostenibile"
MISSING_DATA = "dati_mancanti"
OUTCOMES = (SUSTAINABLE, NOT_SUSTAINABLE, MISSING_DATA)
ELIGIBLE = "ammissibile"
NOT_ELIGIBLE = "non_ammissibile"
ADVANCE_OUTCOMES = (ELIGIBLE, NOT_ELIGIBLE, MISSING_DATA)

RATIO_PLACES = Decimal("0.0001")
CENT = Decimal("1")

# -- dated parameters -------------------------------------------------------------------------
MIN_AMOUNT = "microcredit_min_amount_cents"
MAX_AMOUNT = "microcredit_max_amount_cents"
MAX_MONTHS = "microcredit_max_months"
RATE_PERSONAL = "microcredit_rate_personal"
RATE_BUSINESS = "microcredit_rate_business"
BURDEN_CEILING = "microcredit_rent_and_instalment_to_income_ceiling"
ADVANCE_MIN_WAIT_MONTHS = "advance_min_wait_months"
ADVANCE_MAX_ALLOWANCES = "advance_max_allowances"
ADVANCE_MAX_AMOUNT = "advance_max_amount_cents"
ARREARS_MISSED_INSTALMENTS = "arrears_warning_missed_instalments"

FWA_MICROCREDIT = (
    "Fondazione Welfare Ambrosiano, Microcredito (dal 10/2011): prestiti da € 2.000 a € 20.000, "
    "rimborso fino a 6 anni, tasso medio ~4% (persone) e ~6,5% (impresa); fonti secondarie "
    "(faremilano 6/10/2011, vita.it, imprese-lavoro 2017)"
)
FWA_ADVANCE = (
    "Fondazione Welfare Ambrosiano, Anticipazione sociale degli ammortizzatori sociali "
    "(2013-2016): lavoratori in attesa da oltre 2 mesi di CIGS, CIG in deroga o contratti di "
    "solidarietà (esclusa la CIG ordinaria), anticipo a tasso zero di massimo 7 mensilità e non "
    "oltre € 6.000; fonti secondarie (lavoroeformazioneincomune, supermoney 2013, milanotoday 2014)"
)


def _p(name, value, valid_from, source, to_verify=True) -> DatedParameter:
    return DatedParameter(name, Decimal(value), valid_from, None, source, to_verify)


MICRO_FROM, ADVANCE_FROM, AGENCY_FROM = date(2011, 10, 1), date(2013, 1, 1), date(2024, 1, 1)
PARAMETERS: tuple[DatedParameter, ...] = (
    _p(MIN_AMOUNT, "200000", MICRO_FROM, FWA_MICROCREDIT),
    _p(MAX_AMOUNT, "2000000", MICRO_FROM, FWA_MICROCREDIT),
    _p(MAX_MONTHS, "72", MICRO_FROM, FWA_MICROCREDIT),
    _p(RATE_PERSONAL, "0.04", MICRO_FROM, FWA_MICROCREDIT),
    _p(RATE_BUSINESS, "0.065", MICRO_FROM, FWA_MICROCREDIT),
    _p(
        BURDEN_CEILING,
        "0.40",
        AGENCY_FROM,
        "soglia di sovraccarico delle spese abitative al 40% del reddito disponibile (Eurostat, "
        "indicatore tessi160); applicata dall'agenzia a canone + rata del prestito: scelta "
        "dell'agenzia, non una regola pubblicata da FWA",
    ),
    _p(ADVANCE_MIN_WAIT_MONTHS, "2", ADVANCE_FROM, FWA_ADVANCE),
    _p(ADVANCE_MAX_ALLOWANCES, "7", ADVANCE_FROM, FWA_ADVANCE),
    _p(ADVANCE_MAX_AMOUNT, "600000", ADVANCE_FROM, FWA_ADVANCE),
    _p(
        ARREARS_MISSED_INSTALMENTS,
        "2",
        AGENCY_FROM,
        "scelta dell'agenzia (nessuna fonte: da concordare con FWA nella convenzione)",
    ),
)


# -- results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Assessment:
    product: str
    outcome: str
    explanation: str
    criteria: tuple[Criterion, ...]
    figures: dict  # cents, ratios as text
    parameters: tuple[DatedParameter, ...] = field(default_factory=tuple)

    @property
    def to_verify(self) -> bool:
        return any(p.to_verify for p in self.parameters)

    def as_record(self) -> dict:
        return {
            "product": self.product,
            "outcome": self.outcome,
            "explanation": self.explanation,
            "criteria": [c.as_record() for c in self.criteria],
            "figures": dict(self.figures),
            "parameters": [p.as_record() for p in self.parameters],
            "to_verify": self.to_verify,
        }


def _overall(criteria: list[Criterion], good: str, bad: str) -> tuple[str, str]:
    """The outcome and its sentence: a criterion not met decides, then a missing figure."""
    failed = [c for c in criteria if c.outcome == NOT_MET]
    missing = [c for c in criteria if c.outcome == MISSING]
    if failed:
        return bad, " ".join(c.explanation for c in failed)
    if missing:
        return MISSING_DATA, " ".join(c.explanation for c in missing)
    return good, " ".join(c.explanation for c in criteria)


# -- the instalment ---------------------------------------------------------------------------
def monthly_instalment_cents(amount_cents: int, months: int, annual_rate: Decimal) -> int:
    """The constant monthly instalment repaying ``amount_cents`` in ``months`` at
    ``annual_rate`` (French amortisation, monthly rate = annual / 12), half-up to the cent;
    an interest-free loan: the amount / months rounded up to the cent."""
    if months < 1 or amount_cents < 0:
        raise ValueError("months >= 1 and amount >= 0")
    if annual_rate == 0:
        return -(-amount_cents // months)
    i = annual_rate / 12
    factor = (1 + i) ** months
    value = Decimal(amount_cents) * i * factor / (factor - 1)
    return int(value.quantize(CENT, ROUND_HALF_UP))


def ratio(part_cents: int, whole_cents: int) -> Decimal:
    return (Decimal(part_cents) / Decimal(whole_cents)).quantize(RATIO_PLACES, ROUND_HALF_UP)


# -- microcredito pre-assessment --------------------------------------------------------------
@dataclass(frozen=True)
class MicrocreditRequest:
    purpose: str | None
    amount_cents: int | None
    months: int | None
    monthly_net_income_cents: int | None
    monthly_rent_cents: int | None
    instalment_cents: int | None = None  # FWA's own figure, when known


def _months_text(n: int) -> str:
    return "1 mese" if n == 1 else f"{n} mesi"


def assess_microcredit(
    request: MicrocreditRequest, on: date, parameters: tuple[DatedParameter, ...] = PARAMETERS
) -> Assessment:
    """The pre-assessment of ``request`` with the parameters valid on ``on``."""
    low = required_parameter(MIN_AMOUNT, on, parameters)
    high = required_parameter(MAX_AMOUNT, on, parameters)
    longest = required_parameter(MAX_MONTHS, on, parameters)
    ceiling = required_parameter(BURDEN_CEILING, on, parameters)
    business = request.purpose == "avvio_impresa"
    rate = required_parameter(RATE_BUSINESS if business else RATE_PERSONAL, on, parameters)
    criteria: list[Criterion] = []

    if request.purpose is None:
        criteria.append(Criterion("purpose", MISSING, "Non è stata indicata la finalità."))
    elif request.purpose == "altro":
        criteria.append(
            Criterion(
                "purpose",
                MET,
                "Finalità diversa da quelle tipiche di FWA: va descritta nell'invio e FWA "
                "valuterà se rientra.",
            )
        )
    else:
        criteria.append(
            Criterion(
                "purpose",
                MET,
                f"Finalità: {PURPOSE_WORDS[request.purpose]}, tra quelle per cui FWA presta.",
            )
        )

    amount = request.amount_cents
    limits = f"da {format_euro(int(low.value))} a {format_euro(int(high.value))}"
    if amount is None:
        criteria.append(Criterion("amount", MISSING, "Non è stato indicato l'importo richiesto."))
    elif low.value <= amount <= high.value:
        criteria.append(
            Criterion(
                "amount",
                MET,
                f"L'importo richiesto ({format_euro(amount)}) è nei limiti del microcredito "
                f"({limits}).",
            )
        )
    else:
        criteria.append(
            Criterion(
                "amount",
                NOT_MET,
                f"L'importo richiesto ({format_euro(amount)}) è fuori dai limiti del "
                f"microcredito ({limits}).",
            )
        )

    months = request.months
    if months is None:
        criteria.append(Criterion("duration", MISSING, "Non è stata indicata la durata."))
    elif 1 <= months <= longest.value:
        criteria.append(
            Criterion(
                "duration",
                MET,
                f"La durata ({_months_text(months)}) non supera il massimo di "
                f"{_months_text(int(longest.value))} (6 anni).",
            )
        )
    else:
        criteria.append(
            Criterion(
                "duration",
                NOT_MET,
                f"La durata ({_months_text(months)}) supera il massimo di "
                f"{_months_text(int(longest.value))} (6 anni).",
            )
        )

    figures: dict = {"annual_rate": str(rate.value), "ceiling": str(ceiling.value)}
    instalment = request.instalment_cents
    if instalment is None and amount is not None and months is not None and months >= 1:
        instalment = monthly_instalment_cents(amount, months, rate.value)
        figures["instalment_estimated"] = True
    else:
        figures["instalment_estimated"] = False
    figures["instalment_cents"] = instalment
    estimated = bool(figures["instalment_estimated"])
    criteria.append(_sustainability(request, instalment, figures, ceiling, rate, estimated))
    outcome, explanation = _overall(criteria, SUSTAINABLE, NOT_SUSTAINABLE)
    if outcome == SUSTAINABLE:
        explanation = "La richiesta è nei limiti del microcredito e la rata è sostenibile. " + (
            explanation
        )
    return Assessment(
        MICROCREDITO,
        outcome,
        explanation,
        tuple(criteria),
        figures,
        (low, high, longest, rate, ceiling),
    )


def _sustainability(
    request: MicrocreditRequest,
    instalment: int | None,
    figures: dict,
    ceiling: DatedParameter,
    rate: DatedParameter,
    estimated: bool,
) -> Criterion:
    income, rent = request.monthly_net_income_cents, request.monthly_rent_cents
    missing = [
        words
        for words, value in (
            ("il reddito netto mensile del nucleo", income),
            ("il canone mensile", rent),
            ("la rata (importo e durata)", instalment),
        )
        if value is None
    ]
    if missing:
        return Criterion(
            "sustainability",
            MISSING,
            f"Per valutare la sostenibilità manca {', '.join(missing)}.",
        )
    assert income is not None and rent is not None and instalment is not None
    if income == 0:
        return Criterion(
            "sustainability",
            NOT_MET,
            "Il reddito netto mensile indicato è zero: nessuna rata è sostenibile.",
        )
    burden = rent + instalment
    share = ratio(burden, income)
    figures.update(
        {"burden_cents": burden, "burden_ratio": str(share), "monthly_net_income_cents": income}
    )
    how = (
        f"rata stimata al tasso medio del {format_percent(rate.value)} annuo"
        if estimated
        else "rata indicata da FWA"
    )
    facts = (
        f"Canone ({format_euro(rent)}) più rata ({format_euro(instalment)}, {how}) fanno "
        f"{format_euro(burden)} al mese, il {format_percent(share)} del reddito netto mensile del "
        f"nucleo ({format_euro(income)})"
    )
    limit = f"la soglia del {format_percent(ceiling.value)}"
    if share <= ceiling.value:
        return Criterion("sustainability", MET, f"{facts}: non supera {limit}.")
    return Criterion(
        "sustainability", NOT_MET, f"{facts}: supera {limit}, la rata non è sostenibile."
    )


# -- Anticipazione Sociale --------------------------------------------------------------------
@dataclass(frozen=True)
class AdvanceRequest:
    scheme: str | None
    waiting_since: date | None  # when the worker started waiting for the allowance
    monthly_allowance_cents: int | None
    allowances: int | None  # monthly allowances to advance
    workplace_in_milano_province: bool | None


def assess_advance(
    request: AdvanceRequest, on: date, parameters: tuple[DatedParameter, ...] = PARAMETERS
) -> Assessment:
    """Whether the worker may ask FWA for an Anticipazione Sociale, checked on ``on``."""
    wait = required_parameter(ADVANCE_MIN_WAIT_MONTHS, on, parameters)
    most = required_parameter(ADVANCE_MAX_ALLOWANCES, on, parameters)
    cap = required_parameter(ADVANCE_MAX_AMOUNT, on, parameters)
    criteria: list[Criterion] = []

    if request.scheme is None:
        criteria.append(Criterion("scheme", MISSING, "Non è stato indicato l'ammortizzatore."))
    elif request.scheme in ELIGIBLE_SCHEMES:
        criteria.append(
            Criterion(
                "scheme",
                MET,
                f"{SCHEME_WORDS[request.scheme].capitalize()}: tra gli ammortizzatori previsti "
                "(CIGS, CIG in deroga, contratti di solidarietà).",
            )
        )
    else:
        criteria.append(
            Criterion(
                "scheme",
                NOT_MET,
                f"{SCHEME_WORDS[request.scheme].capitalize()}: non previsto, l'anticipazione "
                "copre solo CIGS, CIG in deroga e contratti di solidarietà (esclusa la CIG "
                "ordinaria).",
            )
        )

    if request.workplace_in_milano_province is None:
        criteria.append(
            Criterion(
                "workplace",
                MISSING,
                "Non è indicato se l'unità produttiva è in provincia di Milano.",
            )
        )
    elif request.workplace_in_milano_province:
        criteria.append(Criterion("workplace", MET, "L'unità produttiva è in provincia di Milano."))
    else:
        criteria.append(
            Criterion(
                "workplace",
                NOT_MET,
                "L'unità produttiva non è in provincia di Milano: la misura non si applica.",
            )
        )

    months = int(wait.value)
    if request.waiting_since is None:
        criteria.append(
            Criterion("waiting", MISSING, "Non è indicato da quando il lavoratore è in attesa.")
        )
    else:
        after = add_months(request.waiting_since, months)
        since = request.waiting_since.strftime("%d/%m/%Y")
        if after < on:
            criteria.append(
                Criterion(
                    "waiting",
                    MET,
                    f"In attesa dal {since}: oltre {_months_text(months)} al "
                    f"{on.strftime('%d/%m/%Y')}.",
                )
            )
        else:
            criteria.append(
                Criterion(
                    "waiting",
                    NOT_MET,
                    f"In attesa dal {since}: non ancora oltre {_months_text(months)} (lo sarà "
                    f"dopo il {after.strftime('%d/%m/%Y')}).",
                )
            )

    figures: dict = {}
    allowance, count = request.monthly_allowance_cents, request.allowances
    if allowance is None or count is None:
        criteria.append(
            Criterion(
                "amount",
                MISSING,
                "Mancano l'importo mensile dell'indennità o il numero di mensilità da anticipare.",
            )
        )
    else:
        requested = allowance * count
        most_cents = min(int(most.value) * allowance, int(cap.value))
        figures.update({"requested_cents": requested, "max_advance_cents": most_cents})
        rule = f"al massimo {int(most.value)} mensilità e non oltre {format_euro(int(cap.value))}"
        if count < 1 or count > most.value:
            criteria.append(
                Criterion(
                    "amount",
                    NOT_MET,
                    f"{count} mensilità richieste: l'anticipazione ne copre {rule}.",
                )
            )
        elif requested > cap.value:
            criteria.append(
                Criterion(
                    "amount",
                    NOT_MET,
                    f"{count} mensilità da {format_euro(allowance)} fanno "
                    f"{format_euro(requested)}: oltre il tetto ({rule}); si possono anticipare "
                    f"al massimo {format_euro(most_cents)}.",
                )
            )
        else:
            criteria.append(
                Criterion(
                    "amount",
                    MET,
                    f"{count} mensilità da {format_euro(allowance)} fanno "
                    f"{format_euro(requested)}, nei limiti ({rule}); anticipo a tasso zero.",
                )
            )
    outcome, explanation = _overall(criteria, ELIGIBLE, NOT_ELIGIBLE)
    return Assessment(
        ANTICIPAZIONE_SOCIALE, outcome, explanation, tuple(criteria), figures, (wait, most, cap)
    )


# -- the mirror of FWA's loans ---------------------------------------------------------------
# anomalies: what the mirror records instead of failing
UNKNOWN_CASE = "unknown_case"  # no funds file for the case the event names
UNKNOWN_LOAN = "unknown_loan"  # a first status for a loan other than "approved"
OUT_OF_ORDER = "out_of_order"  # older than the status the mirror already shows
ANOMALIES = (UNKNOWN_CASE, UNKNOWN_LOAN, OUT_OF_ORDER)
ANOMALY_WORDS = {
    UNKNOWN_CASE: "Stato di un prestito per una scheda senza fascicolo fondi: registrato, non "
    "applicato.",
    UNKNOWN_LOAN: "Primo stato ricevuto per un prestito di cui non è arrivata l'approvazione: il "
    "prestito è ricostruito dal riepilogo di FWA.",
    OUT_OF_ORDER: "Stato arrivato dopo uno più recente: registrato nella storia, il riepilogo "
    "resta quello più recente.",
}


def is_newer(occurred_on: date, reported_at, last_on: date | None, last_reported_at) -> bool:
    """Whether a status (``occurred_on``, ``reported_at``) comes after the mirror's last one:
    by the day it happened, then by when FWA reported it."""
    if last_on is None:
        return True
    return (occurred_on, reported_at) > (last_on, last_reported_at)


@dataclass(frozen=True)
class Warning:
    """An arrears warning: open when the current plan has ``threshold`` missed instalments."""

    missed: tuple[int, ...]
    threshold: DatedParameter


def arrears_warning(
    state: str,
    missed: list[int] | tuple[int, ...],
    on: date,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> Warning | None:
    """The warning a loan in ``state`` with the ``missed`` instalments of its current plan
    raises on ``on``, or None (a closed loan raises none: it is repaid or written off)."""
    threshold = required_parameter(ARREARS_MISSED_INSTALMENTS, on, parameters)
    if state in CLOSED_STATES or len(missed) < threshold.value:
        return None
    return Warning(tuple(sorted(missed)), threshold)


def warning_explanation(warning: Warning) -> str:
    numbers = ", ".join(str(n) for n in warning.missed)
    return (
        f"{len(warning.missed)} rate non pagate (rate n. {numbers}): raggiunta la soglia di "
        f"{int(warning.threshold.value)} rate mancate. Si propone una revisione del progetto "
        "del nucleo."
    )
