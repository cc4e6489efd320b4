"""The case-path rules in intake/domain: pure functions, no database, no broker."""

from datetime import date

import pytest

from intake.adapters import reference
from intake.domain import (
    codice_fiscale,
    commission,
    eligibility,
    grading,
    household,
    lifecycle,
    project,
)
from intake.domain import permissions as perm
from intake.errors import (
    CaseConflict,
    CaseForbidden,
    InvalidInput,
    MeetingConflict,
    ProposalConflict,
)

TODAY = date(2026, 3, 10)


# -- lifecycle --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "status, outcome, expected",
    [
        ("ricevuta", "presa_in_carico", "in_carico"),
        ("ricevuta", "richiesta_informazioni", "informazioni_richieste"),
        ("ricevuta", "respinta", "respinta"),
        ("informazioni_richieste", "presa_in_carico", "in_carico"),
        ("informazioni_richieste", "richiesta_informazioni", "informazioni_richieste"),
    ],
)
def test_triage_transitions(status, outcome, expected):
    assert lifecycle.after_triage(status, outcome) == expected


@pytest.mark.parametrize("status", ["in_carico", "respinta", "chiusa"])
def test_triage_is_refused_after_triage(status):
    with pytest.raises(CaseConflict):
        lifecycle.after_triage(status, "presa_in_carico")


def test_close_and_reopen_transitions():
    assert lifecycle.after_closure("in_carico") == "chiusa"
    assert lifecycle.after_reopening("chiusa") == "in_carico"
    for status in ("ricevuta", "informazioni_richieste", "respinta", "chiusa"):
        with pytest.raises(CaseConflict):
            lifecycle.after_closure(status)
    for status in ("ricevuta", "informazioni_richieste", "respinta", "in_carico"):
        with pytest.raises(CaseConflict):
            lifecycle.after_reopening(status)
    with pytest.raises(CaseConflict):
        lifecycle.ensure_in_charge("ricevuta", "given a project")
    with pytest.raises(CaseConflict):
        lifecycle.ensure_not_declined("respinta", "given diary entries")
    lifecycle.ensure_not_declined("chiusa", "given diary entries")


# -- permissions ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "role, allowed, refused",
    [
        (
            "agency_operator",
            [perm.READ_CASE, perm.TRIAGE, perm.ASSESS, perm.CLOSE, perm.WRITE_PROJECT],
            [perm.ASSIGN, perm.COMMISSION, perm.READ_AUDIT],
        ),
        ("coordinator", [perm.ASSIGN, perm.COMMISSION, perm.READ_AUDIT, perm.TRIAGE], []),
        (
            "comune_operator",
            [perm.READ_CASE, perm.WRITE_DIARY, perm.WRITE_PROJECT, perm.SCHEDULE_INTERVIEW],
            [perm.TRIAGE, perm.ASSESS, perm.CLOSE, perm.ASSIGN, perm.COMMISSION],
        ),
        (
            "municipal_client",
            [perm.READ_STATUS],
            [
                perm.READ_CASE,
                perm.WRITE_DIARY,
                perm.TRIAGE,
                perm.READ_WORKLIST,
                perm.READ_FOTOGRAFIA,
            ],
        ),
        ("system", [perm.ASSIGN, perm.COMMISSION, perm.TRIAGE], []),
    ],
)
def test_role_table(role, allowed, refused):
    for action in allowed:
        perm.ensure(role, action)
    for action in refused:
        with pytest.raises(CaseForbidden):
            perm.ensure(role, action)


def test_confidential_entries_are_for_author_and_assignee():
    assert perm.may_read_confidential("operator:a", "operator:a", None)
    assert perm.may_read_confidential("operator:b", "operator:a", "operator:b")
    assert not perm.may_read_confidential("operator:c", "operator:a", "operator:b")
    assert not perm.may_read_confidential("operator:c", "operator:a", None)


# -- eligibility ------------------------------------------------------------------------------
def test_served_ambiti_from_the_dated_reference_data():
    rows = reference.ambiti()
    sgm = {r["comune_istat"] for r in rows if r["ambito_code"] == "sgm"}
    assert len(sgm) == 9 and "015195" in sgm and "015050" in sgm
    yes = eligibility.served(rows, "015140", "Melegnano", date(2025, 5, 2))
    assert yes.served and yes.ambito_name == "Ambito di San Giuliano Milanese"
    assert "Melegnano" in yes.explanation
    assert eligibility.served(rows, "015146", "Milano", date(2025, 5, 2)).served
    no = eligibility.served(rows, "015175", "Pioltello", date(2025, 5, 2))
    assert not no.served and "non fa parte" in no.explanation
    assert not eligibility.served(rows, "015195", "San Giuliano", date(2023, 6, 30)).served


