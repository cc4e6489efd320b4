"""SAT eligibility and stay, the occupancy standard: unit tests with worked examples; no broker,
no database."""

from dataclasses import replace
from datetime import date

import pytest

from housing_stock.domain.dwellings import dwelling_problems, transition_problems
from housing_stock.domain.occupancy import check_occupancy
from housing_stock.domain.sap_access import (
    ELIGIBLE,
    INCOMPLETE,
    NOT_ELIGIBLE,
    check_sap_access,
)
from housing_stock.domain.sat import (
    CALAMITY,
    EVICTION_BLAMELESS_ARREARS,
    EVICTION_END_OF_LEASE,
    check_sat_eligibility,
    sat_stay,
)
from housing_stock.errors import HousingRuleInputInvalid

EXECUTED = date(2025, 3, 15)


def sap(applicant, on=date(2025, 9, 1)):
    return check_sap_access(applicant, on)


@pytest.mark.parametrize(
    "on, outcome",
    [
        (date(2025, 9, 14), ELIGIBLE),
        (date(2025, 9, 15), ELIGIBLE),
        (date(2025, 9, 16), NOT_ELIGIBLE),
    ],
)
def test_an_eviction_counts_for_six_months_after_it_became_executive(on, outcome, sap_family):
    check = check_sat_eligibility(sap(sap_family), EVICTION_END_OF_LEASE, on, EXECUTED)
    assert check.outcome == outcome
    assert check.to_verify and "(da verificare)" in check.reasons[-1]
    assert "15/09/2025" in check.reasons[-1]


def test_an_eviction_without_its_date_is_to_complete(sap_family):
    check = check_sat_eligibility(sap(sap_family), EVICTION_BLAMELESS_ARREARS, date(2025, 9, 1))
    assert check.outcome == INCOMPLETE
    assert "serve la data" in check.reasons[-1]


def test_a_calamity_needs_no_window_but_the_sap_requirements_still_apply(sap_family):
    assert check_sat_eligibility(sap(sap_family), CALAMITY, date(2025, 9, 1)).outcome == ELIGIBLE
    rich = sap(replace(sap_family, isee_cents=2_000_000))
    check = check_sat_eligibility(rich, CALAMITY, date(2025, 9, 1))
    assert check.outcome == NOT_ELIGIBLE and "(isee)" in check.reasons[0]
    unknown = sap(replace(sap_family, isee_cents=None))
    assert check_sat_eligibility(unknown, CALAMITY, date(2025, 9, 1)).outcome == INCOMPLETE


def test_no_emergency_no_sat(sap_family):
    assert check_sat_eligibility(sap(sap_family), None, date(2025, 9, 1)).outcome == INCOMPLETE


def test_an_unknown_emergency_or_a_future_eviction_is_refused(sap_family):
    with pytest.raises(HousingRuleInputInvalid) as caught:
        check_sat_eligibility(sap(sap_family), "capriccio", date(2025, 9, 1), date(2025, 10, 1))
    assert set(caught.value.errors) == {"emergency", "eviction_executive_on"}


def test_a_sat_stay_is_12_months_renewable_once_for_12():
    stay = sat_stay(date(2025, 2, 1))
    assert stay.ends_on == date(2026, 1, 31) and stay.renewals_left == 1
    renewed = sat_stay(date(2025, 2, 1), renewals=1)
    assert renewed.ends_on == date(2027, 1, 31) and renewed.renewals_left == 0
    assert "dal 01/02/2025 al 31/01/2027" in renewed.explanation
    assert "(da verificare)" in renewed.explanation
    with pytest.raises(HousingRuleInputInvalid) as caught:
        sat_stay(date(2025, 2, 1), renewals=2)
    assert caught.value.errors["renewals"] == [{"code": "range", "max": 1}]


# -- occupancy ---------------------------------------------------------------------------------
def test_four_persons_need_two_bedrooms_and_60_square_metres():
    on = date(2025, 9, 1)
    small = check_occupancy(4, 2, 58, on)
    assert not small.fits and small.min_bedrooms == 2 and small.min_area_m2 == 60
    assert "meno dei 60 m²" in small.reasons[1] and small.to_verify
    ok = check_occupancy(4, 2, 65, on)
    assert ok.fits and not ok.under_occupied
    big = check_occupancy(4, 4, 90, on)
    assert big.fits and big.under_occupied and big.extra_bedrooms == 2
    short = check_occupancy(4, 1, 80, on)
    assert not short.fits and "ne servono almeno 2" in short.reasons[0]


@pytest.mark.parametrize(
    "size, area", [(1, 45), (2, 45), (3, 60), (4, 60), (5, 75), (6, 75), (7, 95), (12, 95)]
)
def test_the_adequate_area_by_household_size(size, area):
    assert check_occupancy(size, 3, 200, date(2025, 9, 1)).min_area_m2 == area


def test_negative_rooms_or_area_are_refused():
    with pytest.raises(HousingRuleInputInvalid) as caught:
        check_occupancy(0, -1, 0, date(2025, 9, 1))
    assert set(caught.value.errors) == {"household_size", "bedrooms", "area_m2"}


# -- dwelling states ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "current, wanted, allowed",
    [
        ("disponibile", "in_ristrutturazione", True),
        ("occupata", "disponibile", True),
        ("occupata", "in_ristrutturazione", False),  # not without the exit
        ("in_ristrutturazione", "disponibile", True),
        ("dismessa", "disponibile", False),  # final
    ],
)
def test_dwelling_state_transitions(current, wanted, allowed):
    problems = transition_problems(current, wanted)
    assert (problems == {}) is allowed
    if not allowed:
        assert problems["state"][0]["code"] == "dwelling_transition_not_allowed"


def test_an_unknown_state_is_one_of_the_list():
    assert transition_problems("disponibile", "volante")["state"][0]["code"] == "one_of"


def test_a_dwelling_needs_its_data_within_the_actor_scope():
    problems = dwelling_problems({"comune_istat": "015146", "bedrooms": -1}, ("015175",))
    assert problems["comune_istat"] == [{"code": "dwelling_comune_out_of_scope"}]
    assert problems["bedrooms"] == [{"code": "range", "min": 0}]
    assert {"code", "tenure", "owner", "area_m2"} <= set(problems)
