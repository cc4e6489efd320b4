"""Fondo Affitto di Ambito: the ambito's regulation as data, the check of an application against
it (each criterion explained in Italian), the grant, and the ranking of a window (bando).

Plain Python: the use cases (``usecases/rent_fund.py``) load the rows and store the results.

The demo regulation follows the regional "Misura unica affitto" (DGR XI/6970 of 19/9/2022,
domain_rules.md §4.7): ISEE ≤ € 26.000, resident with a registered lease for ≥ 6 months, not a
SAP/SAT/riscatto tenant, no eviction procedure, no adequate dwelling owned in Lombardia, up to 10
monthly rents and ≤ € 3.600 per household, paid to the landlord. Every value of a regulation
carries its legal reference; the ones the research could not verify are listed in
``unverified`` and shown "da verificare".

Money is integer cents. **Rounding**: the monthly share (rent × share) is rounded to the cent
half up; the grant is that monthly share × the months covered, then capped; nothing else is
rounded. A rent-burden ratio is computed exactly (Decimal) and compared, never rounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .criteria import MET, MISSING, NOT_MET, Criterion
from .money import format_euro

# -- eligibility of the whole application -----------------------------------------------------
ELIGIBLE = "ammissibile"
NOT_ELIGIBLE = "non_ammissibile"
INCOMPLETE = "incompleta"

# -- who is paid ------------------------------------------------------------------------------
PAID_TO = ("proprietario", "inquilino")

# -- tenures (how the household rents) --------------------------------------------------------
TENURES = ("libero", "concordato", "sap", "sat", "riscatto")
TENURE_WORDS = {
    "libero": "libero mercato",
    "concordato": "canone concordato",
    "sap": "alloggio SAP (servizi abitativi pubblici)",
    "sat": "alloggio SAT (servizi abitativi transitori)",
    "riscatto": "locazione con patto di riscatto",
}

# -- ISEE kinds (swapped for the isee area's "ISEE that applies" at merge) ----------------------
ISEE_KINDS = ("certificato", "stimato")

# -- ranking keys ------------------------------------------------------------------------------
RANK_ISEE_ASC = "isee_asc"
RANK_GRADE_DESC = "grado_desc"
RANK_SUBMITTED_ASC = "data_asc"
RANK_BURDEN_DESC = "incidenza_desc"
RANKING_KEYS = (RANK_ISEE_ASC, RANK_GRADE_DESC, RANK_SUBMITTED_ASC, RANK_BURDEN_DESC)
RANKING_WORDS = {
    RANK_ISEE_ASC: "ISEE crescente",
    RANK_GRADE_DESC: "grado C.A.S.A. decrescente",
    RANK_SUBMITTED_ASC: "data di presentazione",
    RANK_BURDEN_DESC: "incidenza del canone sul reddito decrescente",
}

# -- ranking outcomes --------------------------------------------------------------------------
FUNDED = "finanziabile"
NOT_FUNDED = "idonea_non_finanziata"
EXCLUDED = "esclusa"

CENT = Decimal("1")


@dataclass(frozen=True)
class Regulation:
    """One version of an ambito's regulation (the fields a check needs)."""

    isee_ceiling_cents: int
    rent_burden_threshold: Decimal | None  # rent / income at least this; None = not required
    min_lease_months: int
    residence_required: bool
    excluded_tenures: tuple[str, ...]
    exclude_eviction_procedure: bool
    exclude_adequate_dwelling: bool
    grant_share: Decimal  # share of the monthly rent covered (1 = the whole rent)
    grant_months: int
    grant_cap_cents: int
    paid_to: str
    required_documents: tuple[str, ...] = ()
    ranking: tuple[str, ...] = (RANK_ISEE_ASC, RANK_GRADE_DESC, RANK_SUBMITTED_ASC)
    references: dict[str, str] = field(default_factory=dict)  # field -> legal reference
    unverified: tuple[str, ...] = ()  # fields flagged "da verificare"