def test_served_respects_valid_to():
    rows = [
        {
            "ambito_code": "x",
            "ambito_name": "Ambito X",
            "comune_istat": "015175",
            "valid_from": date(2018, 1, 1),
            "valid_to": date(2020, 12, 31),
        }
    ]
    assert eligibility.served(rows, "015175", "Pioltello", date(2020, 12, 31)).served
    assert not eligibility.served(rows, "015175", "Pioltello", date(2021, 1, 1)).served


@pytest.mark.parametrize(
    "received, execution, late, days",
    [
        (date(2026, 1, 10), date(2026, 4, 10), False, 90),  # exactly 3 calendar months
        (date(2026, 1, 10), date(2026, 4, 9), True, 89),
        (date(2025, 11, 30), date(2026, 2, 28), False, 90),  # 30 Nov + 3 months = 28 Feb
        (date(2025, 11, 30), date(2026, 2, 27), True, 89),
        (date(2026, 3, 1), date(2026, 2, 1), True, -28),  # after the execution
    ],
)
def test_eviction_lateness_in_calendar_months(received, execution, late, days):
    timing = eligibility.eviction_timing(received, execution)
    assert (timing.late, timing.days_before) == (late, days)
    assert timing.explanation.startswith("Segnalazione tardiva") == late
    assert eligibility.eviction_timing(received, None) is None


@pytest.mark.parametrize(
    "received, execution, sentence",
    [
        (
            date(2026, 12, 1),
            date(2026, 12, 21),
            "Segnalazione tardiva: lo sfratto è fissato per il 21/12/2026, solo 20 giorni dopo "
            "l'arrivo della scheda (01/12/2026), con meno dei 3 mesi di anticipo richiesti; la "
            "scheda può comunque essere presa in carico.",
        ),
        (
            date(2026, 12, 1),
            date(2026, 12, 1),
            "Segnalazione tardiva: lo sfratto è fissato per il 01/12/2026, il giorno stesso "
            "dell'arrivo della scheda (01/12/2026), con meno dei 3 mesi di anticipo richiesti; "
            "la scheda può comunque essere presa in carico.",
        ),
        (
            date(2026, 1, 10),
            date(2026, 4, 10),
            "Lo sfratto è fissato per il 10/04/2026, 90 giorni dopo l'arrivo della scheda "
            "(10/01/2026): l'anticipo di almeno 3 mesi è rispettato.",
        ),
        (
            date(2026, 3, 1),
            date(2026, 2, 1),
            "Segnalazione tardiva: la scheda è arrivata il 01/03/2026, dopo l'esecuzione dello "
            "sfratto fissata il 01/02/2026; può comunque essere presa in carico.",
        ),
    ],
)
def test_eviction_timing_is_one_sentence(received, execution, sentence):
    """Issue 8 #7: the warning said the dates and the days twice; now one sentence."""
    explanation = eligibility.eviction_timing(received, execution).explanation
    assert explanation == sentence
    assert explanation.count(".") == 1 and explanation.endswith(".")  # one sentence


# -- household composition --------------------------------------------------------------------
def member(relation, born, cf="RSSMRA80A01F205X"):
    return household.Member(cf, "N", "C", born, relation)


HEAD_M = "RSSMRA80A01F205X"  # day 01: a man
HEAD_F = "BNCLRA82E45F205" + "X"  # day 45: a woman (check character irrelevant here)


