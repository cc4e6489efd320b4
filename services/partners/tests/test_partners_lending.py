"""The loan state machine and the products' dated limits (unit: no broker, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from partners.domain import lending as L

DAY = date(2026, 11, 2)
ALL_STATES = (L.APPROVED, L.DISBURSED, L.REPAID, L.WRITTEN_OFF)


def report(status, product=L.MICROCREDITO, **values) -> L.Report:
    return L.Report(
        status=status, occurred_on=values.pop("occurred_on", DAY), product=product, **values
    )


def approved(product=L.MICROCREDITO, **values) -> L.Report:
    plan = {"amount_cents": 500_000, "instalments": 24, "instalment_cents": 22_000}
    if product == L.ANTICIPAZIONE_SOCIALE:
        plan = {"amount_cents": 420_000, "instalments": 12, "instalment_cents": 35_000}
        plan["allowances"] = 5
    plan["first_due_on"] = date(2026, 12, 1)
    return report(L.APPROVED, product, **{**plan, **values})


def loan_in(state: str) -> L.Loan:
    loan = L.apply(None, approved())
    if state == L.APPROVED:
        return loan
    loan = L.apply(loan, report(L.DISBURSED))
    if state == L.DISBURSED:
        return loan
    return L.apply(loan, report(state))


def refused(loan, rep, today=None) -> L.LendingRefused:
    with pytest.raises(L.LendingRefused) as error:
        L.apply(loan, rep, today)
    return error.value


def field_code(error: L.LendingRefused) -> tuple[str, str]:
    assert error.code == "invalid"
    ((name, detail),) = error.fields.items()
    return name, detail["code"]


# -- every transition -----------------------------------------------------------------------
def test_a_loan_lives_from_approval_to_repayment():
    loan = L.apply(None, approved())
    assert (loan.state, loan.amount_cents, loan.instalments, loan.plan) == (
        L.APPROVED,
        500_000,
        24,
        1,
    )
    loan = L.apply(loan, report(L.DISBURSED))
    assert (loan.state, loan.disbursed_cents) == (L.DISBURSED, 500_000)
    loan = L.apply(loan, report(L.INSTALMENT_MISSED, instalment_number=1))
    assert loan.missed == {1}
    loan = L.apply(loan, report(L.INSTALMENT_PAID, instalment_number=1))
    assert (loan.paid, loan.missed, loan.repaid_cents) == ({1}, set(), 22_000)
    loan = L.apply(loan, report(L.INSTALMENT_PAID, instalment_number=2, amount_cents=10_000))
    assert loan.repaid_cents == 32_000 and loan.outstanding_cents == 468_000
    loan = L.apply(loan, report(L.REPAID))
    assert loan.state == L.REPAID


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("status", L.STATUSES)
def test_every_status_from_every_state(state, status):
    """The whole table: accepted exactly where ACCEPTS says, each refusal coded."""
    loan = loan_in(state)
    values = {
        L.RESCHEDULED: {"instalments": 36, "instalment_cents": 15_000, "first_due_on": DAY},
        L.INSTALMENT_PAID: {"instalment_number": 3},
        L.INSTALMENT_MISSED: {"instalment_number": 3},
    }.get(status, {})
    rep = report(status, **values)
    if status in L.ACCEPTS[state]:
        after = L.apply(loan, rep)
        expected = {L.DISBURSED: L.DISBURSED, L.REPAID: L.REPAID, L.WRITTEN_OFF: L.WRITTEN_OFF}
        assert after.state == expected.get(status, state)
        return
    error = refused(loan, rep)
    if state in L.CLOSED:
        assert error.code == L.LOAN_CLOSED  # nothing after repaid / written off
    elif status == L.APPROVED:
        assert error.code == L.LOAN_EXISTS
    else:
        assert error.code == L.STATUS_NOT_ALLOWED
        assert error.details == {"state": state, "status": status}


@pytest.mark.parametrize("status", [s for s in L.STATUSES if s != L.APPROVED])
def test_a_first_report_other_than_approved_names_an_unknown_loan(status):
    assert refused(None, report(status, instalment_number=1)).code == L.LOAN_NOT_FOUND


def test_an_instalment_needs_a_disbursed_loan_and_comes_once_per_plan():
    assert refused(loan_in(L.APPROVED), report(L.INSTALMENT_PAID, instalment_number=1)).code == (
        L.STATUS_NOT_ALLOWED
    )
    loan = L.apply(loan_in(L.DISBURSED), report(L.INSTALMENT_PAID, instalment_number=1))
    for status in (L.INSTALMENT_PAID, L.INSTALMENT_MISSED):
        assert field_code(refused(loan, report(status, instalment_number=1))) == (
            "instalment_number",
            L.INSTALMENT_ALREADY_PAID,
        )
    for number in (0, 25):
        assert field_code(refused(loan, report(L.INSTALMENT_PAID, instalment_number=number))) == (
            "instalment_number",
            L.INSTALMENT_NOT_IN_PLAN,
        )
    # a rescheduling starts a new plan, numbered from 1
    loan = L.apply(
        loan,
        report(L.RESCHEDULED, instalments=48, instalment_cents=10_000, first_due_on=DAY),
    )
    assert (loan.plan, loan.paid, loan.instalments) == (2, frozenset(), 48)
    assert L.apply(loan, report(L.INSTALMENT_PAID, instalment_number=1)).paid == {1}


def test_an_instalment_after_repayment_changes_nothing():
    loan = loan_in(L.REPAID)
    error = refused(loan, report(L.INSTALMENT_PAID, instalment_number=2))
    assert (error.code, error.details) == (
        L.LOAN_CLOSED,
        {"state": L.REPAID, "status": L.INSTALMENT_PAID},
    )


def test_reports_come_in_date_order_and_never_from_the_future():
    loan = L.apply(loan_in(L.APPROVED), report(L.DISBURSED, occurred_on=date(2026, 11, 10)))
    late = report(L.INSTALMENT_PAID, instalment_number=1, occurred_on=date(2026, 11, 9))
    assert field_code(refused(loan, late)) == ("occurred_on", L.OUT_OF_ORDER)
    future = report(L.INSTALMENT_PAID, instalment_number=1, occurred_on=date(2026, 11, 11))
    assert field_code(refused(loan, future, today=date(2026, 11, 10))) == (
        "occurred_on",
        L.IN_THE_FUTURE,
    )


def test_the_product_of_a_loan_does_not_change():
    rep = report(L.DISBURSED, product=L.ANTICIPAZIONE_SOCIALE)
    assert field_code(refused(loan_in(L.APPROVED), rep)) == ("product", L.PRODUCT_MISMATCH)


# -- amounts and limits -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["amount_cents", "instalment_cents"])
@pytest.mark.parametrize("value", [0, -100])
def test_amounts_are_positive(name, value):
    assert field_code(refused(None, approved(**{name: value}))) == (name, L.NOT_POSITIVE)
    loan = loan_in(L.DISBURSED)
    paid = report(L.INSTALMENT_PAID, instalment_number=1, amount_cents=value)
    assert field_code(refused(loan, paid)) == ("amount_cents", L.NOT_POSITIVE)


@pytest.mark.parametrize(
    "product, amount, ok",
    [
        (L.MICROCREDITO, 199_999, False),
        (L.MICROCREDITO, 200_000, True),
        (L.MICROCREDITO, 2_000_000, True),
        (L.MICROCREDITO, 2_000_001, False),
        (L.ANTICIPAZIONE_SOCIALE, 600_000, True),
        (L.ANTICIPAZIONE_SOCIALE, 600_001, False),
    ],
)
def test_the_amount_is_within_the_products_limits(product, amount, ok):
    instalments = 72 if product == L.MICROCREDITO else 12
    each = -(-amount // instalments)
    rep = approved(product, amount_cents=amount, instalments=instalments, instalment_cents=each)
    if ok:
        assert L.apply(None, rep).amount_cents == amount
    else:
        assert field_code(refused(None, rep)) == ("amount_cents", L.AMOUNT_OUT_OF_RANGE)


def test_microcredito_repays_in_at_most_six_years_of_monthly_instalments():
    assert L.apply(None, approved(instalments=72, instalment_cents=7_000)).instalments == 72
    assert field_code(refused(None, approved(instalments=73, instalment_cents=7_000))) == (
        "instalments",
        L.INSTALMENTS_OUT_OF_RANGE,
    )


def test_a_plan_repays_at_least_the_amount():
    assert field_code(refused(None, approved(instalments=24, instalment_cents=20_000))) == (
        "instalment_cents",
        L.PLAN_TOO_SHORT,
    )


def test_anticipazione_sociale_is_interest_free_and_covers_at_most_seven_allowances():
    product = L.ANTICIPAZIONE_SOCIALE
    exact = L.apply(
        None, approved(product, amount_cents=500_000, instalments=7, instalment_cents=71_429)
    )
    assert exact.instalment_cents == 71_429  # 500.000 / 7 rounded up to the cent
    dearer = approved(product, amount_cents=500_000, instalments=7, instalment_cents=71_430)
    assert field_code(refused(None, dearer)) == ("instalment_cents", L.PLAN_CHARGES_INTEREST)
    for allowances in (None, 0, 8):
        assert field_code(refused(None, approved(product, allowances=allowances))) == (
            "allowances",
            L.ALLOWANCES_OUT_OF_RANGE,
        )
    assert L.apply(None, approved(product, allowances=7)).state == L.APPROVED


def test_disbursed_at_most_the_amount_approved():
    rep = report(L.DISBURSED, amount_cents=500_001)
    assert field_code(refused(loan_in(L.APPROVED), rep)) == (
        "amount_cents",
        L.DISBURSED_MORE_THAN_APPROVED,
    )
    assert L.apply(
        loan_in(L.APPROVED), report(L.DISBURSED, amount_cents=400_000)
    ).disbursed_cents == (400_000)


def test_a_rescheduling_repays_what_is_outstanding():
    loan = L.apply(loan_in(L.DISBURSED), report(L.INSTALMENT_PAID, instalment_number=1))
    short = report(L.RESCHEDULED, instalments=10, instalment_cents=47_799, first_due_on=DAY)
    assert field_code(refused(loan, short)) == ("instalment_cents", L.PLAN_TOO_SHORT)
    enough = replace(short, instalment_cents=47_800)  # 478.000 outstanding
    assert L.apply(loan, enough).plan == 2
    missing_date = replace(enough, first_due_on=None)
    assert field_code(refused(loan, missing_date)) == ("first_due_on", L.REQUIRED)


def test_the_limits_are_dated_sourced_and_flagged_to_verify():
    for limits in L.LIMITS:
        assert limits.source and limits.to_verify and "da verificare" in limits.source
    assert L.limits_on(L.MICROCREDITO, date(2011, 9, 30)) is None  # before the scheme
    assert L.limits_on(L.MICROCREDITO, DAY).max_cents == 2_000_000
    old = approved(occurred_on=date(2011, 9, 30), first_due_on=date(2011, 11, 1))
    assert field_code(refused(None, old)) == ("occurred_on", L.NO_LIMITS_ON)


def test_a_loan_is_its_reports_replayed():
    reports = [
        approved(),
        report(L.DISBURSED),
        report(L.INSTALMENT_PAID, instalment_number=1),
        report(L.INSTALMENT_PAID, instalment_number=2),
    ]
    loan = L.replay(reports)
    assert (loan.state, loan.paid, loan.repaid_cents) == (L.DISBURSED, {1, 2}, 44_000)
    assert L.replay([]) is None