@dataclass(frozen=True)
class Facts:
    """What an application says about the household (None = not known)."""

    isee_cents: int | None = None
    isee_kind: str | None = None  # certificato | stimato
    isee_protocol: str | None = None
    monthly_rent_cents: int | None = None
    monthly_net_income_cents: int | None = None
    resident: bool | None = None
    lease_registered: bool | None = None
    lease_start: date | None = None
    tenure: str | None = None
    eviction_procedure: bool | None = None
    owns_adequate_dwelling: bool | None = None
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grant:
    monthly_share_cents: int
    months: int
    uncapped_cents: int
    cap_cents: int
    amount_cents: int
    paid_to: str
    explanation: str

    def as_record(self) -> dict:
        return {
            "monthly_share_cents": self.monthly_share_cents,
            "months": self.months,
            "uncapped_cents": self.uncapped_cents,
            "cap_cents": self.cap_cents,
            "amount_cents": self.amount_cents,
            "paid_to": self.paid_to,
            "explanation": self.explanation,
        }


# -- formatting (Italian) ------------------------------------------------------------------------
def percent(value: Decimal) -> str:
    text = f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}".replace(".", ",")
    return f"{text.removesuffix(',0')}%"


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (15/03 → 14/09 is 5, → 15/09 is 6)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


# -- the criteria --------------------------------------------------------------------------------
def _ref(regulation: Regulation, name: str) -> tuple[str | None, bool]:
    return regulation.references.get(name), name in regulation.unverified


def check_isee(regulation: Regulation, facts: Facts) -> Criterion:
    ref, unverified = _ref(regulation, "isee_ceiling_cents")
    ceiling = format_euro(regulation.isee_ceiling_cents)
    if facts.isee_cents is None:
        return Criterion(
            "isee",
            MISSING,
            f"ISEE non indicato: serve per il limite di {ceiling}.",
            ref,
            unverified,
        )
    kind = facts.isee_kind or "stimato"
    said = f"ISEE {kind} {format_euro(facts.isee_cents)}"
    if kind == "certificato" and facts.isee_protocol:
        said += f" (protocollo {facts.isee_protocol})"
    if kind == "stimato":
        said += " (stima, non attestazione INPS)"
    if facts.isee_cents <= regulation.isee_ceiling_cents:
        return Criterion("isee", MET, f"{said}: entro il limite di {ceiling}.", ref, unverified)
    return Criterion("isee", NOT_MET, f"{said}: supera il limite di {ceiling}.", ref, unverified)


def rent_burden(facts: Facts) -> Decimal | None:
    """Monthly rent / monthly net income, exact; None when either is unknown or income is 0."""
    if facts.monthly_rent_cents is None or not facts.monthly_net_income_cents:
        return None
    return Decimal(facts.monthly_rent_cents) / Decimal(facts.monthly_net_income_cents)


def check_rent_burden(regulation: Regulation, facts: Facts) -> Criterion | None:
    threshold = regulation.rent_burden_threshold
    if threshold is None:
        return None
    ref, unverified = _ref(regulation, "rent_burden_threshold")
    if facts.monthly_rent_cents is None or facts.monthly_net_income_cents is None:
        return Criterion(
            "incidenza_canone",
            MISSING,
            f"Canone o reddito mensile non indicati: serve un'incidenza del canone di almeno "
            f"{percent(threshold)}.",
            ref,
            unverified,
        )
    if facts.monthly_net_income_cents == 0:
        return Criterion(
            "incidenza_canone",
            MET,
            f"Reddito mensile nullo: il canone di {format_euro(facts.monthly_rent_cents)} supera "
            f"qualunque soglia ({percent(threshold)}).",
            ref,
            unverified,
        )
    ratio = rent_burden(facts)
    assert ratio is not None
    said = (
        f"Canone {format_euro(facts.monthly_rent_cents)} su reddito "
        f"{format_euro(facts.monthly_net_income_cents)}: incidenza {percent(ratio)}"
    )
    if ratio >= threshold:
        return Criterion(
            "incidenza_canone", MET, f"{said}, almeno {percent(threshold)}.", ref, unverified
        )
    return Criterion(
        "incidenza_canone", NOT_MET, f"{said}, sotto il {percent(threshold)}.", ref, unverified
    )


def check_residence(regulation: Regulation, facts: Facts) -> Criterion | None:
    if not regulation.residence_required:
        return None
    ref, unverified = _ref(regulation, "residence_required")
    if facts.resident is None:
        return Criterion(
            "residenza",
            MISSING,
            "Residenza nell'alloggio in locazione non indicata.",
            ref,
            unverified,
        )
    if facts.resident:
        return Criterion(
            "residenza", MET, "Il nucleo risiede nell'alloggio in locazione.", ref, unverified
        )
    return Criterion(
        "residenza", NOT_MET, "Il nucleo non risiede nell'alloggio in locazione.", ref, unverified
    )


