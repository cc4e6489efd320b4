"""Morosità incolpevole rules (domain/arrears_relief.py): the eviction file's stages and dates,
the access criteria of DM 14/5/2014 art. 3, and the contribution lines of DM 30/3/2016 art. 5,
with worked figures in integer cents."""

from datetime import date

import pytest

from funds.domain import arrears_relief as ar
from funds.domain.criteria import MET, MISSING, NOT_MET
from funds.errors import ArrearsInputInvalid, ArrearsStageTransitionInvalid

TODAY = date(2026, 12, 2)


# -- the state machine --------------------------------------------------------------------------
def test_a_whole_eviction_in_order_is_accepted_and_waits_on_each_fixed_date():
    steps = [
        ar.Stage(ar.ARREARS, date(2026, 1, 10)),
        ar.Stage(ar.NOTICE, date(2026, 2, 3), date(2026, 3, 12)),
        ar.Stage(ar.HEARING, date(2026, 3, 12)),
        ar.Stage(ar.GRACE, date(2026, 3, 12), date(2026, 6, 15)),  # 90 + 5 days
        ar.Stage(ar.VALIDATED, date(2026, 6, 15), date(2026, 10, 1)),
        ar.Stage(ar.PRECETTO, date(2026, 7, 1)),
        ar.Stage(ar.RELEASE_NOTICE, date(2026, 9, 1), date(2026, 9, 30)),
        ar.Stage(ar.ACCESS, date(2026, 9, 30), date(2026, 11, 4)),
        ar.Stage(ar.ACCESS, date(2026, 11, 4), date(2026, 12, 9)),
    ]
    done = []
    for step in steps:
        done.append(ar.check_stage(done, step, TODAY))
    assert ar.next_date(done) == (date(2026, 12, 9), ar.DUE_ACCESS)
    done.append(ar.check_stage(done, ar.Stage(ar.EXECUTED, date(2026, 12, 2)), TODAY))
    assert ar.next_date(done) is None
    assert ar.next_date(done[:2]) == (date(2026, 3, 12), ar.DUE_HEARING)
    assert ar.next_date(done[:5]) == (date(2026, 10, 1), ar.DUE_EXECUTION)


@pytest.mark.parametrize(
    ("before", "requested"),
    [
        ((), ar.HEARING),  # a file starts at the arrears or the notice
        ((ar.ARREARS,), ar.VALIDATED),  # no convalida without notice and hearing
        ((ar.ARREARS, ar.NOTICE), ar.CURED),  # cured only in court
        ((ar.ARREARS, ar.NOTICE, ar.HEARING, ar.VALIDATED), ar.RELEASE_NOTICE),  # precetto first
        ((ar.NOTICE, ar.HEARING, ar.VALIDATED, ar.PRECETTO), ar.EXECUTED),  # avviso first
        ((ar.NOTICE, ar.WITHDRAWN), ar.HEARING),  # final
        ((ar.NOTICE, ar.HEARING, ar.CURED), ar.WITHDRAWN),  # final
        ((ar.ARREARS,), "sospeso"),  # unknown
    ],
)
def test_an_impossible_move_is_refused_with_its_code_and_the_moves_allowed(before, requested):
    done = [ar.Stage(stage, date(2026, 1, 1)) for stage in before]
    with pytest.raises(ArrearsStageTransitionInvalid) as error:
        ar.check_stage(done, ar.Stage(requested, date(2026, 2, 1)), TODAY)
    assert error.value.code == "arrears_stage_transition_invalid"
    assert error.value.details["requested"] == requested
    assert error.value.details["allowed"] == sorted(ar.allowed_next(before[-1] if before else None))


def test_the_landlord_may_withdraw_from_every_stage_before_the_end():
    for stage in set(ar.STAGES) - ar.FINAL:
        assert ar.WITHDRAWN in ar.allowed_next(stage)
    assert all(not ar.allowed_next(stage) for stage in ar.FINAL)


