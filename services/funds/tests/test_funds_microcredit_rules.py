"""Microcredit and Anticipazione Sociale rules, worked figures (domain_rules.md §5.2, §6)."""

from datetime import date
from decimal import Decimal

import pytest

from funds.domain import microcredit as mc

ON = date(2026, 12, 2)


def request(**overrides):
    values = {
        "purpose": "spese_abitative",
        "amount_cents": 500_000,
        "months": 36,
        "monthly_net_income_cents": 180_000,
        "monthly_rent_cents": 50_000,
    }
    return mc.MicrocreditRequest(**{**values, **overrides})


def test_instalment_is_french_amortisation_rounded_half_up():
    # € 5.000 over 36 months at 4 %: i = 0,04/12; 500000·i·(1+i)^36 / ((1+i)^36 − 1) = 14762,0…
    assert mc.monthly_instalment_cents(500_000, 36, Decimal("0.04")) == 14_762
    # € 20.000 over 72 months at 4 %: € 312,90
    assert mc.monthly_instalment_cents(2_000_000, 72, Decimal("0.04")) == 31_290
    # interest free: rounded up to the cent
    assert mc.monthly_instalment_cents(600_000, 7, Decimal("0")) == 85_715


def test_a_sustainable_request_explains_income_ratio_and_ceiling():
    result = mc.assess_microcredit(request(), ON)
    assert result.outcome == mc.SUSTAINABLE
    # rent 500 + instalment 147,62 = 647,62 of 1.800 = 35,98 % <= 40 %
    assert result.figures["instalment_cents"] == 14_762
    assert result.figures["burden_cents"] == 64_762
    assert result.figures["burden_ratio"] == "0.3598"
    text = result.explanation
    assert "€ 647,62" in text and "35,98%" in text and "40,00%" in text
    assert "reddito netto mensile" in text and "€ 1.800,00" in text
    assert result.to_verify  # every figure comes from secondary sources or the agency


def test_above_the_ceiling_is_not_sustainable():
    result = mc.assess_microcredit(request(monthly_net_income_cents=150_000), ON)
    # 647,62 / 1.500 = 43,17 % > 40 %
    assert result.outcome == mc.NOT_SUSTAINABLE
    assert result.figures["burden_ratio"] == "0.4317"
    assert "supera la soglia del 40,00%" in result.explanation


def test_exactly_at_the_ceiling_is_sustainable():
    # FWA's own instalment: 500 + 220 = 720 of 1.800 = 40,00 %
    result = mc.assess_microcredit(request(instalment_cents=22_000), ON)
    assert result.figures["burden_ratio"] == "0.4000"
    assert result.outcome == mc.SUSTAINABLE
    assert "rata indicata da FWA" in result.explanation


@pytest.mark.parametrize(
    "amount, months, failed",
    [(199_999, 36, "amount"), (2_000_001, 36, "amount"), (500_000, 73, "duration")],
)
def test_amount_and_duration_outside_the_product(amount, months, failed):
    result = mc.assess_microcredit(request(amount_cents=amount, months=months), ON)
    assert result.outcome == mc.NOT_SUSTAINABLE
    assert {c.code for c in result.criteria if c.outcome == mc.NOT_MET} >= {failed}


def test_the_limits_themselves_are_inside():
    assert mc.assess_microcredit(request(amount_cents=200_000, months=72), ON).outcome == (
        mc.SUSTAINABLE
    )
    low_income = request(amount_cents=2_000_000, months=72, monthly_net_income_cents=300_000)
    assert mc.assess_microcredit(low_income, ON).outcome == mc.SUSTAINABLE


def test_missing_income_says_what_is_missing():
    result = mc.assess_microcredit(request(monthly_net_income_cents=None), ON)
    assert result.outcome == mc.MISSING_DATA
    assert "reddito netto mensile" in result.explanation


def test_business_purpose_uses_the_business_rate():
    result = mc.assess_microcredit(request(purpose="avvio_impresa"), ON)
    assert result.figures["annual_rate"] == "0.065"
    assert result.figures["instalment_cents"] == mc.monthly_instalment_cents(
        500_000, 36, Decimal("0.065")
    )


def advance(**overrides):
    values = {
        "scheme": "cigs",
        "waiting_since": date(2026, 9, 1),
        "monthly_allowance_cents": 80_000,
        "allowances": 7,
        "workplace_in_milano_province": True,
    }
    return mc.AdvanceRequest(**{**values, **overrides})


def test_advance_eligible_within_seven_allowances_and_the_cap():
    result = mc.assess_advance(advance(), ON)  # 7 × 800 = 5.600 <= 6.000
    assert result.outcome == mc.ELIGIBLE
    assert result.figures == {"requested_cents": 560_000, "max_advance_cents": 560_000}


def test_advance_above_six_thousand_says_the_most_it_can_be():
    result = mc.assess_advance(advance(monthly_allowance_cents=90_000), ON)  # 7 × 900 = 6.300
    assert result.outcome == mc.NOT_ELIGIBLE
    assert result.figures["max_advance_cents"] == 600_000
    assert "€ 6.300,00" in result.explanation and "al massimo € 6.000,00" in result.explanation


def test_advance_more_than_seven_allowances_refused():
    result = mc.assess_advance(advance(allowances=8, monthly_allowance_cents=50_000), ON)
    assert result.outcome == mc.NOT_ELIGIBLE


def test_ordinary_cig_is_excluded():
    result = mc.assess_advance(advance(scheme="cig_ordinaria"), ON)
    assert result.outcome == mc.NOT_ELIGIBLE
    assert "esclusa la CIG ordinaria" in result.explanation


def test_waiting_must_be_more_than_two_months():
    # waiting since 2/10/2026: two months later is 2/12/2026, not yet "more than"
    assert mc.assess_advance(advance(waiting_since=date(2026, 10, 2)), ON).outcome == (
        mc.NOT_ELIGIBLE
    )
    assert mc.assess_advance(advance(waiting_since=date(2026, 10, 1)), ON).outcome == mc.ELIGIBLE
    assert mc.add_months(date(2025, 12, 31), 2) == date(2026, 2, 28)


def test_advance_missing_data():
    result = mc.assess_advance(advance(workplace_in_milano_province=None), ON)
    assert result.outcome == mc.MISSING_DATA


def test_two_missed_instalments_raise_the_warning_a_closed_loan_none():
    assert mc.arrears_warning("disbursed", [3], ON) is None
    warning = mc.arrears_warning("disbursed", [4, 3], ON)
    assert warning is not None and warning.missed == (3, 4)
    assert warning.threshold.value == 2 and warning.threshold.to_verify
    assert "rate n. 3, 4" in mc.warning_explanation(warning)
    assert mc.arrears_warning("written_off", [3, 4], ON) is None


def test_every_parameter_is_dated_sourced_and_flagged():
    for p in mc.PARAMETERS:
        assert p.valid_from and p.source and p.to_verify