@pytest.mark.parametrize(
    "members, sex, expected",
    [
        ([member("intestatario", date(1980, 1, 1))], "M", "adulto_solo"),
        ([member("intestatario", date(2010, 1, 1))], "M", "altro"),
        (
            [
                member("intestatario", date(1980, 1, 1)),
                member("coniuge", date(1982, 1, 1)),
                member("figlio", date(2015, 1, 1)),
                member("figlio", date(2018, 1, 1)),
            ],
            "M",
            "coppia_con_figli_minori",
        ),
        (
            [member("intestatario", date(1980, 1, 1)), member("convivente", date(1982, 1, 1))],
            "M",
            "coppia_senza_figli",
        ),
        (
            [member("intestatario", date(1985, 1, 1)), member("figlio", date(2015, 1, 1))],
            "F",
            "madre_sola_con_figli_minori",
        ),
        (
            [member("intestatario", date(1985, 1, 1)), member("figlio", date(2015, 1, 1))],
            "M",
            "padre_solo_con_figli_minori",
        ),
        (
            [member("intestatario", date(1980, 1, 1)), member("figlio", date(2007, 6, 1))],
            "F",
            "genitore_con_figlio_neomaggiorenne",
        ),
        (
            [member("intestatario", date(1970, 1, 1)), member("genitore", date(1945, 1, 1))],
            "M",
            "adulto_con_over_65",
        ),
        (
            [member("intestatario", date(1950, 1, 1)), member("figlio", date(1980, 1, 1))],
            "F",
            "adulto_con_over_65",
        ),
        (
            [
                member("intestatario", date(1980, 1, 1)),
                member("coniuge", date(1982, 1, 1)),
                member("figlio", date(2015, 1, 1)),
                member("genitore", date(1950, 1, 1)),
            ],
            "M",
            "coppia_con_figli_minori_e_over_65",
        ),
        (
            [
                member("intestatario", date(1980, 1, 1)),
                member("altro", date(1981, 1, 1)),
                member("altro", date(1982, 1, 1)),
            ],
            "M",
            "altro",
        ),
    ],
)
def test_household_composition(members, sex, expected):
    assert household.classify(members, TODAY, sex) == expected
    assert expected in household.COMPOSITIONS


def test_sex_from_codice_fiscale_with_omocodia():
    assert codice_fiscale.sex("RSSMRA80A01F205X") == "M"
    assert codice_fiscale.sex("BNCLRA82E45F205Z") == "F"
    assert codice_fiscale.sex("BNCLRA82E4RF205Z") == "F"  # omocodia: R = 5
    assert codice_fiscale.sex("short") is None


# -- grading ----------------------------------------------------------------------------------
def suggest(**indicators):
    return grading.suggest(indicators, indicators.pop("pis", None), TODAY)


def test_no_difficulty_is_grade_1():
    suggestion = suggest(rent_burden_over_30=False)
    assert suggestion.grade == 1 and suggestion.missing == []
    assert suggestion.explanation == [
        "Non emergono difficoltà in atto nel mantenimento dell'alloggio.",
        "Grado suggerito: 1 (fragilità abitativa).",
    ]


def test_missing_data_is_said_not_read_as_no_difficulty():
    """Issue 8 #9: with nothing known the suggestion says what is missing, never "no
    difficulty"."""
    suggestion = suggest()
    assert suggestion.grade == 1
    assert suggestion.missing == [
        "Mancano il canone o il reddito mensile: la sostenibilità del canone non è valutata."
    ]
    assert not any("Non emergono" in line for line in suggestion.explanation)
    assert suggestion.explanation[-1] == "Grado suggerito: 1 (fragilità abitativa), provvisorio."


SFRATTO = {
    "problem_reported": "sfratto_esecutivo",
    "housing_situation": "sfratto_in_corso",
    "eviction_date": None,
    "monthly_rent_cents": None,
    "monthly_net_income_cents": None,
    "minors": 0,
    "over_65": 0,
}


def from_referral(given=None, **referral):
    return grading.suggest_for_referral(given or {}, {**SFRATTO, **referral}, None, TODAY)


def test_executive_eviction_without_indicators_is_grade_2_with_what_is_missing():
    """The case of issue 8 #9: "sfratto esecutivo / rilascio per sfratto in corso", nothing
    ticked, no date, no money: grade 2 (an eviction under way, seeds/003), and it says what is
    missing."""
    indicators, suggestion = from_referral()
    assert indicators["eviction_stage"] == "convalida"
    assert suggestion.grade == 2
    assert suggestion.explanation == [
        "Dalla scheda di attivazione: la procedura di sfratto.",
        "Procedura di sfratto in corso (sfratto convalidato).",
        "Mancano il canone o il reddito mensile: la sostenibilità del canone non è valutata.",
        "Manca la data dell'esecuzione dello sfratto.",
        "Grado suggerito: 2 (sofferenza abitativa).",
    ]


