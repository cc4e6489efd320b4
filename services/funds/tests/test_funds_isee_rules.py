"""Unit tests of the ISEE estimate (domain_rules.md §1.9 worked examples A, B, C to the cent) and
of the choice of the applicable ISEE: no broker, no database."""

from datetime import date

import pytest

from funds.domain.isee import (
    CERTIFIED,
    ESTIMATED,
    choose_applicable,
    estimate_isee,
    imu_group,
)
from funds.domain.parameters import FAMILY_2026, isee_parameter_on
from funds.errors import IseeInputInvalid

DAY = date(2026, 1, 15)


def member(relation="altro", **figures):
    return {"relation": relation, **figures}


EXAMPLE_A = {
    "members": [member(employment_income_cents=1_800_000)],
    "rent": {"registered": True, "annual_rent_cents": 840_000},
    "financial": {"deposits_balance_cents": 400_000},
}
EXAMPLE_B = {
    "members": [
        member("genitore", employment_income_cents=2_800_000, worked_6_months=True),
        member("genitore", employment_income_cents=1_200_000, worked_6_months=True),
        member("figlio", minor=True),
        member("figlio", minor=True),
    ],
    "rent": {"registered": True, "annual_rent_cents": 960_000},
    "financial": {"deposits_balance_cents": 1_500_000, "state_bonds_cents": 2_000_000},
}
EXAMPLE_C = {
    "members": [
        member(pension_income_cents=1_400_000, disability="media"),
        member(pension_income_cents=900_000),
    ],
    "properties": [{"main_home": True, "rendita_cents": 70_000, "category": "A/2"}],
    "financial": {"deposits_balance_cents": 2_000_000},
}


def test_example_a_single_tenant():
    result = estimate_isee(EXAMPLE_A, DAY)
    assert result["kind"] == ESTIMATED
    assert result["isr"]["members"][0]["employment_deduction_cents"] == 300_000
    assert result["isr"]["rent_deduction_cents"] == 700_000
    assert result["isr"]["isr_cents"] == 800_000
    assert result["isp"]["isp_cents"] == 0
    assert result["scale"]["total"] == "1.00"
    assert result["ise_cents"] == 800_000
    assert result["isee_cents"] == 800_000


def test_example_b_couple_with_two_children():
    result = estimate_isee(EXAMPLE_B, DAY)
    deductions = [m["employment_deduction_cents"] for m in result["isr"]["members"]]
    assert deductions == [300_000, 240_000, 0, 0]
    assert result["isr"]["isr_cents"] == 2_760_000
    assert result["isp"]["state_bonds_excluded_cents"] == 2_000_000
    assert result["isp"]["movable_franchise_cents"] == 1_000_000
    assert result["isp"]["isp_cents"] == 500_000
    assert result["ise_cents"] == 2_860_000
    assert result["scale"] == {
        "base": "2.46",
        "children_increment": "0.00",
        "working_parents_increment": "0.20",
        "disability_increment": "0.00",
        "total": "2.66",
    }
    assert result["isee_cents"] == 1_075_188  # 10.751,88


def test_example_c_pensioners_with_home_and_disability():
    result = estimate_isee(EXAMPLE_C, DAY)
    assert [m["pension_deduction_cents"] for m in result["isr"]["members"]] == [100_000] * 2
    assert result["isr"]["isr_cents"] == 2_100_000
    home = result["isp"]["home"]
    assert home["value_cents"] == 11_760_000
    assert home["franchise_cents"] == 5_250_000
    assert home["counted_cents"] == 4_340_000
    assert result["isp"]["movable_cents"] == 1_200_000
    assert result["isp"]["isp_cents"] == 5_540_000
    assert result["ise_cents"] == 3_208_000
    assert result["scale"]["total"] == "2.07"
    assert result["isee_cents"] == 1_549_758  # 15.497,58


def test_example_c_with_the_2026_family_franchigia():
    result = estimate_isee(EXAMPLE_C, DAY, regime=FAMILY_2026)
    assert result["isp"]["home"]["franchise_cents"] == 9_150_000
    assert result["isee_cents"] == 1_298_551  # 12.985,51


def test_family_regime_before_2026_is_the_ordinary_one():
    assert estimate_isee(EXAMPLE_C, date(2025, 6, 1), regime=FAMILY_2026)["isee_cents"] == (
        1_549_758
    )


def test_2026_children_maggiorazione_only_in_the_family_regime():
    assert estimate_isee(EXAMPLE_B, DAY)["scale"]["children_increment"] == "0.00"
    assert estimate_isee(EXAMPLE_B, DAY, FAMILY_2026)["scale"]["children_increment"] == "0.10"


