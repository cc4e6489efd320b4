"""Fondo Affitto rules (unit, no database): each criterion, the grant with worked figures, the
ranking until the budget ends. The regulation is the demo one (Misura unica affitto pattern)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from funds.domain import rent_fund as rf

MISURA_UNICA = rf.Regulation(
    isee_ceiling_cents=2_600_000,
    rent_burden_threshold=Decimal("0.30"),
    min_lease_months=6,
    residence_required=True,
    excluded_tenures=("sap", "sat", "riscatto"),
    exclude_eviction_procedure=True,
    exclude_adequate_dwelling=True,
    grant_share=Decimal("1"),
    grant_months=10,
    grant_cap_cents=360_000,
    paid_to="proprietario",
    required_documents=("Attestazione ISEE", "Contratto registrato"),
    references={"isee_ceiling_cents": "DGR XI/6970 del 19/9/2022"},
    unverified=("isee_ceiling_cents",),
)
ON = date(2026, 12, 2)
GOOD = rf.Facts(
    isee_cents=1_250_000,
    isee_kind="certificato",
    isee_protocol="INPS-ISEE-2026-00001",
    monthly_rent_cents=55_000,
    monthly_net_income_cents=140_000,
    resident=True,
    lease_registered=True,
    lease_start=date(2026, 6, 2),
    tenure="libero",
    eviction_procedure=False,
    owns_adequate_dwelling=False,
    documents=("Attestazione ISEE", "Contratto registrato"),
)


def outcome(criteria, code):
    return next(c for c in criteria if c.code == code)


def test_a_household_meeting_every_criterion_is_eligible():
    criteria = rf.check_application(MISURA_UNICA, GOOD, ON)
    assert [c.code for c in criteria] == [
        "isee",
        "incidenza_canone",
        "residenza",
        "contratto",
        "tipo_locazione",
        "sfratto",
        "proprieta",
        "documenti",
    ]
    assert {c.outcome for c in criteria} == {rf.MET}
    assert rf.eligibility(criteria) == rf.ELIGIBLE


@pytest.mark.parametrize(
    "isee, expected",
    [(2_600_000, rf.MET), (2_600_001, rf.NOT_MET), (0, rf.MET), (None, rf.MISSING)],
)
def test_isee_ceiling_is_inclusive(isee, expected):
    result = rf.check_isee(MISURA_UNICA, replace(GOOD, isee_cents=isee))
    assert result.outcome == expected
    assert result.reference == "DGR XI/6970 del 19/9/2022" and result.to_verify


def test_isee_explanation_says_which_kind_and_the_protocol():
    certified = rf.check_isee(MISURA_UNICA, GOOD)
    assert certified.explanation == (
        "ISEE certificato € 12.500,00 (protocollo INPS-ISEE-2026-00001): entro il limite di "
        "€ 26.000,00."
    )
    estimate = rf.check_isee(MISURA_UNICA, replace(GOOD, isee_kind="stimato", isee_protocol=None))
    assert "ISEE stimato € 12.500,00 (stima, non attestazione INPS)" in estimate.explanation


def test_rent_burden_worked_figures():
    # 550 / 1.400 = 39,3% ≥ 30%; 400 / 1.400 = 28,6% < 30%; 420 / 1.400 = exactly 30%
    met = rf.check_rent_burden(MISURA_UNICA, GOOD)
    assert met.outcome == rf.MET and "incidenza 39,3%" in met.explanation
    low = rf.check_rent_burden(MISURA_UNICA, replace(GOOD, monthly_rent_cents=40_000))
    assert low.outcome == rf.NOT_MET and "incidenza 28,6%, sotto il 30%" in low.explanation
    edge = rf.check_rent_burden(MISURA_UNICA, replace(GOOD, monthly_rent_cents=42_000))
    assert edge.outcome == rf.MET
    zero = rf.check_rent_burden(MISURA_UNICA, replace(GOOD, monthly_net_income_cents=0))
    assert zero.outcome == rf.MET
    missing = rf.check_rent_burden(MISURA_UNICA, replace(GOOD, monthly_net_income_cents=None))
    assert missing.outcome == rf.MISSING
    assert rf.check_rent_burden(replace(MISURA_UNICA, rent_burden_threshold=None), GOOD) is None


@pytest.mark.parametrize(
    "resident, expected", [(True, rf.MET), (False, rf.NOT_MET), (None, rf.MISSING)]
)
def test_residence(resident, expected):
    assert rf.check_residence(MISURA_UNICA, replace(GOOD, resident=resident)).outcome == expected


def test_residence_not_required_is_not_checked():
    assert rf.check_residence(replace(MISURA_UNICA, residence_required=False), GOOD) is None


@pytest.mark.parametrize(
    "start, registered, expected",
    [
        (date(2026, 6, 2), True, rf.MET),  # exactly 6 months on 2/12
        (date(2026, 6, 3), True, rf.NOT_MET),  # 5 months and 29 days
        (date(2020, 1, 1), False, rf.NOT_MET),  # not registered
        (None, True, rf.MISSING),
        (date(2026, 1, 1), None, rf.MISSING),
    ],
)
def test_lease_of_at_least_six_months_registered(start, registered, expected):
    facts = replace(GOOD, lease_start=start, lease_registered=registered)
    assert rf.check_lease(MISURA_UNICA, facts, ON).outcome == expected


def test_months_between():
    assert rf.months_between(date(2026, 3, 15), date(2026, 9, 14)) == 5
    assert rf.months_between(date(2026, 3, 15), date(2026, 9, 15)) == 6
    assert rf.months_between(date(2026, 12, 1), date(2026, 1, 1)) == 0


@pytest.mark.parametrize(
    "tenure, expected",
    [
        ("libero", rf.MET),
        ("concordato", rf.MET),
        ("sap", rf.NOT_MET),
        ("sat", rf.NOT_MET),
        ("riscatto", rf.NOT_MET),
        (None, rf.MISSING),
    ],
)
def test_sap_sat_and_riscatto_tenants_are_excluded(tenure, expected):
    assert rf.check_tenure(MISURA_UNICA, replace(GOOD, tenure=tenure)).outcome == expected


@pytest.mark.parametrize(
    "value, expected", [(False, rf.MET), (True, rf.NOT_MET), (None, rf.MISSING)]
)
def test_eviction_procedure_excludes(value, expected):
    assert rf.check_eviction(MISURA_UNICA, replace(GOOD, eviction_procedure=value)).outcome == (
        expected
    )


@pytest.mark.parametrize(
    "value, expected", [(False, rf.MET), (True, rf.NOT_MET), (None, rf.MISSING)]
)
def test_adequate_dwelling_owned_excludes(value, expected):
    facts = replace(GOOD, owns_adequate_dwelling=value)
    assert rf.check_dwelling(MISURA_UNICA, facts).outcome == expected


def test_missing_documents_are_named():
    result = rf.check_documents(MISURA_UNICA, replace(GOOD, documents=("Attestazione ISEE",)))
    assert result.outcome == rf.MISSING
    assert result.explanation == "Documenti mancanti: Contratto registrato."


def test_not_met_wins_over_missing_and_missing_over_met():
    criteria = rf.check_application(MISURA_UNICA, replace(GOOD, isee_cents=None), ON)
    assert rf.eligibility(criteria) == rf.INCOMPLETE
    criteria = rf.check_application(MISURA_UNICA, replace(GOOD, isee_cents=None, tenure="sap"), ON)
    assert rf.eligibility(criteria) == rf.NOT_ELIGIBLE


@pytest.mark.parametrize(
    "rent, share, expected_monthly, expected",
    [
        (32_000, "1", 32_000, 320_000),  # € 320 × 10 = € 3.200, under the cap
        (55_000, "1", 55_000, 360_000),  # € 550 × 10 = € 5.500 → cap € 3.600
        (36_000, "1", 36_000, 360_000),  # exactly the cap
        (45_001, "0.5", 22_501, 225_010),  # € 450,01 × 50% = 225,005 → 225,01 (half up)
        (45_003, "0.5", 22_502, 225_020),  # 225,015 → 225,02
        (33_333, "0.333", 11_100, 111_000),  # 111,00 (110,99889 → 111,00)
    ],
)
def test_grant_formula_worked_figures(rent, share, expected_monthly, expected):
    regulation = replace(MISURA_UNICA, grant_share=Decimal(share))
    grant = rf.compute_grant(regulation, rent)
    assert grant.monthly_share_cents == expected_monthly
    assert grant.amount_cents == expected
    assert grant.paid_to == "proprietario"


def test_grant_explanation_states_rounding_and_cap():
    grant = rf.compute_grant(MISURA_UNICA, 55_000)
    assert grant.explanation == (
        "Il canone di € 550,00 = € 550,00 al mese (arrotondato al centesimo, metà per eccesso) "
        "× 10 mesi = € 5.500,00, ridotto al tetto di € 3.600,00 per nucleo; pagato al "
        "proprietario."
    )
    assert rf.compute_grant(MISURA_UNICA, None) is None


T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)


def candidate(id, isee, grade=None, minutes=0, grant=360_000, eligibility=rf.ELIGIBLE):
    return rf.Candidate(id, eligibility, grant, isee, grade, T0 + timedelta(minutes=minutes))


def test_ranking_isee_then_grade_then_date_until_the_budget_ends():
    candidates = [
        candidate("a", 1_000_000, 2, 5),
        candidate("b", 500_000, 1, 9),
        candidate("c", 1_000_000, 4, 7),  # same ISEE as a, higher grade: before a
        candidate("d", 1_000_000, 4, 1, grant=100_000),  # same ISEE and grade as c, earlier
        candidate("e", 300_000, eligibility=rf.NOT_ELIGIBLE),
        candidate("f", 2_000_000, 3, 0, grant=50_000),
    ]
    keys = ("isee_asc", "grado_desc", "data_asc")
    placed = rf.rank(candidates, keys, budget_cents=900_000)
    # b 3.600 (3.600), d 1.000 (4.600), c 3.600 (8.200), a 3.600 does not fit: ends funding
    assert [(p.id, p.position, p.outcome, p.funded_cents) for p in placed] == [
        ("b", 1, rf.FUNDED, 360_000),
        ("d", 2, rf.FUNDED, 100_000),
        ("c", 3, rf.FUNDED, 360_000),
        ("a", 4, rf.NOT_FUNDED, 0),
        ("f", 5, rf.NOT_FUNDED, 0),  # a smaller grant further down does not jump the queue
        ("e", None, rf.EXCLUDED, 0),
    ]
    assert placed[2].cumulative_cents == 820_000


def test_ranking_with_budget_for_all():
    placed = rf.rank([candidate("a", 1), candidate("b", 2)], ("isee_asc",), 720_000)
    assert [p.outcome for p in placed] == [rf.FUNDED, rf.FUNDED]


def test_ranking_words():
    assert rf.ranking_words(("isee_asc", "grado_desc", "data_asc")) == (
        "ISEE crescente, poi grado C.A.S.A. decrescente, poi data di presentazione"
    )