def test_eviction_date_rent_and_income_from_the_referral():
    """Worked example: execution fixed on 15/03/2027, rent 900 €, income 1.500 € (60% > 30%),
    one minor: grade 2; with a weak network the fixed execution makes it grade 3."""
    referral = {
        "eviction_date": date(2027, 3, 15),
        "monthly_rent_cents": 90000,
        "monthly_net_income_cents": 150000,
        "minors": 1,
    }
    indicators, suggestion = from_referral(**referral)
    assert (indicators["eviction_stage"], indicators["rent_burden_over_30"]) == (
        "esecuzione_fissata",
        True,
    )
    assert suggestion.grade == 2 and suggestion.missing == []
    assert suggestion.explanation[:2] == [
        "Dalla scheda di attivazione: la procedura di sfratto, la data dello sfratto, "
        "canone e reddito, i minori del nucleo.",
        "Procedura di sfratto in corso (esecuzione dello sfratto fissata, data 15/03/2027).",
    ]
    _, worse = from_referral({"weak_support_network": True}, **referral)
    assert worse.grade == 3


def test_the_assessment_wins_over_the_referral():
    indicators, suggestion = from_referral({"eviction_stage": "eseguito"})
    assert indicators["eviction_stage"] == "eseguito" and suggestion.grade == 4
    indicators, _ = from_referral(
        {"rent_burden_over_30": False}, monthly_rent_cents=90000, monthly_net_income_cents=100000
    )
    assert indicators["rent_burden_over_30"] is False


@pytest.mark.parametrize(
    "referral, indicator, grade",
    [
        ({"problem_reported": "morosita_affitto", "housing_situation": "altro"}, "arrears_rent", 2),
        (
            {"problem_reported": "violenza_maltrattamenti", "housing_situation": "altro"},
            "violence_or_abuse",
            4,
        ),
        (
            {"problem_reported": "assenza_dimora", "housing_situation": "altro"},
            "no_home_to_return",
            4,
        ),
        (
            {"problem_reported": "canone_insostenibile", "housing_situation": "altro"},
            "rent_burden_over_30",
            1,
        ),
        (
            {"problem_reported": "altro", "housing_situation": "sfratto_in_corso"},
            "eviction_stage",
            2,
        ),
    ],
)
def test_problem_and_housing_situation_read_as_indicators(referral, indicator, grade):
    indicators, suggestion = from_referral(**referral)
    assert indicators[indicator] and suggestion.grade == grade


def test_housing_situation_alone_says_the_eviction_stage_is_not_known():
    _, suggestion = from_referral(problem_reported="altro")
    assert "Procedura di sfratto in corso (fase non indicata)." in (suggestion.explanation)


def test_rent_burden_alone_is_fragility():
    suggestion = suggest(rent_burden_over_30=True)
    assert suggestion.grade == 1 and "30%" in suggestion.explanation[0]


def test_arrears_are_grade_2():
    suggestion = suggest(arrears_rent=True, arrears_utilities=True)
    assert suggestion.grade == 2
    assert suggestion.explanation[0] == "Morosità in corso: affitto, spese e utenze."


def test_arrears_with_two_dimensions_are_grade_3():
    suggestion = suggest(
        arrears_rent=True, weak_support_network=True, documents_expiring_on=date(2026, 4, 1)
    )
    assert suggestion.grade == 3
    assert any("Documenti" in line for line in suggestion.explanation)
    assert any("Rete sociale" in line for line in suggestion.explanation)


def test_late_eviction_with_one_dimension_is_grade_3():
    assert suggest(eviction_stage="esecuzione_fissata", legal_proceedings=True).grade == 3
    assert suggest(eviction_stage="intimazione", legal_proceedings=True).grade == 2


def test_documents_far_in_the_future_do_not_count():
    assert (
        suggest(
            arrears_rent=True, weak_support_network=True, documents_expiring_on=date(2027, 1, 1)
        ).grade
        == 2
    )


@pytest.mark.parametrize(
    "indicators",
    [
        {"eviction_stage": "eseguito"},
        {"no_home_to_return": True},
        {"violence_or_abuse": True},
        {"unsafe_dwelling": True, "minors": True},
        {"pis": "incendio"},
    ],
)
def test_emergencies_are_grade_4(indicators):
    suggestion = suggest(**indicators)
    assert suggestion.grade == 4
    assert suggestion.explanation[-1] == "Grado suggerito: 4 (emergenza abitativa)."


def test_unsafe_dwelling_without_fragile_members_is_a_dimension():
    assert suggest(unsafe_dwelling=True).grade == 1
    assert suggest(unsafe_dwelling=True, arrears_rent=True, low_income=True).grade == 3


