"""SAP access (R.R. 4/2017 art. 7), indigenza (art. 13) and the yearly quotas: unit tests with
worked figures in integer cents; no broker, no database."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from housing_stock.domain import parameters as P
from housing_stock.domain.quotas import indigence_quota, sat_reserve_cap
from housing_stock.domain.sap_access import (
    ELIGIBLE,
    EQUAL_TREATMENT,
    INCOMPLETE,
    ITALIAN_OR_EU,
    MET,
    MISSING,
    NO_TITLE,
    NOT_ELIGIBLE,
    NOT_MET,
    RESIDENCE_PERMIT,
    SapApplicant,
    check_sap_access,
    patrimony_limit,
)
from housing_stock.errors import HousingParameterNotInForce, HousingRuleInputInvalid

ON = date(2025, 10, 1)


def verdicts(check):
    return {c.criterion: c.outcome for c in check.criteria}


def explanation(check, criterion):
    return next(c.explanation for c in check.criteria if c.criterion == criterion)


def test_a_family_within_every_limit_is_eligible_and_each_criterion_cites_its_source(sap_family):
    check = check_sap_access(sap_family, ON)
    assert check.outcome == ELIGIBLE
    assert set(verdicts(check).values()) == {MET}
    assert all("Fonte:" in c.explanation for c in check.criteria)
    assert "€ 9.800,00" in explanation(check, "isee") and "€ 16.000,00" in explanation(
        check, "isee"
    )
    assert "R.R. Lombardia 4 agosto 2017 n. 4, art. 7 c. 1 lett. c" in explanation(check, "isee")


def test_the_patrimonial_limit_grows_with_the_equivalence_scale_and_is_da_verificare(sap_family):
    # 16.000 + 5.000 × 2,04 = 26.200 euro
    limit, param, how = patrimony_limit(3, Decimal("2.04"), ON)
    assert limit == 2_620_000 and param.to_verify
    assert "€ 16.000,00 + € 5.000,00 × 2,04" in how
    text = explanation(check_sap_access(sap_family, ON), "patrimonio")
    assert "€ 26.200,00" in text and "(da verificare)" in text
    assert patrimony_limit(1, None, ON)[0] == 2_200_000  # a single person: 22.000 euro
    over = check_sap_access(replace(sap_family, patrimony_cents=2_620_001), ON)
    assert verdicts(over)["patrimonio"] == NOT_MET and over.outcome == NOT_ELIGIBLE


def test_isee_at_the_limit_is_met_one_cent_above_is_not(sap_family):
    assert verdicts(check_sap_access(replace(sap_family, isee_cents=1_600_000), ON))["isee"] == MET
    over = check_sap_access(replace(sap_family, isee_cents=1_600_001), ON)
    assert verdicts(over)["isee"] == NOT_MET and over.not_met == ("isee",)
    assert "supera il limite di € 16.000,00" in explanation(over, "isee")


def test_missing_data_leave_the_check_to_complete_and_say_what_is_missing():
    check = check_sap_access(SapApplicant(household_size=2, citizenship=ITALIAN_OR_EU), ON)
    assert check.outcome == INCOMPLETE
    assert set(check.missing) == {
        "residenza_o_lavoro_in_lombardia",
        "isee",
        "patrimonio",
        "alloggio_adeguato",
        "decadenza_e_occupazioni",
    }
    assert check.indigent is None and "non è valutabile" in check.indigence_explanation
    # one requirement not met outweighs the missing ones
    worse = check_sap_access(SapApplicant(household_size=2, citizenship=NO_TITLE), ON)
    assert worse.outcome == NOT_ELIGIBLE


@pytest.mark.parametrize(
    "permit_years, regular_work, outcome",
    [(2, True, MET), (1, True, NOT_MET), (3, False, NOT_MET), (None, True, MISSING)],
)
def test_a_non_eu_permit_needs_two_years_and_regular_work(
    permit_years, regular_work, outcome, sap_family
):
    applicant = replace(
        sap_family,
        citizenship=RESIDENCE_PERMIT,
        permit_years=permit_years,
        regular_work=regular_work,
    )
    assert verdicts(check_sap_access(applicant, ON))["cittadinanza"] == outcome


def test_equal_treatment_titles_are_met(sap_family):
    applicant = replace(sap_family, citizenship=EQUAL_TREATMENT)
    assert verdicts(check_sap_access(applicant, ON))["cittadinanza"] == MET


def test_five_years_of_residence_were_required_until_the_court_struck_them(
    sap_family,
):
    newcomer = replace(sap_family, years_resident_in_lombardia=1)
    before = check_sap_access(newcomer, date(2019, 6, 1))
    assert verdicts(before)["residenza_o_lavoro_in_lombardia"] == NOT_MET
    assert "minimo 5" in explanation(before, "residenza_o_lavoro_in_lombardia")
    after = check_sap_access(newcomer, date(2020, 3, 9))
    assert verdicts(after)["residenza_o_lavoro_in_lombardia"] == MET
    assert "sent. 44/2020" in explanation(after, "residenza_o_lavoro_in_lombardia")
    unknown = check_sap_access(
        replace(sap_family, years_resident_in_lombardia=None), date(2019, 6, 1)
    )
    assert verdicts(unknown)["residenza_o_lavoro_in_lombardia"] == MISSING


def test_an_adequate_dwelling_owned_excludes(sap_family):
    check = check_sap_access(replace(sap_family, owns_adequate_dwelling=True), ON)
    assert verdicts(check)["alloggio_adeguato"] == NOT_MET


def test_a_decadenza_within_five_years_excludes_an_older_one_does_not(sap_family):
    recent = replace(sap_family, had_sap_decadenza=True, sap_decadenza_on=date(2020, 10, 2))
    assert verdicts(check_sap_access(recent, ON))["decadenza_e_occupazioni"] == NOT_MET
    old = replace(recent, sap_decadenza_on=date(2020, 9, 30))
    assert verdicts(check_sap_access(old, ON))["decadenza_e_occupazioni"] == MET
    undated = replace(recent, sap_decadenza_on=None)
    assert verdicts(check_sap_access(undated, ON))["decadenza_e_occupazioni"] == MISSING
    squatter = replace(sap_family, abusive_occupation=True)
    assert verdicts(check_sap_access(squatter, ON))["decadenza_e_occupazioni"] == NOT_MET


def test_indigence_is_an_isee_up_to_3000_euro(sap_family):
    assert check_sap_access(replace(sap_family, isee_cents=300_000), ON).indigent is True
    above = check_sap_access(replace(sap_family, isee_cents=300_001), ON)
    assert above.indigent is False and "art. 13" in above.indigence_explanation


def test_impossible_figures_are_refused_with_coded_field_errors():
    with pytest.raises(HousingRuleInputInvalid) as caught:
        check_sap_access(SapApplicant(household_size=0, isee_cents=-1, citizenship="marziana"), ON)
    assert caught.value.code == "housing_rule_input_invalid"
    assert set(caught.value.errors) == {"household_size", "isee_cents", "citizenship"}
    assert caught.value.errors["isee_cents"] == [{"code": "range", "min": 0}]


def test_a_day_with_no_parameter_in_force_is_a_typed_error(sap_family):
    with pytest.raises(HousingParameterNotInForce) as caught:
        check_sap_access(sap_family, date(2016, 1, 1))
    assert caught.value.code == "housing_parameter_not_in_force"
    assert caught.value.details["on"] == "2016-01-01"


def test_parameters_pick_the_value_in_force_and_cite_it():
    rows = (
        P.DatedParameter("x", Decimal(1), date(2020, 1, 1), date(2020, 12, 31), "A"),
        P.DatedParameter("x", Decimal(2), date(2021, 1, 1), None, "B", to_verify=True),
    )
    assert P.parameter_on("x", date(2020, 12, 31), rows).value == 1
    assert P.parameter_on("x", date(2021, 1, 1), rows).cited() == "Fonte: B (da verificare)."
    assert P.parameter_on("x", date(2019, 12, 31), rows) is None


@pytest.mark.parametrize("available, quota", [(0, 0), (5, 1), (7, 2), (10, 2), (11, 3)])
def test_the_indigence_quota_is_20_percent_rounded_up(available, quota):
    assert indigence_quota(available, ON).units == quota


@pytest.mark.parametrize("available, cap", [(9, 0), (10, 1), (25, 2), (100, 10)])
def test_the_sat_reserve_is_at_most_10_percent_rounded_down(available, cap):
    result = sat_reserve_cap(available, ON)
    assert result.units == cap and result.to_verify
    assert "da verificare" in result.explanation


def test_a_negative_number_of_units_is_refused():
    with pytest.raises(HousingRuleInputInvalid):
        indigence_quota(-1, ON)
