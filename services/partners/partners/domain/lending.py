"""The loans a lending partner (FWA) grants to households the agency sent to it, as the partner
reports them: one state machine per loan, and the dated limits of each product.

**The agency never becomes the lender.** FWA (with its partner banks) lends; the agency only
records what FWA reports, checks that the report is coherent, and republishes it
(``partners.lender_status_reported.v1``) for the funds service to mirror.

A loan is known by the partner's own loan reference together with the partner referral it
answers. Its life::

    (none) --approved--> approved --disbursed--> disbursed --repaid--> repaid
                            |  ^                   |  ^  \\--written_off--> written_off
                            |  rescheduled         |  instalment_paid / instalment_missed /
                            +--'                   +--' rescheduled

Nothing follows ``repaid`` or ``written_off``; a first report other than ``approved`` names an
unknown loan; an instalment needs a disbursed loan and a number within the plan, paid at most
once per plan (a rescheduling starts a new plan, numbered from 1). Amounts are integer cents,
positive, within the product's limits on the day of the report; the plan (instalments ×
instalment amount) repays at least the amount lent and, for an interest-free product, no more
than the amount rounded up to a whole cent per instalment.

The limits are dated parameters (:data:`LIMITS`) with their source. domain_rules.md §5.2 has
them from secondary sources only ([S]), so each is flagged "da verificare" (``to_verify``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

MICROCREDITO = "microcredito"
ANTICIPAZIONE_SOCIALE = "anticipazione_sociale"
PRODUCTS = (MICROCREDITO, ANTICIPAZIONE_SOCIALE)  # domain.offers codes of lending services

# what the partner reports
APPROVED = "approved"
DISBURSED = "disbursed"
INSTALMENT_PAID = "instalment_paid"
INSTALMENT_MISSED = "instalment_missed"
RESCHEDULED = "rescheduled"
REPAID = "repaid"
WRITTEN_OFF = "written_off"
STATUSES = (
    APPROVED,
    DISBURSED,
    INSTALMENT_PAID,
    INSTALMENT_MISSED,
    RESCHEDULED,
    REPAID,
    WRITTEN_OFF,
)
CLOSED = (REPAID, WRITTEN_OFF)  # loan states after which nothing is accepted

# the statuses each loan state accepts (the state after a status: NEXT_STATE, else unchanged)
ACCEPTS: dict[str, tuple[str, ...]] = {
    APPROVED: (DISBURSED, RESCHEDULED),
    DISBURSED: (INSTALMENT_PAID, INSTALMENT_MISSED, RESCHEDULED, REPAID, WRITTEN_OFF),
    REPAID: (),
    WRITTEN_OFF: (),
}
NEXT_STATE = {APPROVED: APPROVED, DISBURSED: DISBURSED, REPAID: REPAID, WRITTEN_OFF: WRITTEN_OFF}
PLAN_STATUSES = (APPROVED, RESCHEDULED)  # carry a repayment plan
INSTALMENT_STATUSES = (INSTALMENT_PAID, INSTALMENT_MISSED)  # name an instalment

# error codes (typed errors in ..errors carry them; the gateway has their words)
LOAN_NOT_FOUND = "loan_not_found"
LOAN_EXISTS = "loan_exists"
LOAN_CLOSED = "loan_closed"
STATUS_NOT_ALLOWED = "lender_status_not_allowed"
# field error codes
AMOUNT_OUT_OF_RANGE = "amount_out_of_range"
INSTALMENTS_OUT_OF_RANGE = "instalments_out_of_range"
PLAN_TOO_SHORT = "plan_does_not_repay"
PLAN_CHARGES_INTEREST = "plan_charges_interest"
ALLOWANCES_OUT_OF_RANGE = "allowances_out_of_range"
INSTALMENT_NOT_IN_PLAN = "instalment_not_in_plan"
INSTALMENT_ALREADY_PAID = "instalment_already_paid"
DISBURSED_MORE_THAN_APPROVED = "disbursed_more_than_approved"
OUT_OF_ORDER = "status_before_previous"
PRODUCT_MISMATCH = "product_mismatch"
NO_LIMITS_ON = "no_limits_on_date"
NOT_POSITIVE = "amount_not_positive"
IN_THE_FUTURE = "date_in_the_future"
REQUIRED = "required"


@dataclass(frozen=True)
class Limits:
    """What a product allows, from ``valid_from`` to ``valid_to`` (inclusive; None = open)."""

    product: str
    min_cents: int
    max_cents: int
    max_instalments: int  # monthly instalments
    interest_free: bool
    max_allowances: int | None  # monthly allowances an advance may cover (anticipazione)
    valid_from: date
    valid_to: date | None
    source: str
    to_verify: bool  # "da verificare": the figure comes from a secondary source only

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


LIMITS: tuple[Limits, ...] = (
    Limits(
        product=MICROCREDITO,
        min_cents=200_000,  # € 2.000
        max_cents=2_000_000,  # € 20.000
        max_instalments=72,  # "rimborso fino a 6 anni", monthly
        interest_free=False,  # average rate ~4% (persons)
        max_allowances=None,
        valid_from=date(2011, 10, 1),
        valid_to=None,
        source=(
            "Fondazione Welfare Ambrosiano, Microcredito (dal 10/2011): prestiti da € 2.000 a "
            "€ 20.000, rimborso fino a 6 anni (fonti secondarie: faremilano 6/10/2011, vita.it); "
            "da verificare con la convenzione FWA in vigore"
        ),
        to_verify=True,
    ),
    Limits(
        product=ANTICIPAZIONE_SOCIALE,
        min_cents=1,
        max_cents=600_000,  # € 6.000
        max_instalments=72,  # no figure read: the microcredito's, da verificare
        interest_free=True,
        max_allowances=7,  # at most 7 monthly allowances of CIGS / CIG in deroga / solidarietà
        valid_from=date(2013, 1, 1),
        valid_to=None,
        source=(
            "Fondazione Welfare Ambrosiano, Anticipazione sociale degli ammortizzatori sociali "
            "(2013-2016): anticipo a tasso zero di massimo 7 mensilità e non oltre € 6.000 "
            "(fonti secondarie: milanotoday 2014, supermoney 2013); durata massima del rimborso "
            "non trovata; da verificare con la convenzione FWA in vigore"
        ),
        to_verify=True,
    ),
)


def limits_on(product: str, day: date, limits: tuple[Limits, ...] = LIMITS) -> Limits | None:
    """The limits of ``product`` valid on ``day`` (the most recent if periods overlap)."""
    valid = [lim for lim in limits if lim.product == product and lim.applies_on(day)]
    return max(valid, key=lambda lim: lim.valid_from) if valid else None


@dataclass(frozen=True)
class Report:
    """One status the partner reports (already shaped by the schema: types, required fields)."""

    status: str
    occurred_on: date
    product: str
    amount_cents: int | None = None
    instalments: int | None = None
    instalment_cents: int | None = None
    first_due_on: date | None = None
    instalment_number: int | None = None
    allowances: int | None = None  # anticipazione sociale: monthly allowances advanced


@dataclass(frozen=True)
class Loan:
    """A loan as its reports so far make it."""

    product: str
    state: str
    amount_cents: int  # approved
    instalments: int
    instalment_cents: int
    first_due_on: date
    disbursed_cents: int = 0
    repaid_cents: int = 0  # sum of the instalments paid (all plans)
    plan: int = 1  # 1 at approval, + 1 at each rescheduling
    paid: frozenset[int] = field(default_factory=frozenset)  # instalment numbers of this plan
    missed: frozenset[int] = field(default_factory=frozenset)
    last_on: date | None = None

    @property
    def outstanding_cents(self) -> int:
        return max(0, (self.disbursed_cents or self.amount_cents) - self.repaid_cents)


class LendingRefused(Exception):
    """A report that cannot apply: ``code`` (one above) and ``details``; ``fields`` maps a field
    to its error ``{"code": ..., **params}`` when the report's values are the problem."""

    def __init__(self, code: str, fields: dict | None = None, **details):
        super().__init__(code)
        self.code = code
        self.fields = fields or {}
        self.details = details