def field_codes(error):
    return {path: [e["code"] for e in items] for path, items in error.value.errors.items()}


def test_dates_out_of_order_in_the_future_or_missing_are_coded_field_errors():
    done = [ar.Stage(ar.NOTICE, date(2026, 5, 10), date(2026, 6, 20))]
    with pytest.raises(ArrearsInputInvalid) as error:
        ar.check_stage(done, ar.Stage(ar.HEARING, date(2026, 5, 9)), TODAY)
    assert field_codes(error) == {"on": ["date_order"]}
    with pytest.raises(ArrearsInputInvalid) as error:
        ar.check_stage(done, ar.Stage(ar.HEARING, date(2026, 12, 3)), TODAY)
    assert field_codes(error) == {"on": ["date_in_the_future"]}
    assert error.value.errors["on"][0]["today"] == "2026-12-02"
    with pytest.raises(ArrearsInputInvalid) as error:
        ar.check_stage([], ar.Stage(ar.NOTICE, date(2026, 5, 10)), TODAY)
    assert field_codes(error) == {"due_on": ["arrears_due_date_required"]}
    with pytest.raises(ArrearsInputInvalid) as error:
        ar.check_stage([], ar.Stage(ar.NOTICE, date(2026, 5, 10), date(2026, 5, 1)), TODAY)
    assert field_codes(error) == {"due_on": ["date_order"]}
    with pytest.raises(ArrearsInputInvalid) as error:
        ar.check_stage([], ar.Stage(ar.ARREARS, date(2026, 5, 10), date(2026, 6, 1)), TODAY)
    assert field_codes(error) == {"due_on": ["arrears_due_date_not_expected"]}


def test_the_grace_period_is_at_most_90_days_plus_10_to_the_hearing_or_120_in_hardship():
    done = [
        ar.Stage(ar.NOTICE, date(2026, 1, 5), date(2026, 2, 2)),
        ar.Stage(ar.HEARING, date(2026, 2, 2)),
    ]
    # 2 February + 100 days = 13 May
    ar.check_stage(done, ar.Stage(ar.GRACE, date(2026, 2, 2), date(2026, 5, 13)), TODAY)
    with pytest.raises(ArrearsInputInvalid) as error:
        ar.check_stage(done, ar.Stage(ar.GRACE, date(2026, 2, 2), date(2026, 5, 14)), TODAY)
    assert error.value.errors["due_on"] == [
        {"code": "arrears_grace_too_long", "max": 90, "latest": "2026-05-13"}
    ]
    # hardship (art. 55 c. 4): 120 + 10 days = 12 June
    longer = ar.Stage(ar.GRACE, date(2026, 2, 2), date(2026, 6, 12), hardship=True)
    ar.check_stage(done, longer, TODAY)


def test_the_release_notice_comes_at_least_10_days_before_the_access():
    done = [
        ar.Stage(ar.NOTICE, date(2026, 1, 5), date(2026, 2, 2)),
        ar.Stage(ar.HEARING, date(2026, 2, 2)),
        ar.Stage(ar.VALIDATED, date(2026, 2, 2)),
        ar.Stage(ar.PRECETTO, date(2026, 3, 1)),
    ]
    ar.check_stage(done, ar.Stage(ar.RELEASE_NOTICE, date(2026, 4, 1), date(2026, 4, 11)), TODAY)
    with pytest.raises(ArrearsInputInvalid) as error:
        ar.check_stage(
            done, ar.Stage(ar.RELEASE_NOTICE, date(2026, 4, 1), date(2026, 4, 10)), TODAY
        )
    assert error.value.errors["due_on"] == [{"code": "arrears_release_notice_too_short", "min": 10}]