def test_parameters_carry_sources_and_flags():
    result = estimate_isee(EXAMPLE_B, DAY)
    used = {p["name"]: p for p in result["parameters"]}
    assert used["isee_scale_4"]["source"].startswith("DPCM 5 dicembre 2013 n. 159")
    assert used["isee_state_bonds_exclusion_cents"]["to_verify"] is True
    assert used["isee_scale_4"]["to_verify"] is False
    assert result["to_verify"] is True
    capoluogo = isee_parameter_on("isee_home_franchise_capoluogo_cents", DAY, FAMILY_2026)
    assert capoluogo.to_verify and capoluogo.value == 20_000_000
    assert isee_parameter_on("isee_home_franchise_capoluogo_cents", DAY) is None


def test_under_3_child_gives_0_3_instead_of_0_2():
    dsu = {
        **EXAMPLE_B,
        "members": [*EXAMPLE_B["members"][:3], member("figlio", minor=True, under_3=True)],
    }
    assert estimate_isee(dsu, DAY)["scale"]["working_parents_increment"] == "0.30"


def test_one_parent_not_working_loses_the_maggiorazione():
    members = [dict(m) for m in EXAMPLE_B["members"]]
    members[1]["worked_6_months"] = False
    assert (
        estimate_isee({**EXAMPLE_B, "members": members}, DAY)["scale"]["working_parents_increment"]
        == "0.00"
    )


def test_rent_cap_grows_after_the_second_child():
    dsu = {
        "members": [member("genitore"), *[member("figlio", minor=True)] * 3],
        "rent": {"registered": True, "annual_rent_cents": 900_000},
    }
    assert estimate_isee(dsu, DAY)["isr"]["rent_deduction_cents"] == 750_000


def test_unregistered_rent_is_not_deducted():
    dsu = {**EXAMPLE_A, "rent": {"registered": False, "annual_rent_cents": 840_000}}
    assert estimate_isee(dsu, DAY)["isr"]["rent_deduction_cents"] == 0


def test_isr_and_properties_floor_at_zero():
    dsu = {
        "members": [member(employment_income_cents=100_000, maintenance_paid_cents=900_000)],
        "properties": [{"imu_value_cents": 1_000_000, "mortgage_cents": 5_000_000}],
    }
    result = estimate_isee(dsu, DAY)
    assert result["isr"]["isr_cents"] == 0 and result["isp"]["isp_cents"] == 0


def test_large_nucleo_scale():
    dsu = {"members": [member("genitore"), member("genitore"), *[member("figlio")] * 5]}
    scale = estimate_isee(dsu, DAY)["scale"]
    assert scale["base"] == "3.55" and scale["children_increment"] == "0.50"


@pytest.mark.parametrize(
    "category, group", [("A/2", "A"), ("A/10", "A10"), ("C/6", "C2_C6_C7"), ("D/5", "D5")]
)
def test_imu_groups(category, group):
    assert imu_group(category) == group


@pytest.mark.parametrize(
    "dsu, field, code",
    [
        (
            {"members": [member("figlio", under_3=True)]},
            "members.0.under_3",
            "isee_under_3_not_minor",
        ),
        ({"members": [member("altro", minor=True)]}, "members.0.minor", "isee_minor_not_child"),
        ({"members": [member("figlio", minor=True)]}, "members", "isee_no_adult"),
        (
            {"members": [member()], "properties": [{"main_home": True, "imu_value_cents": 1}] * 2},
            "properties.1.main_home",
            "isee_two_homes",
        ),
        (
            {"members": [member()], "properties": [{}]},
            "properties.0.imu_value_cents",
            "isee_property_value_missing",
        ),
        (
            {"members": [member()], "rent": {"registered": True}},
            "rent.annual_rent_cents",
            "required",
        ),
    ],
)
def test_impossible_figures_are_refused(dsu, field, code):
    with pytest.raises(IseeInputInvalid) as refused:
        estimate_isee(dsu, DAY)
    assert refused.value.errors[field][0]["code"] == code


def test_applicable_prefers_a_valid_certified_isee():
    certified = [
        {
            "id": 1,
            "isee_cents": 900_000,
            "issued_on": date(2026, 1, 10),
            "valid_until": date(2026, 12, 31),
        }
    ]
    estimates = [{"id": 1, "isee_cents": 800_000, "computed_on": date(2026, 1, 12)}]
    chosen = choose_applicable(certified, estimates, DAY)
    assert chosen["kind"] == CERTIFIED and chosen["label"] == "ISEE certificato"
    assert chosen["isee_cents"] == 900_000
    expired = choose_applicable(certified, estimates, date(2027, 1, 2))
    assert expired["kind"] == ESTIMATED and expired["label"] == "ISEE stimato"
    assert choose_applicable([], estimates, date(2026, 1, 11)) is None
