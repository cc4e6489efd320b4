"""The budget ledger's rules (domain/ledger.py) with worked figures in integer cents.

The figures are those of seed 000 (Agenzia Sociale per la Locazione Metropolitana, PON Metro
MI4): ammesso € 1.514.648,44, giuridicamente vincolante € 1.326.980,00, erogato € 449.646,43."""

import pytest

from abitare_chassis.actor import ROLES
from funds.domain import ledger, permissions
from funds.domain.ledger import Delta, Totals
from funds.errors import (
    LedgerAboveProgrammed,
    LedgerAmountInvalid,
    LedgerCorrectionInvalid,
    LedgerOverCommitment,
    LedgerPaymentAboveCommitment,
)

SEED_000 = Totals(
    programmed_cents=151_464_844,
    allocated_cents=151_464_844,
    committed_cents=132_698_000,
    paid_cents=44_964_643,
)


def test_available_and_still_to_pay_of_the_seed_figures():
    assert SEED_000.available_cents == 18_766_844  # € 187.668,44
    assert SEED_000.to_pay_cents == 87_733_357  # € 877.333,57
    assert SEED_000.holds()


def test_the_seed_figures_are_the_sum_of_their_movements():
    programmed = Totals(programmed_cents=151_464_844)
    allocated = Totals(programmed_cents=151_464_844, allocated_cents=151_464_844)
    deltas = [
        ledger.programming(151_464_844),
        ledger.allocation(programmed, 151_464_844),
        ledger.commitment(allocated, 132_698_000),
        ledger.payment(132_698_000, 44_964_643),
    ]
    assert ledger.recompute(deltas) == SEED_000
    assert ledger.differences(SEED_000, deltas) == {}
    assert ledger.differences(
        Totals(151_464_844, 151_464_844, 132_698_000, 44_964_600), deltas
    ) == {"paid_cents": (44_964_600, 44_964_643)}


def test_a_commitment_of_exactly_the_available_amount_is_accepted_one_cent_more_is_not():
    assert ledger.commitment(SEED_000, 18_766_844) == Delta(committed_cents=18_766_844)
    with pytest.raises(LedgerOverCommitment) as error:
        ledger.commitment(SEED_000, 18_766_845)
    assert error.value.code == "ledger_over_commitment"
    assert error.value.details == {
        "available_cents": 18_766_844,
        "requested_cents": 18_766_845,
        "available": "€ 187.668,44",
    }


@pytest.mark.parametrize("amount", [0, -100, 12.5, 1.0, "100", None, True, ledger.MAX_CENTS + 1])
def test_amounts_are_whole_positive_cents(amount):
    with pytest.raises(LedgerAmountInvalid) as error:
        ledger.commitment(SEED_000, amount)
    assert error.value.code == "ledger_amount_invalid"
    assert error.value.errors["amount_cents"][0]["code"] == "ledger_amount"


def test_a_payment_settles_part_of_a_commitment_never_more_than_its_open_part():
    # a Misura unica grant of € 3.600,00 (10 rents of € 360,00), € 1.080,00 already paid
    open_cents = 360_000 - 108_000
    assert ledger.payment(open_cents, 252_000) == Delta(paid_cents=252_000)
    with pytest.raises(LedgerPaymentAboveCommitment) as error:
        ledger.payment(open_cents, 252_001)
    assert error.value.details["open_cents"] == 252_000


def test_a_move_takes_only_the_available_budget():
    # seed 004: Azione 3 € 109.527,61 with € 100.000,00 committed; € 9.527,61 can move
    azione_3 = Totals(10_952_761, 10_952_761, 10_000_000)
    assert ledger.move_out(azione_3, 952_761) == Delta(-952_761, -952_761)
    assert azione_3.plus(ledger.move_out(azione_3, 952_761)).available_cents == 0
    with pytest.raises(LedgerOverCommitment):
        ledger.move_out(azione_3, 952_762)
    assert ledger.move_in(952_761) == Delta(952_761, 952_761)


def test_a_correction_reverses_the_open_part_of_a_commitment():
    totals = Totals(500_000, 500_000, 360_000, 100_000)
    delta = ledger.correction(totals, ledger.COMMITMENT, 260_000, 260_000)
    assert delta == Delta(committed_cents=-260_000)
    after = totals.plus(delta)
    assert (after.available_cents, after.to_pay_cents, after.holds()) == (400_000, 0, True)
    with pytest.raises(LedgerCorrectionInvalid) as error:
        ledger.correction(totals, ledger.COMMITMENT, 260_000, 260_001)
    assert error.value.details["reason"] == "above_remaining"


def test_a_correction_of_a_payment_lowers_paid():
    totals = Totals(500_000, 500_000, 360_000, 100_000)
    assert ledger.correction(totals, ledger.PAYMENT, 100_000, 40_000) == Delta(paid_cents=-40_000)


def test_a_correction_of_an_allocation_cannot_take_committed_budget():
    totals = Totals(500_000, 500_000, 360_000)
    assert ledger.correction(totals, ledger.ALLOCATION, 500_000, 140_000) == Delta(
        allocated_cents=-140_000
    )
    with pytest.raises(LedgerCorrectionInvalid) as error:
        ledger.correction(totals, ledger.ALLOCATION, 500_000, 140_001)
    assert error.value.details == {
        "reason": "above_available",
        "available_cents": 140_000,
        "requested_cents": 140_001,
    }


@pytest.mark.parametrize("kind", [ledger.CORRECTION, ledger.MOVE_OUT, ledger.MOVE_IN])
def test_corrections_and_moves_out_are_not_corrected(kind):
    with pytest.raises(LedgerCorrectionInvalid) as error:
        ledger.correction(SEED_000, kind, 100, 100)
    assert error.value.details["reason"] == "not_correctable"


def test_invariants():
    assert not Totals(100, 100, 101, 0).holds()  # over-committed
    assert not Totals(100, 100, 50, 51).holds()  # paid above committed
    assert not Totals(100, 101, 0, 0).holds()  # allocated above programmed
    assert not Totals(0, -1, 0, 0).holds()


def test_an_allocation_stays_within_the_programme():
    # seed 002: programmato € 421.875,00, ammesso € 0,00
    seed_002 = Totals(programmed_cents=42_187_500)
    assert ledger.allocation(seed_002, 42_187_500) == Delta(allocated_cents=42_187_500)
    with pytest.raises(LedgerAboveProgrammed) as error:
        ledger.allocation(seed_002, 42_187_501)
    assert error.value.details["headroom"] == "€ 421.875,00"
    assert ledger.correction(seed_002, ledger.PROGRAMMING, 42_187_500, 100) == Delta(-100)


@pytest.mark.parametrize("action", [permissions.READ_LEDGER, permissions.MANAGE_LEDGER])
def test_only_coordinators_and_the_system_see_and_move_the_budget(action):
    allowed = {role for role in ROLES if permissions.may(role, action)}
    assert allowed == {permissions.COORDINATOR, permissions.SYSTEM}