# -- the cause and the access criteria ----------------------------------------------------------
ELIGIBLE_FACTS = ar.Facts(
    cause=ar.DISMISSAL,
    income_loss_on=date(2025, 9, 30),
    ise_cents=3_200_000,
    isee_cents=None,
    lease_registered=True,
    lease_start=date(2021, 4, 1),
    cadastral_category="A/3",
    resident_since=date(2025, 12, 2),
    citizenship="extra_ue",
    residence_permit_valid=True,
    owns_adequate_dwelling_in_province=False,
    member_minor=True,
)
NOTICED = [ar.Stage(ar.NOTICE, date(2026, 2, 3), date(2026, 3, 12))]


def by_code(criteria):
    return {c.code: c for c in criteria}


def test_a_household_meeting_every_criterion_is_eligible_and_each_one_is_explained():
    result = ar.assess(ELIGIBLE_FACTS, NOTICED, TODAY)
    assert result.eligibility == ar.ELIGIBLE
    criteria = by_code(result.criteria)
    assert list(criteria) == [
        "causa",
        "reddito",
        "intimazione",
        "contratto",
        "residenza",
        "cittadinanza",
        "altro_alloggio",
    ]
    assert all(c.outcome == MET for c in criteria.values())
    assert criteria["reddito"].explanation == (
        "ISE € 32.000,00: entro il limite (ISE fino a € 35.000,00 oppure ISEE fino a € 26.000,00)."
    )
    assert criteria["reddito"].reference.startswith("DM 14 maggio 2014")
    assert "c. 1 lett. a" in criteria["reddito"].reference
    # resident since 2/12/2025: exactly 12 months on 2/12/2026
    assert criteria["residenza"].explanation == (
        "Residente nell'alloggio dal 02/12/2025: almeno 12 mesi."
    )
    assert criteria["intimazione"].explanation.endswith("notificata il 03/02/2026.")
    assert criteria["contratto"].explanation.endswith("categoria A3.")
    # the causes come from secondary sources: da verificare
    assert criteria["causa"].to_verify and criteria["causa"].reference.endswith("art. 2")
    assert result.preferential
    assert by_code(result.preferences)["minore"].outcome == MET
    assert by_code(result.preferences)["ultrasettantenne"].outcome == MISSING
    record = result.as_record()
    assert record["eligibility"] == "ammissibile" and len(record["criteria"]) == 7


def test_income_ise_or_isee_either_under_its_limit_is_enough():
    def income(**kw):
        return ar.check_income(ar.Facts(**kw), TODAY, ar.PARAMETERS)

    assert income(ise_cents=3_500_000).outcome == MET  # the limit itself
    assert income(ise_cents=3_500_001, isee_cents=2_600_000).outcome == MET
    met_by_isee = income(ise_cents=4_000_000, isee_cents=2_500_000)
    assert met_by_isee.outcome == MET
    assert met_by_isee.reference.endswith("c. 1 lett. a")
    assert income(ise_cents=3_500_001, isee_cents=2_600_001).outcome == NOT_MET
    assert income(ise_cents=3_500_001).outcome == MISSING  # the ISEE could still meet it
    assert income().outcome == MISSING


def test_one_criterion_not_met_makes_the_request_not_eligible_missing_data_incomplete():
    not_noticed = ar.assess(ELIGIBLE_FACTS, [ar.Stage(ar.ARREARS, date(2026, 1, 10))], TODAY)
    assert not_noticed.eligibility == ar.NOT_ELIGIBLE
    assert by_code(not_noticed.criteria)["intimazione"].outcome == NOT_MET
    luxury = ar.assess(
        ar.Facts(**{**ELIGIBLE_FACTS.__dict__, "cadastral_category": "A8"}), NOTICED, TODAY
    )
    assert luxury.eligibility == ar.NOT_ELIGIBLE
    assert by_code(luxury.criteria)["contratto"].explanation == (
        "Alloggio di categoria catastale A8: escluse A1, A8 e A9."
    )
    recent = ar.assess(
        ar.Facts(**{**ELIGIBLE_FACTS.__dict__, "resident_since": date(2025, 12, 3)}),
        NOTICED,
        TODAY,
    )
    assert by_code(recent.criteria)["residenza"].outcome == NOT_MET
    no_permit = ar.Facts(**{**ELIGIBLE_FACTS.__dict__, "residence_permit_valid": None})
    assert ar.assess(no_permit, NOTICED, TODAY).eligibility == ar.INCOMPLETE
    owner = ar.Facts(**{**ELIGIBLE_FACTS.__dict__, "owns_adequate_dwelling_in_province": True})
    assert ar.assess(owner, NOTICED, TODAY).eligibility == ar.NOT_ELIGIBLE
    assert ar.assess(ar.Facts(), [], TODAY).eligibility == ar.NOT_ELIGIBLE  # no intimazione
    assert ar.assess(ar.Facts(), NOTICED, TODAY).eligibility == ar.INCOMPLETE