def test_rent_burden_from_rent_and_income():
    assert grading.rent_burden_over_30(65000, 140000) is True
    assert grading.rent_burden_over_30(42000, 140000) is False
    assert grading.rent_burden_over_30(30000, 0) is True
    assert grading.rent_burden_over_30(None, 140000) is None


def test_confirm_or_override_with_reason():
    suggestion = suggest(arrears_rent=True)
    assert grading.decide(suggestion, None, None, None).grade == 2
    confirmed = grading.decide(suggestion, 2, None, None)
    assert (confirmed.grade, confirmed.overridden) == (2, False)
    overridden = grading.decide(suggestion, 3, "Rete familiare assente", None)
    assert (overridden.grade, overridden.suggested_grade, overridden.overridden) == (3, 2, True)
    with pytest.raises(InvalidInput) as info:
        grading.decide(suggestion, 3, None, None)
    assert "override_reason" in info.value.errors
    with pytest.raises(InvalidInput):
        grading.decide(suggest(pis="msna"), 2, "non è emergenza", "msna")


# -- project ----------------------------------------------------------------------------------
def action(**changes):
    data = {
        "id": None,
        "type": "fund_application",
        "description": "Fondo affitto",
        "responsible": "agency",
        "partner_code": None,
        "due_date": None,
        "status": "da_avviare",
    }
    data.update(changes)
    return data


def ids():
    counter = iter(range(1, 100))
    return lambda: f"a{next(counter)}"


def test_new_actions_get_ids_and_their_fulfilling_service():
    actions, new = project.merge_actions([], [action(), action(type="isee_caf")], ids())
    assert [a["id"] for a in actions] == ["a1", "a2"]
    assert [a["fulfilled_by"] for a in actions] == ["funds", None]
    assert new == actions


def test_existing_actions_keep_identity_and_outcome():
    current = [
        {
            **action(id="a1"),
            "fulfilled_by": "funds",
            "outcome": {"service": "funds", "status": "in_corso"},
        }
    ]
    actions, new = project.merge_actions(current, [action(id="a1", status="in_corso")], ids())
    assert new == [] and actions[0]["outcome"] == {"service": "funds", "status": "in_corso"}


@pytest.mark.parametrize(
    "submitted, field",
    [
        ([action(id="nope")], "actions.0.id"),
        ([action(id="a1", type="other")], "actions.0.type"),
        ([], "actions"),
        ([action(id="a1"), action(id="a1")], "actions.1.id"),
        ([action(id="a1"), action(type="partner_referral")], "actions.1.partner_code"),
    ],
)
def test_bad_action_changes_are_refused(submitted, field):
    current = [{**action(id="a1"), "fulfilled_by": "funds", "outcome": None}]
    with pytest.raises(InvalidInput) as info:
        project.merge_actions(current, submitted, ids())
    assert field in info.value.errors


def test_outcome_applies_only_to_the_fulfilling_service():
    current = [{**action(id="a1"), "fulfilled_by": "funds", "outcome": None}]
    assert project.apply_outcome(current, "a1", "partners", "completata", {}) is None
    assert project.apply_outcome(current, "a2", "funds", "completata", {}) is None
    updated = project.apply_outcome(current, "a1", "funds", "completata", {"outcome": "ok"})
    assert updated[0]["status"] == "completata" and current[0]["status"] == "da_avviare"


def test_overdue_actions():
    assert project.is_overdue({"due_date": date(2026, 3, 9), "status": "in_corso"}, TODAY)
    assert not project.is_overdue({"due_date": date(2026, 3, 9), "status": "completata"}, TODAY)
    assert not project.is_overdue({"due_date": None, "status": "in_corso"}, TODAY)


# -- commission -------------------------------------------------------------------------------
def test_commission_rules():
    commission.ensure_meeting_open(False)
    commission.ensure_pending("in_attesa")
    with pytest.raises(MeetingConflict):
        commission.ensure_meeting_open(True)
    with pytest.raises(ProposalConflict):
        commission.ensure_pending("approvata")


def test_rent_within_the_limit_from_the_referral_is_said_and_is_no_difficulty():
    _, suggestion = from_referral(
        problem_reported="altro",
        housing_situation="altro",
        monthly_rent_cents=40000,
        monthly_net_income_cents=200000,
    )
    assert suggestion.grade == 1 and suggestion.missing == []
    assert suggestion.explanation == [
        "Dalla scheda di attivazione: canone e reddito.",
        "Non emergono difficoltà in atto nel mantenimento dell'alloggio.",
        "Grado suggerito: 1 (fragilità abitativa).",
    ]
