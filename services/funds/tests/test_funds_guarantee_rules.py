"""The guarantee fund's rules (domain/guarantee.py) with worked figures."""

from datetime import date
from decimal import Decimal

import pytest

from funds.domain import guarantee as g

TERMS = g.terms_on(date(2026, 12, 1))


def test_the_terms_in_force_carry_their_source_and_are_to_verify():
    assert TERMS is not None
    assert TERMS.max_rent_to_gross_income == Decimal("0.30")
    assert TERMS.cover_months_of_rent == 18
    assert TERMS.min_repayment_months == 12
    assert "Milano Abitare" in TERMS.source
    assert TERMS.to_verify is True
    assert g.terms_on(date(2014, 12, 31)) is None


def test_rent_at_most_thirty_percent_of_gross_income_enrols():
    # 12 x 600,00 = 7.200,00 against 28.000,00: 25,71%
    check = g.check_entry(
        monthly_rent_cents=60_000,
        gross_annual_income_cents=2_800_000,
        start_date=date(2026, 3, 1),
        duration_months=36,
        attestazione=True,
        terms=TERMS,
    )
    assert check.eligible
    assert check.rent_to_gross_income == Decimal("0.2571")
    assert check.cover_cap_cents == 1_080_000  # 18 x 600,00
    assert check.cover_ends_on == date(2029, 2, 28)
    assert "25,71%" in check.reasons[0] and "non supera il 30,00%" in check.reasons[0]


def test_rent_above_thirty_percent_is_refused_with_the_figures():
    # 12 x 750,00 = 9.000,00 against 28.000,00: 32,14%
    check = g.check_entry(
        monthly_rent_cents=75_000,
        gross_annual_income_cents=2_800_000,
        start_date=date(2026, 3, 1),
        duration_months=36,
        attestazione=True,
        terms=TERMS,
    )
    assert not check.eligible
    assert "32,14%" in check.reasons[0] and "supera il 30,00%" in check.reasons[0]


def test_exactly_thirty_percent_enrols_and_a_missing_attestazione_does_not():
    ok = g.check_entry(
        monthly_rent_cents=50_000,
        gross_annual_income_cents=2_000_000,
        start_date=date(2026, 1, 31),
        duration_months=1,
        attestazione=True,
        terms=TERMS,
    )
    assert ok.eligible and ok.rent_to_gross_income == Decimal("0.3000")
    assert ok.cover_ends_on == date(2026, 2, 27)  # 31/1 + 1 month = 28/2, the day before
    no = g.check_entry(
        monthly_rent_cents=50_000,
        gross_annual_income_cents=2_000_000,
        start_date=date(2026, 1, 1),
        duration_months=36,
        attestazione=False,
        terms=TERMS,
    )
    assert not no.eligible and "attestazione di rispondenza" in no.reasons[1]


def test_zero_income_is_not_eligible_and_says_why():
    check = g.check_entry(
        monthly_rent_cents=50_000,
        gross_annual_income_cents=0,
        start_date=date(2026, 1, 1),
        duration_months=36,
        attestazione=True,
        terms=TERMS,
    )
    assert not check.eligible and check.rent_to_gross_income is None
    assert "pari a zero" in check.reasons[0]


@pytest.mark.parametrize(
    ("unpaid", "legal", "recovered", "deposit", "owed", "payable"),
    [
        # 8 months unpaid at 600: 4.800 + 1.500 legal - 300 recovered - 1.200 deposit
        (480_000, 150_000, 30_000, 120_000, 480_000, 480_000),
        # exactly the cap: 15 months + 3.000 legal - 1.200 deposit = 10.800
        (900_000, 300_000, 0, 120_000, 1_080_000, 1_080_000),
        # above the cap: 18 months + 2.500 legal - 600 deposit = 12.700 -> 10.800
        (1_080_000, 250_000, 0, 60_000, 1_270_000, 1_080_000),
        # recovered more than owed: nothing to pay, never negative
        (100_000, 0, 80_000, 60_000, 0, 0),
    ],
)
def test_a_claim_pays_what_was_not_recovered_less_the_deposit_up_to_18_rents(
    unpaid, legal, recovered, deposit, owed, payable
):
    claim = g.assess_claim(
        unpaid_rent_cents=unpaid,
        legal_costs_cents=legal,
        recovered_cents=recovered,
        deposit_kept_cents=deposit,
        monthly_rent_cents=60_000,
        terms=TERMS,
    )
    assert (claim.owed_cents, claim.cap_cents, claim.payable_cents) == (owed, 1_080_000, payable)
    assert "18 × € 600,00 = € 10.800,00" in claim.explanation[2]
    assert claim.explanation[-1].endswith(f"{g.format_euro(payable)}.")


def test_a_claim_needs_arrears_within_the_cover_a_recovered_dwelling_and_every_document():
    every = frozenset(TERMS.required_documents)
    ok = g.claim_problems(
        arrears_from=date(2027, 5, 1),
        dwelling_recovered_on=date(2027, 11, 20),
        filed_on=date(2027, 12, 1),
        documents=every,
        cover_starts_on=date(2026, 3, 1),
        cover_ends_on=date(2029, 2, 28),
        terms=TERMS,
    )
    assert ok == {}
    bad = g.claim_problems(
        arrears_from=date(2029, 3, 1),
        dwelling_recovered_on=None,
        filed_on=date(2029, 6, 1),
        documents=every - {g.VERBALE_RILASCIO},
        cover_starts_on=date(2026, 3, 1),
        cover_ends_on=date(2029, 2, 28),
        terms=TERMS,
    )
    assert bad["arrears_from"][0]["code"] == g.COVER_NOT_ACTIVE
    assert bad["dwelling_recovered_on"][0]["code"] == g.RECOVERY_MISSING
    assert bad["documents"][0] == {"code": g.DOCUMENTS_MISSING, "missing": [g.VERBALE_RILASCIO]}
    later = g.claim_problems(
        arrears_from=date(2027, 5, 1),
        dwelling_recovered_on=date(2027, 12, 2),
        filed_on=date(2027, 12, 1),
        documents=every,
        cover_starts_on=date(2026, 3, 1),
        cover_ends_on=date(2029, 2, 28),
        terms=TERMS,
    )
    assert later["dwelling_recovered_on"][0]["code"] == g.DATE_ORDER


def test_the_repayment_plan_is_at_least_twelve_months_and_sums_to_the_amount():
    plan = g.repayment_plan(100_001, 12, date(2028, 1, 31), TERMS)
    assert [i.amount_cents for i in plan] == [8_333] * 11 + [8_338]
    assert sum(i.amount_cents for i in plan) == 100_001
    assert plan[1].due_on == date(2028, 2, 29) and plan[-1].due_on == date(2028, 12, 31)
    with pytest.raises(ValueError, match=g.PLAN_TOO_SHORT):
        g.repayment_plan(100_000, 11, date(2028, 1, 1), TERMS)


def test_exposure_is_what_active_covers_could_still_pay():
    assert g.exposure_cents([(1_080_000, 0), (900_000, 480_000), (500_000, 600_000)]) == 1_500_000
