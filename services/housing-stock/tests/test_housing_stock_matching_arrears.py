"""Matching a household to available units, SAP arrears (balance, incolpevole or colpevole) and
the solidarity contribution: unit tests with worked figures in integer cents."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from housing_stock.domain.arrears import (
    COLPEVOLE,
    DISMISSAL,
    INCOLPEVOLE,
    NO_CAUSE,
    OTHER_CAUSE,
    TO_ASSESS,
    arrears_balance,
    classify_arrears,
    solidarity_contribution,
)
from housing_stock.domain.arrears import ELIGIBLE as S_ELIGIBLE
from housing_stock.domain.arrears import INCOMPLETE as S_INCOMPLETE
from housing_stock.domain.arrears import NOT_ELIGIBLE as S_NOT_ELIGIBLE
from housing_stock.domain.matching import (
    PRIVATE_VACANCY,
    TEMPORARY,
    Household,
    Unit,
    match_units,
)
from housing_stock.domain.parameters import PARAMETERS, SOLIDARITY_MAX_YEARLY_CENTS, DatedParameter
from housing_stock.errors import HousingRuleInputInvalid

ON = date(2025, 9, 1)
PIOLTELLO, SEGRATE, VIMODRONE = "015175", "015205", "015242"
FAMILY = Household(size=3, monthly_net_income_cents=150_000, comune_istat=PIOLTELLO)


def unit(unit_id, comune=PIOLTELLO, name="Pioltello", rent=42_000, **kw):
    fields = dict(bedrooms=2, area_m2=65, kind=PRIVATE_VACANCY, monthly_rent_cents=rent)
    fields.update(kw)
    return Unit(unit_id=unit_id, comune_istat=comune, comune_name=name, **fields)


def test_same_comune_first_then_the_lower_burden_and_unsustainable_rents_out():
    units = [
        unit("S1", SEGRATE, "Segrate", rent=38_000),  # 25,33%
        unit("P1", rent=42_000),  # 28,00%
        unit("P2", rent=48_000),  # 32,00%: excluded
        unit("P3", rent=45_000),  # 30,00%: at the threshold, kept
    ]
    result = match_units(FAMILY, units, ON)
    assert [m.unit.unit_id for m in result.ranked] == ["P1", "P3", "S1"]
    assert [m.rank for m in result.ranked] == [1, 2, 3]
    assert result.ranked[0].rent_to_income == Decimal("0.2800")
    assert any(
        "28,00% del reddito netto mensile (€ 1.500,00)" in r for r in result.ranked[0].reasons
    )
    (out,) = result.excluded
    assert out.unit.unit_id == "P2" and not out.suitable and out.rank is None
    assert any("supera il 30,00%" in r and "C.A.S.A." in r for r in out.reasons)


def test_a_rent_above_half_the_income_is_called_a_severe_burden():
    (out,) = match_units(FAMILY, [unit("P9", rent=80_000)], ON).excluded
    assert any("carico grave" in r for r in out.reasons)


def test_units_too_small_inaccessible_elsewhere_or_taken_are_excluded_with_reasons():
    household = replace(FAMILY, needs_step_free=True, acceptable_comuni=(PIOLTELLO, SEGRATE))
    units = [
        unit("A", step_free=True),
        unit("B", step_free=False),
        unit("C", step_free=True, bedrooms=1),
        unit("D", VIMODRONE, "Vimodrone", step_free=True),
        unit("E", step_free=True, available=False),
    ]
    result = match_units(household, units, ON)
    assert [m.unit.unit_id for m in result.ranked] == ["A"]
    why = {m.unit.unit_id: " ".join(m.reasons) for m in result.excluded}
    assert "senza barriere" in why["B"]
    assert "ne servono almeno 2" in why["C"]
    assert "Fuori dai comuni" in why["D"]
    assert "Non è disponibile" in why["E"]


def test_larger_units_rank_after_fitting_ones_at_equal_rent():
    units = [unit("BIG", bedrooms=4, area_m2=95), unit("FIT")]
    assert [m.unit.unit_id for m in match_units(FAMILY, units, ON).ranked] == ["FIT", "BIG"]


def test_an_unknown_income_keeps_units_but_after_the_assessed_ones():
    units = [unit("T1", kind=TEMPORARY, rent=0), unit("P1")]
    unknown = replace(FAMILY, monthly_net_income_cents=None)
    result = match_units(unknown, units, ON)
    assert {m.unit.unit_id for m in result.ranked} == {"T1", "P1"}
    assert all(m.rent_to_income is None for m in result.ranked)
    assert any("da valutare" in r for r in result.ranked[0].reasons)


def test_no_income_only_a_free_temporary_apartment_fits():
    broke = replace(FAMILY, monthly_net_income_cents=0)
    result = match_units(broke, [unit("T1", kind=TEMPORARY, rent=0), unit("P1")], ON)
    assert [m.unit.unit_id for m in result.ranked] == ["T1"]
    assert [m.unit.unit_id for m in result.excluded] == ["P1"]


def test_bad_units_are_refused_per_row():
    with pytest.raises(HousingRuleInputInvalid) as caught:
        match_units(FAMILY, [unit("ok"), unit("bad", rent=-1, kind="castello")], ON)
    assert set(caught.value.errors) == {"units.1.monthly_rent_cents", "units.1.kind"}


# -- arrears balance ----------------------------------------------------------------------------
RENT = 18_000
CHARGES = [(date(2025, 1, 1), RENT), (date(2025, 2, 1), RENT), (date(2025, 3, 1), RENT)]


def test_payments_settle_the_oldest_charges_first():
    balance = arrears_balance(CHARGES, [(date(2025, 1, 10), 20_000)], RENT, date(2025, 3, 10))
    assert balance.balance_cents == 34_000
    assert balance.oldest_unpaid_due_on == date(2025, 2, 1) and balance.age_days == 37
    assert balance.months_of_rent == Decimal("1.89") and not balance.warning
    assert "Sotto la soglia di allerta di 2 mensilità" in balance.explanation


def test_two_months_of_rent_unpaid_raise_the_early_warning():
    balance = arrears_balance(CHARGES, [(date(2025, 1, 10), 18_000)], RENT, date(2025, 3, 10))
    assert balance.balance_cents == 36_000 and balance.warning and balance.to_verify
    assert "da segnalare al comune" in balance.explanation


def test_charges_due_later_do_not_count_and_a_credit_is_shown():
    balance = arrears_balance(CHARGES, [(date(2025, 1, 5), 50_000)], RENT, date(2025, 2, 15))
    assert balance.balance_cents == -14_000 and balance.oldest_unpaid_due_on is None
    assert "Credito del nucleo: € 140,00" in balance.explanation and not balance.warning


# -- incolpevole or colpevole ---------------------------------------------------------------------
def classify(**kw):
    args = dict(
        cause=DISMISSAL,
        cause_on=date(2025, 2, 10),
        tenancy_started_on=date(2019, 5, 1),
        monthly_rent_cents=RENT,
        monthly_income_cents=50_000,  # 36,00%
        on=ON,
    )
    args.update(kw)
    return classify_arrears(**args)


def test_a_dismissal_after_the_lease_with_rent_over_30_percent_is_blameless():
    result = classify()
    assert result.outcome == INCOLPEVOLE and result.rent_to_income == Decimal("0.3600")
    assert "36,00%" in result.reasons[-1] and "(da verificare)" in result.reasons[-1]


def test_a_rent_still_within_30_percent_makes_the_arrears_colpevole():
    result = classify(monthly_income_cents=60_000)  # 30,00%
    assert result.outcome == COLPEVOLE and "resta sostenibile" in result.reasons[-1]


def test_a_cause_before_the_tenancy_is_not_sopravvenuta():
    result = classify(cause_on=date(2019, 4, 30))
    assert result.outcome == COLPEVOLE and "non è sopravvenuta" in result.reasons[0]


@pytest.mark.parametrize(
    "kw, outcome",
    [
        (dict(cause=None), TO_ASSESS),
        (dict(cause=OTHER_CAUSE), TO_ASSESS),
        (dict(cause_on=None), TO_ASSESS),
        (dict(monthly_income_cents=None), TO_ASSESS),
        (dict(monthly_income_cents=0), INCOLPEVOLE),
        (dict(cause=NO_CAUSE), COLPEVOLE),
    ],
)
def test_missing_or_open_facts(kw, outcome):
    assert classify(**kw).outcome == outcome


def test_an_unknown_cause_or_a_future_date_is_refused():
    with pytest.raises(HousingRuleInputInvalid) as caught:
        classify(cause="sfortuna", cause_on=date(2026, 1, 1))
    assert set(caught.value.errors) == {"cause", "cause_on"}


# -- solidarity contribution ----------------------------------------------------------------------
def solidarity(**kw):
    args = dict(
        arrears=INCOLPEVOLE,
        transitory_hardship=True,
        canone_applicato_cents=18_000,
        canone_minimo_cents=4_000,
        monthly_services_cents=6_500,
        months=12,
        on=ON,
    )
    args.update(kw)
    return solidarity_contribution(**args)


def test_the_contribution_covers_services_and_the_rent_above_the_minimum():
    estimate = solidarity()
    assert estimate.outcome == S_ELIGIBLE
    assert estimate.monthly_cents == 20_500 and estimate.total_cents == 246_000
    assert "€ 205,00 al mese, per 12 mesi: € 2.460,00" in estimate.reasons[0]
    assert "Nessun massimale annuo registrato" in estimate.reasons[1] and estimate.to_verify


def test_a_recorded_yearly_cap_limits_the_contribution():
    cap = DatedParameter(SOLIDARITY_MAX_YEARLY_CENTS, Decimal(200_000), ON, None, "DGR di prova")
    estimate = solidarity(parameters=(*PARAMETERS, cap))
    assert (
        estimate.total_cents == 200_000 and "massimale annuo di € 2.000,00" in estimate.reasons[1]
    )


@pytest.mark.parametrize(
    "kw, outcome",
    [
        (dict(arrears=COLPEVOLE), S_NOT_ELIGIBLE),
        (dict(transitory_hardship=False), S_NOT_ELIGIBLE),
        (dict(transitory_hardship=None), S_INCOMPLETE),
        (dict(arrears=TO_ASSESS), S_INCOMPLETE),
        (dict(arrears=None), S_ELIGIBLE),  # no arrears: hardship alone
    ],
)
def test_who_may_ask_for_the_contribution(kw, outcome):
    assert solidarity(**kw).outcome == outcome


def test_a_rent_below_the_minimum_adds_nothing_and_more_than_12_months_are_refused():
    assert solidarity(canone_applicato_cents=3_000).monthly_cents == 6_500
    with pytest.raises(HousingRuleInputInvalid) as caught:
        solidarity(months=13)
    assert caught.value.errors["months"] == [{"code": "range", "min": 1, "max": 12}]
