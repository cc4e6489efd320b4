"""The budget ledger's rules: pure arithmetic on a line's running totals, in integer cents.

A budget line (one fund, year and funding source, e.g. the San Giuliano ambito's 2026 Misura
unica line from the regional DGR) holds four running totals:

- ``programmed``: what the programme foresees for the line (importo programmato);
- ``allocated``: the budget of the line (ammesso a finanziamento), raised by an allocation or a
  move in, lowered by a move out;
- ``committed``: reserved for beneficiaries' measures (impegnato, giuridicamente vincolante);
- ``paid``: what was paid out of the commitments (liquidato / erogato).

``available = allocated - committed``. The invariants, which the database enforces too (CHECK
constraints on ``ledger_line``): ``0 <= paid <= committed <= allocated <= programmed``.

Nothing is ever overwritten: every change is a movement with a signed effect (a :class:`Delta`)
on the totals, and the totals are the sum of the movements (:func:`recompute`). A correction is a
new movement that reverses (part of) an earlier one, with a reason:

- a commitment's open part (committed, not paid, not yet corrected) goes back to available;
- a payment's uncorrected part goes back to its commitment (paid lowered);
- an allocation's uncorrected part leaves the line, if it is still available;
- a programming's uncorrected part leaves the programme, if it is not yet allocated.

A move (out or in) and a correction are not corrected themselves: the opposite move is a new
move.
A move shifts available budget (programmed and allocated together) from one line to another.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import (
    LedgerAboveProgrammed,
    LedgerAmountInvalid,
    LedgerCorrectionInvalid,
    LedgerOverCommitment,
    LedgerPaymentAboveCommitment,
)
from .money import format_euro

PROGRAMMING = "programming"  # importo programmato: what the programme foresees
ALLOCATION = "allocation"  # ammesso a finanziamento: the line's budget, within the programme
COMMITMENT = "commitment"  # impegno for one beneficiary's measure
PAYMENT = "payment"  # liquidazione / pagamento of part of a commitment
CORRECTION = "correction"  # rettifica: reverses (part of) an earlier movement
MOVE_OUT = "move_out"  # storno: budget leaving this line for another
MOVE_IN = "move_in"  # storno: budget arriving from another line
KINDS = (PROGRAMMING, ALLOCATION, COMMITMENT, PAYMENT, CORRECTION, MOVE_OUT, MOVE_IN)
CORRECTABLE = (PROGRAMMING, ALLOCATION, COMMITMENT, PAYMENT)

# the funds the agency manages; a line's ``fund``
FUNDS = (
    "misura_unica",  # Fondo affitto / Misura unica affitto (domain_rules.md §4.7)
    "fondo_affitto_ambito",  # the ambito's own Fondo Affitto (seed 003)
    "morosita_incolpevole",  # DM 14/5/2014, DM 30/3/2016 (§3)
    "fondo_garanzia",  # the landlord guarantee fund (§5.1)
    "microcredito",  # with FWA (§5.2)
    "progetto",  # a funded project's action (seeds 000, 002, 004)
    "agenzia",  # the agency's own lines
)
# who pays for a line; a line's ``source``
SOURCES = (
    "regione_lombardia",
    "comune",
    "pon_metro",
    "pnrr",
    "fondazione_cariplo",
    "ministero",
    "fwa",
    "agenzia",
)

# one hundred million euro: any single amount above is a typing error (as gateway money.py)
MAX_CENTS = 2_147_483_647  # the columns are 32-bit on PostgreSQL (INTEGER): € 21.474.836,47


@dataclass(frozen=True)
class Delta:
    """A movement's signed effect on a line's running totals."""

    programmed_cents: int = 0
    allocated_cents: int = 0
    committed_cents: int = 0
    paid_cents: int = 0


@dataclass(frozen=True)
class Totals:
    programmed_cents: int = 0
    allocated_cents: int = 0
    committed_cents: int = 0
    paid_cents: int = 0

    @property
    def available_cents(self) -> int:
        return self.allocated_cents - self.committed_cents

    @property
    def to_pay_cents(self) -> int:
        """Committed and not yet paid (residuo da liquidare)."""
        return self.committed_cents - self.paid_cents

    def plus(self, delta: Delta) -> Totals:
        return Totals(
            self.programmed_cents + delta.programmed_cents,
            self.allocated_cents + delta.allocated_cents,
            self.committed_cents + delta.committed_cents,
            self.paid_cents + delta.paid_cents,
        )

    def holds(self) -> bool:
        """The invariants: ``0 <= paid <= committed <= allocated <= programmed``."""
        return (
            0
            <= self.paid_cents
            <= self.committed_cents
            <= self.allocated_cents
            <= self.programmed_cents
        )


def check_amount(amount_cents) -> int:
    """A movement's amount: whole cents, positive, at most :data:`MAX_CENTS` (no floats, no
    fractional or negative cents: a decrease is a correction or a move, never a minus sign)."""
    if (
        isinstance(amount_cents, bool)
        or not isinstance(amount_cents, int)
        or not 0 < amount_cents <= MAX_CENTS
    ):
        raise LedgerAmountInvalid(
            {"amount_cents": [{"code": "ledger_amount", "min": 1, "max": MAX_CENTS}]},
            amount=repr(amount_cents),
        )
    return amount_cents


def programming(amount_cents: int) -> Delta:
    return Delta(programmed_cents=check_amount(amount_cents))


def allocation(totals: Totals, amount_cents: int) -> Delta:
    """Admit ``amount_cents`` to funding: at most what is programmed and not yet allocated."""
    check_amount(amount_cents)
    headroom = totals.programmed_cents - totals.allocated_cents
    if amount_cents > headroom:
        raise LedgerAboveProgrammed(
            headroom_cents=headroom, requested_cents=amount_cents, headroom=format_euro(headroom)
        )
    return Delta(allocated_cents=amount_cents)


def commitment(totals: Totals, amount_cents: int) -> Delta:
    """Reserve ``amount_cents`` for a measure: refused above the available amount, which the
    error carries (``available_cents``)."""
    check_amount(amount_cents)
    if amount_cents > totals.available_cents:
        raise LedgerOverCommitment(
            available_cents=totals.available_cents,
            requested_cents=amount_cents,
            available=format_euro(totals.available_cents),
        )
    return Delta(committed_cents=amount_cents)


def payment(open_cents: int, amount_cents: int) -> Delta:
    """Pay ``amount_cents`` of a commitment whose open part (its amount less what was paid and
    corrected on it) is ``open_cents``."""
    check_amount(amount_cents)
    if amount_cents > open_cents:
        raise LedgerPaymentAboveCommitment(
            open_cents=open_cents, requested_cents=amount_cents, open=format_euro(open_cents)
        )
    return Delta(paid_cents=amount_cents)


def move_out(totals: Totals, amount_cents: int) -> Delta:
    """Budget leaving a line: only what is still available (not committed) can move."""
    check_amount(amount_cents)
    if amount_cents > totals.available_cents:
        raise LedgerOverCommitment(
            available_cents=totals.available_cents,
            requested_cents=amount_cents,
            available=format_euro(totals.available_cents),
        )
    return Delta(programmed_cents=-amount_cents, allocated_cents=-amount_cents)


def move_in(amount_cents: int) -> Delta:
    amount_cents = check_amount(amount_cents)
    return Delta(programmed_cents=amount_cents, allocated_cents=amount_cents)


def correction(totals: Totals, kind: str, remaining_cents: int, amount_cents: int) -> Delta:
    """Reverse ``amount_cents`` of an earlier movement of ``kind`` of which ``remaining_cents``
    can still be reversed (for a commitment: its open part; for a payment, a programming or an
    allocation: what earlier corrections left of it)."""
    check_amount(amount_cents)
    if kind not in CORRECTABLE:
        raise LedgerCorrectionInvalid(reason="not_correctable", kind=kind)
    if amount_cents > remaining_cents:
        raise LedgerCorrectionInvalid(
            reason="above_remaining", remaining_cents=remaining_cents, requested_cents=amount_cents
        )
    if kind == COMMITMENT:
        return Delta(committed_cents=-amount_cents)
    if kind == PAYMENT:
        return Delta(paid_cents=-amount_cents)
    if kind == PROGRAMMING:  # only what is not yet admitted to funding
        headroom = totals.programmed_cents - totals.allocated_cents
        if amount_cents > headroom:
            raise LedgerCorrectionInvalid(
                reason="above_programmed_headroom",
                headroom_cents=headroom,
                requested_cents=amount_cents,
            )
        return Delta(programmed_cents=-amount_cents)
    if amount_cents > totals.available_cents:  # budget already committed cannot leave
        raise LedgerCorrectionInvalid(
            reason="above_available",
            available_cents=totals.available_cents,
            requested_cents=amount_cents,
        )
    return Delta(allocated_cents=-amount_cents)


def recompute(deltas) -> Totals:
    """The totals as the sum of the movements' effects."""
    totals = Totals()
    for delta in deltas:
        totals = totals.plus(delta)
    return totals


def differences(stored: Totals, deltas) -> dict[str, tuple[int, int]]:
    """Where the stored running totals differ from the movements' sum: ``{total: (stored,
    recomputed)}``, empty when the line reconciles."""
    recomputed = recompute(deltas)
    return {
        name: (getattr(stored, name), getattr(recomputed, name))
        for name in ("programmed_cents", "allocated_cents", "committed_cents", "paid_cents")
        if getattr(stored, name) != getattr(recomputed, name)
    }