def test_an_income_loss_before_the_lease_is_not_a_sopravvenuta_impossibility():
    before = ar.Facts(
        cause=ar.REDUNDANCY_FUND, income_loss_on=date(2020, 1, 1), lease_start=date(2021, 4, 1)
    )
    assert ar.check_cause(before).outcome == NOT_MET
    other = ar.Facts(
        cause=ar.OTHER_CAUSE,
        cause_note="separazione",
        income_loss_on=date(2025, 1, 1),
        lease_start=date(2021, 4, 1),
    )
    met = ar.check_cause(other)
    assert met.outcome == MET and "separazione" in met.explanation
    assert "la valuta il Comune" in met.explanation
    with pytest.raises(ArrearsInputInvalid) as error:
        ar.check_cause_input(ar.OTHER_CAUSE, " ")
    assert field_codes(error) == {"cause_note": ["arrears_cause_note_required"]}
    with pytest.raises(ArrearsInputInvalid) as error:
        ar.check_cause_input("pigrizia", None)
    assert field_codes(error) == {"cause": ["arrears_cause_unknown"]}


def test_the_rent_burden_is_shown_never_decisive_and_flagged_to_verify():
    facts = ar.Facts(
        **{
            **ELIGIBLE_FACTS.__dict__,
            "monthly_rent_cents": 45_000,
            "monthly_net_income_cents": 180_000,
        }
    )
    result = ar.assess(facts, NOTICED, TODAY)
    burden = by_code(result.criteria)["incidenza_canone"]
    assert burden.outcome == NOT_MET  # 25% is not over 30%
    assert burden.to_verify
    assert "incidenza 25,00%" in burden.explanation
    assert result.eligibility == ar.ELIGIBLE


# -- the contribution ----------------------------------------------------------------------------
def lines(contribution):
    return {line.line: line.granted_cents for line in contribution.lines}


def test_line_a_pays_arrears_up_to_8000_if_2_years_remain_and_the_landlord_renounces():
    request = ar.ContributionRequest(
        arrears_cents=950_000,  # € 9.500,00 of arrears
        lease_end=date(2028, 12, 2),  # exactly 24 months left
        landlord_renounces_eviction=True,
    )
    result = ar.compute_contribution(request, TODAY)
    assert lines(result) == {"a": 800_000}
    assert result.total_cents == 800_000 and result.requested_cents == 950_000
    line = result.lines[0]
    assert line.cap_cents == 800_000
    assert line.explanation == (
        "Morosità accertata: richiesti € 9.500,00, ridotti al massimo della voce di € 8.000,00: "
        "concessi € 8.000,00."
    )
    assert line.reference.endswith("art. 5 c. 1 lett. a")
    short = ar.ContributionRequest(
        arrears_cents=300_000, lease_end=date(2028, 12, 1), landlord_renounces_eviction=False
    )
    refused = ar.compute_contribution(short, TODAY)
    assert refused.total_cents == 0
    assert "meno di 24 mesi" in refused.lines[0].explanation
    assert "non rinuncia" in refused.lines[0].explanation