def check_lease(regulation: Regulation, facts: Facts, on: date) -> Criterion:
    ref, unverified = _ref(regulation, "min_lease_months")
    need = regulation.min_lease_months
    if facts.lease_registered is False:
        return Criterion(
            "contratto", NOT_MET, "Il contratto di locazione non è registrato.", ref, unverified
        )
    if facts.lease_registered is None or facts.lease_start is None:
        return Criterion(
            "contratto",
            MISSING,
            f"Registrazione o data di decorrenza del contratto non indicate: servono almeno "
            f"{need} mesi di contratto registrato.",
            ref,
            unverified,
        )
    months = months_between(facts.lease_start, on)
    said = (
        f"Contratto registrato dal {facts.lease_start.strftime('%d/%m/%Y')}: {months} mesi al "
        f"{on.strftime('%d/%m/%Y')}"
    )
    if months >= need:
        return Criterion("contratto", MET, f"{said}, almeno {need}.", ref, unverified)
    return Criterion("contratto", NOT_MET, f"{said}, meno di {need}.", ref, unverified)


def check_tenure(regulation: Regulation, facts: Facts) -> Criterion:
    ref, unverified = _ref(regulation, "excluded_tenures")
    if facts.tenure is None:
        return Criterion(
            "tipo_locazione", MISSING, "Tipo di locazione non indicato.", ref, unverified
        )
    words = TENURE_WORDS.get(facts.tenure, facts.tenure)
    if facts.tenure in regulation.excluded_tenures:
        return Criterion("tipo_locazione", NOT_MET, f"Esclusi dal fondo: {words}.", ref, unverified)
    return Criterion("tipo_locazione", MET, f"Locazione a {words}: ammessa.", ref, unverified)


def check_eviction(regulation: Regulation, facts: Facts) -> Criterion | None:
    if not regulation.exclude_eviction_procedure:
        return None
    ref, unverified = _ref(regulation, "exclude_eviction_procedure")
    if facts.eviction_procedure is None:
        return Criterion(
            "sfratto",
            MISSING,
            "Non è indicato se è in corso una procedura di sfratto.",
            ref,
            unverified,
        )
    if facts.eviction_procedure:
        return Criterion(
            "sfratto",
            NOT_MET,
            "Procedura di sfratto in corso: il fondo non si applica (valutare la morosità "
            "incolpevole).",
            ref,
            unverified,
        )
    return Criterion("sfratto", MET, "Nessuna procedura di sfratto in corso.", ref, unverified)


def check_dwelling(regulation: Regulation, facts: Facts) -> Criterion | None:
    if not regulation.exclude_adequate_dwelling:
        return None
    ref, unverified = _ref(regulation, "exclude_adequate_dwelling")
    if facts.owns_adequate_dwelling is None:
        return Criterion(
            "proprieta",
            MISSING,
            "Non è indicato se il nucleo possiede un alloggio adeguato.",
            ref,
            unverified,
        )
    if facts.owns_adequate_dwelling:
        return Criterion(
            "proprieta",
            NOT_MET,
            "Il nucleo possiede un alloggio adeguato in Lombardia.",
            ref,
            unverified,
        )
    return Criterion(
        "proprieta", MET, "Nessun alloggio adeguato in proprietà in Lombardia.", ref, unverified
    )


def check_documents(regulation: Regulation, facts: Facts) -> Criterion | None:
    if not regulation.required_documents:
        return None
    ref, unverified = _ref(regulation, "required_documents")
    missing = [d for d in regulation.required_documents if d not in facts.documents]
    if missing:
        return Criterion(
            "documenti",
            MISSING,
            "Documenti mancanti: " + "; ".join(missing) + ".",
            ref,
            unverified,
        )
    return Criterion("documenti", MET, "Tutti i documenti richiesti presenti.", ref, unverified)


def check_application(regulation: Regulation, facts: Facts, on: date) -> list[Criterion]:
    """Every criterion of ``regulation`` on ``facts`` at the date ``on`` (the application
    date), in a fixed order; criteria the regulation does not require are left out."""
    checks = (
        check_isee(regulation, facts),
        check_rent_burden(regulation, facts),
        check_residence(regulation, facts),
        check_lease(regulation, facts, on),
        check_tenure(regulation, facts),
        check_eviction(regulation, facts),
        check_dwelling(regulation, facts),
        check_documents(regulation, facts),
    )
    return [c for c in checks if c is not None]