def field_refusal(code: str, name: str, **params) -> LendingRefused:
    """A report refused for the value of field ``name``."""
    return LendingRefused("invalid", {name: {"code": code, **params}})


def apply(loan: Loan | None, report: Report, today: date | None = None) -> Loan:
    """The loan after ``report``, or :class:`LendingRefused` (the loan is left as it was).
    ``today`` (the agency's): a report dated later is refused."""
    for name in ("amount_cents", "instalment_cents"):
        value = getattr(report, name)
        if value is not None and value <= 0:
            raise field_refusal(NOT_POSITIVE, name)
    if today is not None and report.occurred_on > today:
        raise field_refusal(IN_THE_FUTURE, "occurred_on", today=today.isoformat())
    if loan is None:
        if report.status != APPROVED:
            raise LendingRefused(LOAN_NOT_FOUND, status=report.status)
        return _approve(report)
    if loan.state in CLOSED:
        raise LendingRefused(LOAN_CLOSED, state=loan.state, status=report.status)
    if report.status == APPROVED:
        raise LendingRefused(LOAN_EXISTS, state=loan.state)
    if report.status not in ACCEPTS[loan.state]:
        raise LendingRefused(STATUS_NOT_ALLOWED, state=loan.state, status=report.status)
    if report.product != loan.product:
        raise field_refusal(PRODUCT_MISMATCH, "product", expected=loan.product)
    if loan.last_on is not None and report.occurred_on < loan.last_on:
        raise field_refusal(OUT_OF_ORDER, "occurred_on", after=loan.last_on.isoformat())
    loan = replace(loan, last_on=report.occurred_on)
    if report.status == DISBURSED:
        return _disburse(loan, report)
    if report.status in INSTALMENT_STATUSES:
        return _instalment(loan, report)
    if report.status == RESCHEDULED:
        return _reschedule(loan, report)
    return replace(loan, state=NEXT_STATE[report.status])  # repaid, written off