def test_lines_b_c_d_and_the_total_cap_of_12000():
    request = ar.ContributionRequest(
        deferral_months=8,
        monthly_rent_cents=85_000,  # 8 × € 850 = € 6.800 → capped at € 6.000
        landlord_defers_eviction=True,
        deposit_cents=180_000,  # € 1.800
        new_lease_months=6,
        new_monthly_rent_cents=70_000,  # 6 × € 700 = € 4.200 → only € 4.200 of € 4.200 left
        new_lease_concordato=True,
    )
    result = ar.compute_contribution(request, TODAY)
    assert lines(result) == {"b": 600_000, "c": 180_000, "d": 420_000}
    assert result.total_cents == 1_200_000  # exactly the cap
    longer = ar.ContributionRequest(**{**request.__dict__, "new_lease_months": 10})
    capped = ar.compute_contribution(longer, TODAY)
    # d asks 10 × € 700 = € 7.000; € 12.000 − 6.000 − 1.800 = € 4.200 left
    assert lines(capped) == {"b": 600_000, "c": 180_000, "d": 420_000}
    assert capped.requested_cents == 680_000 + 180_000 + 700_000
    assert capped.lines[-1].explanation.endswith(
        "ridotti a € 4.200,00 per il massimo complessivo di € 12.000,00: concessi € 4.200,00."
    )
    assert any("unica soluzione" in note for note in capped.notes)
    not_concordato = ar.ContributionRequest(**{**request.__dict__, "new_lease_concordato": False})
    assert lines(ar.compute_contribution(not_concordato, TODAY))["d"] == 0


def test_a_and_b_together_are_computed_but_flagged_to_verify():
    request = ar.ContributionRequest(
        arrears_cents=500_000,
        lease_end=date(2030, 1, 1),
        landlord_renounces_eviction=True,
        deferral_months=10,
        monthly_rent_cents=90_000,
        landlord_defers_eviction=True,
    )
    result = ar.compute_contribution(request, TODAY)
    assert lines(result) == {"a": 500_000, "b": 600_000}
    assert result.to_verify and {line.line for line in result.lines if line.to_verify} == {
        "a",
        "b",
    }
    record = result.as_record()
    assert record["total_cents"] == 1_100_000 and record["to_verify"]
    assert {p["name"] for p in record["parameters"]} >= {
        "arrears_line_a_cap_cents",
        "arrears_total_cap_cents",
    }


def test_negative_amounts_are_refused_nothing_computed():
    with pytest.raises(ArrearsInputInvalid) as error:
        ar.compute_contribution(ar.ContributionRequest(deposit_cents=-1), TODAY)
    assert field_codes(error) == {"deposit_cents": ["range"]}


def test_every_figure_is_a_dated_parameter_with_its_reference():
    names = {p.name for p in ar.PARAMETERS}
    assert {ar.ISE_CAP, ar.ISEE_CAP, ar.LINE_A_CAP, ar.LINE_B_CAP, ar.TOTAL_CAP} <= names
    assert all(p.source for p in ar.PARAMETERS)
    flagged = {p.name for p in ar.PARAMETERS if p.to_verify}
    assert flagged == {ar.RELEASE_NOTICE_MIN_DAYS, ar.RENT_BURDEN}
    # before DM 30/3/2016 there is no cap of art. 5: the computation cannot run
    with pytest.raises(LookupError):
        ar.compute_contribution(ar.ContributionRequest(deposit_cents=1), date(2016, 1, 1))


# -- who may ------------------------------------------------------------------------------------
def test_operators_and_coordinators_work_the_arrears_file_municipal_clients_and_partners_not():
    from funds.domain import permissions as p

    for role in (p.AGENCY_OPERATOR, p.COMUNE_OPERATOR, p.COORDINATOR):
        assert p.may(role, p.READ_ARREARS) and p.may(role, p.WRITE_ARREARS)
    assert p.may(p.SYSTEM, p.READ_ARREARS) and not p.may(p.SYSTEM, p.WRITE_ARREARS)
    for role in (p.MUNICIPAL_CLIENT, p.PARTNER_CLIENT):
        assert not p.may(role, p.READ_ARREARS) and not p.may(role, p.WRITE_ARREARS)