def eligibility(criteria: Iterable[Criterion]) -> str:
    """Not eligible if any criterion is not met; incomplete if any datum is missing; else
    eligible."""
    outcomes = {c.outcome for c in criteria}
    if NOT_MET in outcomes:
        return NOT_ELIGIBLE
    if MISSING in outcomes:
        return INCOMPLETE
    return ELIGIBLE


# -- the grant -----------------------------------------------------------------------------------
def compute_grant(regulation: Regulation, monthly_rent_cents: int | None) -> Grant | None:
    """monthly share = rent × share, rounded to the cent half up; × months; capped."""
    if monthly_rent_cents is None:
        return None
    share = (Decimal(monthly_rent_cents) * regulation.grant_share).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    monthly = int(share)
    uncapped = monthly * regulation.grant_months
    amount = min(uncapped, regulation.grant_cap_cents)
    share_words = (
        "il canone"
        if regulation.grant_share == 1
        else f"il {percent(regulation.grant_share)} del canone"
    )
    text = (
        f"{share_words.capitalize()} di {format_euro(monthly_rent_cents)} = "
        f"{format_euro(monthly)} al mese "
        f"(arrotondato al centesimo, metà per eccesso) × {regulation.grant_months} mesi = "
        f"{format_euro(uncapped)}"
    )
    if uncapped > regulation.grant_cap_cents:
        text += f", ridotto al tetto di {format_euro(regulation.grant_cap_cents)} per nucleo"
    text += f"; pagato al {regulation.paid_to}."
    return Grant(
        monthly_share_cents=monthly,
        months=regulation.grant_months,
        uncapped_cents=uncapped,
        cap_cents=regulation.grant_cap_cents,
        amount_cents=amount,
        paid_to=regulation.paid_to,
        explanation=text,
    )


# -- the ranking ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """One application as the ranking sees it."""

    id: str
    eligibility: str
    grant_cents: int | None
    isee_cents: int | None
    casa_grade: int | None
    submitted_at: object  # an aware datetime (comparable)
    rent_burden: Decimal | None = None


@dataclass(frozen=True)
class Placed:
    id: str
    position: int | None  # 1.. for eligible applications; None when excluded
    outcome: str  # finanziabile | idonea_non_finanziata | esclusa
    funded_cents: int
    cumulative_cents: int  # funded so far, this one included


_BIG = 10**15


def _key(candidate: Candidate, keys: Sequence[str]) -> tuple:
    parts: list = []
    for key in keys:
        if key == RANK_ISEE_ASC:
            parts.append(candidate.isee_cents if candidate.isee_cents is not None else _BIG)
        elif key == RANK_GRADE_DESC:
            parts.append(-(candidate.casa_grade or 0))
        elif key == RANK_SUBMITTED_ASC:
            parts.append(candidate.submitted_at)
        elif key == RANK_BURDEN_DESC:
            parts.append(-(candidate.rent_burden or Decimal(0)))
    parts.append(candidate.id)  # a stable last tie-break
    return tuple(parts)


def rank(candidates: Iterable[Candidate], keys: Sequence[str], budget_cents: int) -> list[Placed]:
    """Eligible applications in the order of ``keys`` (then by id); each is funded in full
    while the budget lasts. The first that does not fit ends the funding: it and every one
    after it are "idonea non finanziata" (no smaller grant further down jumps the queue, no
    grant is cut). Ineligible or incomplete ones are "esclusa", after the others."""
    candidates = list(candidates)
    eligible = sorted(
        (c for c in candidates if c.eligibility == ELIGIBLE and c.grant_cents),
        key=lambda c: _key(c, keys),
    )
    placed: list[Placed] = []
    spent = 0
    open_ = True
    for position, c in enumerate(eligible, start=1):
        grant = c.grant_cents or 0
        if open_ and spent + grant <= budget_cents:
            spent += grant
            placed.append(Placed(c.id, position, FUNDED, grant, spent))
        else:
            open_ = False
            placed.append(Placed(c.id, position, NOT_FUNDED, 0, spent))
    ranked = {p.id for p in placed}
    return placed + [
        Placed(c.id, None, EXCLUDED, 0, spent) for c in candidates if c.id not in ranked
    ]


def ranking_words(keys: Sequence[str]) -> str:
    return ", poi ".join(RANKING_WORDS.get(k, k) for k in keys)