def _limits(report: Report) -> Limits:
    limits = limits_on(report.product, report.occurred_on)
    if limits is None:
        raise field_refusal(NO_LIMITS_ON, "occurred_on", product=report.product)
    return limits


def _check_plan(limits: Limits, report: Report, owed_cents: int) -> None:
    instalments, each = report.instalments or 0, report.instalment_cents or 0
    if not 1 <= instalments <= limits.max_instalments:
        raise field_refusal(
            INSTALMENTS_OUT_OF_RANGE, "instalments", min=1, max=limits.max_instalments
        )
    if instalments * each < owed_cents:
        raise field_refusal(PLAN_TOO_SHORT, "instalment_cents", owed_cents=owed_cents)
    if limits.interest_free and each > -(-owed_cents // instalments):
        raise field_refusal(
            PLAN_CHARGES_INTEREST, "instalment_cents", max=-(-owed_cents // instalments)
        )
    if report.first_due_on is None:
        raise field_refusal(REQUIRED, "first_due_on")


def _approve(report: Report) -> Loan:
    limits = _limits(report)
    amount = report.amount_cents or 0
    if not limits.min_cents <= amount <= limits.max_cents:
        raise field_refusal(
            AMOUNT_OUT_OF_RANGE, "amount_cents", min=limits.min_cents, max=limits.max_cents
        )
    if limits.max_allowances is not None and not (
        1 <= (report.allowances or 0) <= limits.max_allowances
    ):
        raise field_refusal(ALLOWANCES_OUT_OF_RANGE, "allowances", min=1, max=limits.max_allowances)
    _check_plan(limits, report, amount)
    return Loan(
        product=report.product,
        state=APPROVED,
        amount_cents=amount,
        last_on=report.occurred_on,
        **_plan(report),
    )


def _plan(report: Report) -> dict:
    """The plan of a report :func:`_check_plan` accepted."""
    return {
        "instalments": int(report.instalments or 0),
        "instalment_cents": int(report.instalment_cents or 0),
        "first_due_on": report.first_due_on,
    }


def _disburse(loan: Loan, report: Report) -> Loan:
    amount = report.amount_cents if report.amount_cents is not None else loan.amount_cents
    if amount > loan.amount_cents:
        raise field_refusal(DISBURSED_MORE_THAN_APPROVED, "amount_cents", max=loan.amount_cents)
    return replace(loan, state=DISBURSED, disbursed_cents=amount)


def _instalment(loan: Loan, report: Report) -> Loan:
    number = report.instalment_number or 0
    if not 1 <= number <= loan.instalments:
        raise field_refusal(
            INSTALMENT_NOT_IN_PLAN, "instalment_number", min=1, max=loan.instalments
        )
    if number in loan.paid:
        raise field_refusal(INSTALMENT_ALREADY_PAID, "instalment_number", number=number)
    if report.status == INSTALMENT_MISSED:
        return replace(loan, missed=loan.missed | {number})
    paid = report.amount_cents if report.amount_cents is not None else loan.instalment_cents
    return replace(
        loan,
        paid=loan.paid | {number},
        missed=loan.missed - {number},
        repaid_cents=loan.repaid_cents + paid,
    )


def _reschedule(loan: Loan, report: Report) -> Loan:
    _check_plan(_limits(report), report, loan.outstanding_cents)
    return replace(
        loan,
        **_plan(report),
        plan=loan.plan + 1,
        paid=frozenset(),
        missed=frozenset(),
    )


def replay(reports) -> Loan | None:
    """The loan its accepted reports (oldest first) make: how the service rebuilds it."""
    loan = None
    for report in reports:
        loan = apply(loan, report)
    return loan
