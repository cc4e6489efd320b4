"""The case path's use cases against a real database (SQLite and PostgreSQL), without a broker:
state, outbox rows checked against their JSON Schemas, typed errors that change nothing."""

import json
import threading
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import func, select

from abitare_chassis.actor import Actor
from abitare_chassis.schemas import jsonable, load
from intake.adapters.models import (
    Assessment,
    AuditEvent,
    DiaryEntry,
    ProjectVersion,
    Referral,
    TriageDecision,
    metadata,
    outbox_table,
)
from intake.domain import clock
from intake.errors import (
    CaseConflict,
    CaseForbidden,
    DuplicatesNotAcknowledged,
    InvalidInput,
    MeetingConflict,
    MeetingNotFound,
    ProjectVersionConflict,
    ProposalConflict,
    ReferralNotFound,
)
from intake.schemas.cases import (
    AssessmentInput,
    ClosureInput,
    DiaryEntryInput,
    InterviewInput,
    ProjectInput,
    TriageInput,
)
from intake.schemas.referrals import ReferralInput
from intake.usecases import (
    assessment,
    audit,
    closure,
    commission,
    diary,
    fotografia,
    projects,
    referrals,
    timeline,
    triage,
    worklist,
)

CONTRACTS = Path(__file__).resolve().parents[3] / "infra" / "contracts" / "events"
SGM, MELEGNANO, MILANO = "015195", "015140", "015146"
AGENCY = Actor(sub="operator:anna", role="agency_operator", comuni=(SGM, MELEGNANO), name="Anna")
OTHER_AGENCY = Actor(sub="operator:bruno", role="agency_operator", comuni=(SGM, MELEGNANO))
COORDINATOR = Actor(sub="operator:carla", role="coordinator", comuni=(SGM, MELEGNANO))
COMUNE = Actor(sub="operator:dario", role="comune_operator", comuni=(SGM,))
CLIENT = Actor(sub="client:sgm", role="municipal_client", comuni=(SGM,))
MILANO_CLIENT = Actor(sub="client:mi", role="municipal_client", comuni=(MILANO,))


def count(db, table, *where):
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def emitted(db, event_type=None):
    """Data of the outbox rows (of one type), each checked against its JSON Schema."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(outbox_table.c.body).order_by(outbox_table.c.id)).scalars().all()
    found = []
    for body in rows:
        schema = json.loads((CONTRACTS / f"{body['type']}.json").read_text())
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
            body["data"]
        )
        if event_type is None or body["type"] == event_type:
            found.append(body["data"])
    return found


def snapshot(db):
    """Every table's row count: what "changes nothing" compares."""
    return {t.name: count(db, t) for t in metadata.sorted_tables}


def submit(db, make_payload, actor=AGENCY, **changes):
    return referrals.submit_referral(db, actor, load(ReferralInput(), make_payload(**changes)))


def take_on(db, referral_id, actor=AGENCY):
    return triage.triage_referral(
        db,
        actor,
        referral_id,
        load(TriageInput(), {"outcome": "presa_in_carico", "duplicates_acknowledged": True}),
    )


@pytest.fixture
def case(db, make_payload):
    referral = submit(db, make_payload)
    take_on(db, referral["id"])
    return referral["id"]


# -- triage -----------------------------------------------------------------------------------
def test_taking_on_a_referral(db, make_payload):
    referral = submit(db, make_payload)
    case = take_on(db, referral["id"])
    assert case["status"] == "in_carico"
    assert case["triage"]["outcome"] == "presa_in_carico" and case["triage"]["by"] == AGENCY.sub
    assert case["eligibility"]["served"] is True
    assert case["household_composition"] == "coppia_con_figli_minori"
    [opened] = emitted(db, "intake.case_opened.v1")
    assert opened["referral_id"] == referral["id"] and opened["household"]["minors"] == 1


@pytest.mark.parametrize(
    "outcome, event",
    [
        ("respinta", "intake.referral_declined.v1"),
        ("richiesta_informazioni", "intake.information_requested.v1"),
    ],
)
def test_decline_or_ask_for_information_needs_a_reason(db, make_payload, outcome, event):
    referral = submit(db, make_payload, actor=CLIENT)
    with pytest.raises(InvalidInput) as info:
        load(TriageInput(), {"outcome": outcome})
    assert "reason" in info.value.errors
    case = triage.triage_referral(
        db,
        AGENCY,
        referral["id"],
        load(TriageInput(), {"outcome": outcome, "reason": "Manca la documentazione ISEE"}),
    )
    assert case["triage"]["reason"] == "Manca la documentazione ISEE"
    assert len(emitted(db, event)) == 1
    status = triage.get_case_status(db, CLIENT, referral["id"])
    assert status["status"] == case["status"]
    assert status["status_reason"] == "Manca la documentazione ISEE"


def test_information_requested_can_be_triaged_again(db, make_payload):
    referral = submit(db, make_payload)
    triage.triage_referral(
        db,
        AGENCY,
        referral["id"],
        load(TriageInput(), {"outcome": "richiesta_informazioni", "reason": "ISEE?"}),
    )
    assert take_on(db, referral["id"])["status"] == "in_carico"
    assert count(db, TriageDecision) == 2


def test_forbidden_transition_and_role_change_nothing(db, case):
    before = snapshot(db)
    with pytest.raises(CaseConflict):
        take_on(db, case)
    with pytest.raises(CaseForbidden):
        take_on(db, case, actor=COMUNE)
    with pytest.raises(ReferralNotFound):
        take_on(db, case, actor=Actor(sub="operator:x", role="agency_operator", comuni=(MILANO,)))
    assert snapshot(db) == before
    assert triage.get_case_status(db, AGENCY, case)["status"] == "in_carico"


def test_possible_duplicates_across_comuni(db, make_payload):
    milano = submit(
        db,
        make_payload,
        actor=Actor(sub="client:mi", role="municipal_client", comuni=(MILANO,)),
        comune_istat=MILANO,
    )
    referral = submit(db, make_payload)
    [duplicate] = triage.find_possible_duplicates(db, AGENCY, referral["id"])
    assert duplicate == {
        "match": "known_elsewhere",
        "codice_fiscale": None,  # another ambito
        "comune_istat": None,
        "comune_name": None,
        "status": None,
        "received_at": None,
        "referral_id": None,
    }
    wide = Actor(sub="operator:w", role="agency_operator", comuni=(SGM, MILANO))
    [seen] = triage.find_possible_duplicates(db, wide, referral["id"])
    assert (seen["match"], seen["referral_id"], seen["comune_name"], seen["status"]) == (
        "codice_fiscale",
        milano["id"],
        "Milano",
        "ricevuta",
    )
    # San Donato is in the ambito where AGENCY triages, outside its comuni: told, not linked.
    san_donato = submit(
        db,
        make_payload,
        actor=Actor(sub="operator:sd", role="agency_operator", comuni=("015192",)),
        comune_istat="015192",
    )
    near, far = triage.find_possible_duplicates(db, AGENCY, referral["id"])
    assert (near["comune_istat"], near["status"], near["referral_id"]) == (
        "015192",
        "ricevuta",
        None,
    )
    assert san_donato["id"] not in json.dumps(jsonable(far)) and far["match"] == "known_elsewhere"

    before = snapshot(db)
    with pytest.raises(DuplicatesNotAcknowledged):
        triage.triage_referral(
            db, AGENCY, referral["id"], load(TriageInput(), {"outcome": "presa_in_carico"})
        )
    assert snapshot(db) == before
    assert take_on(db, referral["id"])["triage"]["duplicates_acknowledged"] is True


def test_late_eviction_is_flagged_not_refused(db, make_payload):
    eviction = clock.local_date(clock.now()) + timedelta(days=40)
    referral = submit(db, make_payload, eviction_date=eviction.isoformat())
    result = triage.check_eligibility(db, AGENCY, referral["id"])
    assert result["eviction"]["late"] is True and result["eviction"]["days_before"] == 40
    assert take_on(db, referral["id"])["status"] == "in_carico"


def test_historical_referral_with_received_at(db, make_payload):
    referral = submit(db, make_payload, received_at="2025-04-15", eviction_date="2025-09-30")
    assert clock.local_date(referral["received_at"]) == date(2025, 4, 15)
    assert triage.check_eligibility(db, AGENCY, referral["id"])["eviction"]["late"] is False
    with pytest.raises(InvalidInput) as info:
        load(ReferralInput(), make_payload(received_at="2999-01-01T10:00:00Z"))
    assert "received_at" in info.value.errors


def assignee(actor):
    return {"sub": actor.sub, "role": actor.role, "comuni": list(actor.comuni)}


def test_assignment_is_for_coordinators(db, case):
    with pytest.raises(CaseForbidden):
        triage.assign_case(db, AGENCY, case, assignee(AGENCY))
    assigned = triage.assign_case(db, COORDINATOR, case, assignee(OTHER_AGENCY))
    assert assigned["assigned_to"] == "operator:bruno"


# -- diary ------------------------------------------------------------------------------------
def test_confidential_diary_entries(db, case):
    entry = load(
        DiaryEntryInput(),
        {
            "kind": "colloquio",
            "occurred_at": "2026-01-10T10:00:00",
            "text": "Racconta di violenze subite",
            "confidential": True,
        },
    )
    diary.add_diary_entry(db, AGENCY, case, entry)
    diary.add_diary_entry(
        db,
        COMUNE,
        case,
        load(
            DiaryEntryInput(),
            {"kind": "telefonata", "occurred_at": "2026-01-11", "text": "Sentito il Comune"},
        ),
    )
    triage.assign_case(db, COORDINATOR, case, assignee(OTHER_AGENCY))
    later = load(
        DiaryEntryInput(),
        {
            "kind": "colloquio",
            "occurred_at": "2026-01-12T10:00:00",
            "text": "Secondo colloquio riservato",
            "confidential": True,
        },
    )
    diary.add_diary_entry(db, AGENCY, case, later)  # written while bruno is assigned

    assert [e.get("text") for e in diary.list_diary(db, AGENCY, case)] == [  # the author
        "Racconta di violenze subite",
        "Sentito il Comune",
        "Secondo colloquio riservato",
    ]
    assert [e.get("text") for e in diary.list_diary(db, OTHER_AGENCY, case)] == [  # assignee
        None,
        "Sentito il Comune",
        "Secondo colloquio riservato",
    ]
    hidden, visible, _ = diary.list_diary(db, COMUNE, case)
    assert hidden == {
        "id": hidden["id"],
        "referral_id": case,
        "confidential": True,
        "kind": "colloquio",
        "occurred_at": hidden["occurred_at"],
        "author": AGENCY.sub,
        "author_name": "Anna",
        "recorded_at": hidden["recorded_at"],
    }
    assert visible["text"] == "Sentito il Comune"
    assert not any(name.startswith(("update", "delete", "edit")) for name in dir(diary))


def test_joint_interview_goes_in_the_diary(db, case):
    entry = diary.schedule_interview(
        db,
        COMUNE,
        case,
        load(
            InterviewInput(),
            {
                "scheduled_at": "2026-02-03T09:30:00+01:00",
                "location": "Comune di San Giuliano",
                "participants": ["AS Agenzia", "AS Comune", "Famiglia Rossi"],
            },
        ),
    )
    assert entry["kind"] == "colloquio_congiunto"
    assert entry["text"].startswith("Colloquio congiunto fissato per il 03/02/2026 alle 09:30")
    assert entry["interview"]["participants"][2] == "Famiglia Rossi"


def test_bad_diary_input_changes_nothing(db, case):
    before = snapshot(db)
    for bad in (
        {"kind": "pettegolezzo", "occurred_at": "2026-01-01", "text": "x"},
        {"kind": "nota", "occurred_at": "2999-01-01", "text": "x"},
        {"kind": "nota", "occurred_at": "2026-01-01", "text": "   "},
    ):
        with pytest.raises(InvalidInput):
            diary.add_diary_entry(db, AGENCY, case, load(DiaryEntryInput(), bad))
    with pytest.raises(CaseForbidden):
        diary.add_diary_entry(
            db,
            CLIENT,
            case,
            load(DiaryEntryInput(), {"kind": "nota", "occurred_at": "2026-01-01", "text": "x"}),
        )
    assert snapshot(db) == before


# -- assessment -------------------------------------------------------------------------------
def test_assessment_suggests_and_keeps_history(db, case):
    first = assessment.record_assessment(
        db, AGENCY, case, load(AssessmentInput(), {"indicators": {"arrears_rent": True}})
    )
    assert (first["suggested_grade"], first["grade"], first["overridden"]) == (2, 2, False)
    assert first["indicators"]["rent_burden_over_30"] is True  # 650 € of 1400 €
    assert first["explanation"][-1] == "Grado suggerito: 2 (sofferenza abitativa)."

    before = snapshot(db)
    with pytest.raises(InvalidInput):
        assessment.record_assessment(
            db,
            AGENCY,
            case,
            load(AssessmentInput(), {"indicators": {"arrears_rent": True}, "confirmed_grade": 3}),
        )
    with pytest.raises(CaseForbidden):
        assessment.record_assessment(db, COMUNE, case, load(AssessmentInput(), {}))
    assert snapshot(db) == before

    second = assessment.record_assessment(
        db,
        AGENCY,
        case,
        load(
            AssessmentInput(),
            {
                "indicators": {"arrears_rent": True},
                "confirmed_grade": 3,
                "override_reason": "Rete familiare assente",
            },
        ),
    )
    assert (second["grade"], second["overridden"]) == (3, True)
    history = assessment.list_assessments(db, COMUNE, case)
    assert [a["grade"] for a in history] == [3, 2]
    assert triage.get_case(db, AGENCY, case)["current_grade"] == 3
    assert emitted(db, "intake.emergency_placement_requested.v1") == []


def test_assessment_of_an_executive_eviction_uses_the_referral(db, make_payload):
    """Issue 8 #9: "sfratto esecutivo / rilascio per sfratto in corso", no indicator ticked, no
    rent or income: not grade 1 "no difficulty" but grade 2, saying what is missing."""
    referral = submit(
        db,
        make_payload,
        problem_reported="sfratto_esecutivo",
        housing_situation="sfratto_in_corso",
        eviction_date=None,
        monthly_rent_cents=None,
        monthly_net_income_cents=None,
    )
    take_on(db, referral["id"])
    recorded = assessment.record_assessment(db, AGENCY, referral["id"], load(AssessmentInput(), {}))
    assert (recorded["suggested_grade"], recorded["grade"]) == (2, 2)
    assert recorded["indicators"]["eviction_stage"] == "convalida"
    assert "Manca la data dell'esecuzione dello sfratto." in recorded["explanation"]
    assert not any("Non emergono" in line for line in recorded["explanation"])


def test_pis_situation_is_grade_4_and_requests_a_placement_at_once(db, make_payload):
    referral = submit(db, make_payload, referring_body="pronto_intervento_sociale")
    for _ in range(2):  # the same situation asks once
        result = assessment.record_assessment(
            db, AGENCY, referral["id"], load(AssessmentInput(), {"pis_situation": "incendio"})
        )
        assert result["grade"] == 4
    [request] = emitted(db, "intake.emergency_placement_requested.v1")
    assert request["pis_situation"] == "incendio" and request["grade"] == 4
    assert request["referral_id"] == referral["id"]


# -- project ----------------------------------------------------------------------------------
PROJECT = {
    "objectives": ["Trovare un alloggio a canone concordato"],
    "actions": [
        {
            "type": "fund_application",
            "description": "Fondo affitto di Ambito",
            "responsible": "agency",
            "due_date": "2026-01-31",
        },
        {"type": "isee_caf", "description": "Aggiornare l'ISEE", "responsible": "comune"},
    ],
    "agreed_on": "2026-01-15",
}


def test_project_versions_and_action_requests(db, case):
    empty = projects.get_project(db, COMUNE, case)
    assert (empty["version"], empty["objectives"], empty["actions"]) == (0, [], [])
    first = projects.save_project(db, AGENCY, case, 0, load(ProjectInput(), PROJECT))
    assert first["version"] == 1
    [requested] = emitted(db, "intake.action_requested.v1")
    assert requested["action_type"] == "fund_application" and requested["fulfilled_by"] == "funds"
    assert requested["action_id"] == first["actions"][0]["id"]

    actions = [dict(first["actions"][0], status="in_corso"), first["actions"][1]]
    second = projects.save_project(
        db,
        COMUNE,
        case,
        1,
        load(
            ProjectInput(),
            {
                **PROJECT,
                "actions": [
                    {
                        k: a[k]
                        for k in ("id", "type", "description", "responsible", "due_date", "status")
                    }
                    for a in actions
                ],
            },
        ),
    )
    assert second["version"] == 2 and second["updated_by"] == COMUNE.sub
    assert len(emitted(db, "intake.action_requested.v1")) == 1  # no new action, no request

    before = snapshot(db)
    with pytest.raises(ProjectVersionConflict):
        projects.save_project(db, AGENCY, case, 1, load(ProjectInput(), PROJECT))
    assert snapshot(db) == before
    assert [v["version"] for v in projects.list_project_versions(db, AGENCY, case)] == [2, 1]


def test_concurrent_saves_of_one_version_make_one_winner(db, case):
    projects.save_project(db, AGENCY, case, 0, load(ProjectInput(), PROJECT))
    outcomes = []
    # Keep the actions so that every save is valid.
    current = projects.get_project(db, AGENCY, case)["actions"]
    keep = [{k: a[k] for k in ("id", "type", "description", "responsible")} for a in current]

    def save_valid(i):
        data = load(ProjectInput(), {"objectives": [f"obiettivo {i}"], "actions": keep})
        try:
            projects.save_project(db, AGENCY, case, 1, data)
            outcomes.append("won")
        except ProjectVersionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save_valid, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 5 + ["won"]
    assert count(db, ProjectVersion) == 2


def test_project_needs_a_case_in_charge_and_valid_actions(db, make_payload, case):
    fresh = submit(db, make_payload)
    before = snapshot(db)
    with pytest.raises(CaseConflict):
        projects.save_project(db, AGENCY, fresh["id"], 0, load(ProjectInput(), PROJECT))
    with pytest.raises(InvalidInput):
        load(
            ProjectInput(),
            {"actions": [{"type": "teleport", "description": "x", "responsible": "agency"}]},
        )
    with pytest.raises(InvalidInput):
        projects.save_project(
            db,
            AGENCY,
            case,
            0,
            load(
                ProjectInput(),
                {
                    "actions": [
                        {
                            "id": "not-there",
                            "type": "other",
                            "description": "x",
                            "responsible": "agency",
                        }
                    ]
                },
            ),
        )
    with pytest.raises(CaseForbidden):
        projects.save_project(db, CLIENT, case, 0, load(ProjectInput(), PROJECT))
    assert snapshot(db) == before


def test_action_outcome_sets_the_status(db, case):
    saved = projects.save_project(db, AGENCY, case, 0, load(ProjectInput(), PROJECT))
    action_id = saved["actions"][0]["id"]
    with db.transaction() as tx:
        projects.apply_action_outcome(
            tx,
            AGENCY,
            "funds",
            {
                "referral_id": case,
                "action_id": action_id,
                "status": "completata",
                "outcome": "concesso",
                "comune_istat": SGM,
                "recorded_at": "2026-02-01T10:00:00Z",
            },
        )
    project = projects.get_project(db, AGENCY, case)
    assert project["version"] == 2 and project["updated_by"] == "service:funds"
    assert project["actions"][0]["status"] == "completata"
    assert project["actions"][0]["outcome"]["outcome"] == "concesso"
    for wrong in (
        {"action_id": action_id, "service": "partners"},
        {"action_id": "00000000-0000-0000-0000-000000000000", "service": "funds"},
    ):
        with pytest.raises(InvalidInput), db.transaction() as tx:
            projects.apply_action_outcome(
                tx,
                AGENCY,
                wrong["service"],
                {
                    "referral_id": case,
                    "action_id": wrong["action_id"],
                    "status": "completata",
                    "recorded_at": "2026-02-01T10:00:00Z",
                },
            )
    assert projects.get_project(db, AGENCY, case)["version"] == 2


def test_a_partner_answer_sets_the_action_and_writes_the_diary(db, case):
    partner_action = {
        "type": "partner_referral",
        "description": "Orientamento al lavoro",
        "responsible": "partner",
        "partner_code": "AFOL",
        "partner_service": "orientamento_lavoro",
    }
    saved = projects.save_project(
        db, AGENCY, case, 0, load(ProjectInput(), {**PROJECT, "actions": [partner_action]})
    )
    [requested] = emitted(db, "intake.action_requested.v1")
    assert requested["partner_service"] == "orientamento_lavoro"
    partner = Actor(sub="partner:AFOL", role="partner_client", comuni=(SGM,))
    with db.transaction() as tx:
        projects.apply_action_outcome(
            tx,
            partner,
            "partners",
            {
                "referral_id": case,
                "action_id": saved["actions"][0]["id"],
                "status": "completata",
                "outcome": "assunzione",
                "comune_istat": SGM,
                "recorded_at": "2026-02-01T10:00:00+00:00",
                "partner_code": "AFOL",
                "service_label": "Orientamento al lavoro",
                "outcome_label": "Assunzione",
                "reason": None,
            },
        )
    assert projects.get_project(db, AGENCY, case)["actions"][0]["status"] == "completata"
    [entry] = [
        e for e in diary.list_diary(db, AGENCY, case) if e["kind"] == "aggiornamento_partner"
    ]
    assert entry["text"] == "Aggiornamento dal partner AFOL (Orientamento al lavoro): Assunzione."
    assert entry["author"] == "partner:AFOL"


def test_a_partner_answer_to_a_case_sent_referral_writes_the_diary_only(db, case):
    """Sent from the case's "Invii ai partner" tab: no action_id, so no project is needed and no
    action is touched; the answer is the case's diary entry (the contract's example)."""
    from marshmallow import ValidationError

    from intake.schemas.cases import ActionOutcomeEvent

    example = json.loads(
        (CONTRACTS.parent / "examples/partners.action_outcome_recorded.v1.json").read_text()
    )
    data = ActionOutcomeEvent().load(dict(example, referral_id=case, comune_istat=SGM))
    assert data["action_id"] is None
    data["recorded_at"] = jsonable(data["recorded_at"])
    partner = Actor(sub="partner:FWA", role="partner_client", comuni=(SGM,))
    with db.transaction() as tx:
        projects.apply_action_outcome(tx, partner, "partners", data)
    assert projects.get_project(db, AGENCY, case)["version"] == 0  # no project made
    [entry] = [
        e for e in diary.list_diary(db, AGENCY, case) if e["kind"] == "aggiornamento_partner"
    ]
    assert entry["text"] == "Aggiornamento dal partner FWA (Microcredito sociale): invio accettato."
    assert entry["author"] == "partner:FWA"

    # with a project, its actions stay as they were
    projects.save_project(db, AGENCY, case, 0, load(ProjectInput(), PROJECT))
    with db.transaction() as tx:
        projects.apply_action_outcome(
            tx, partner, "partners", dict(data, status="completata", outcome_label="Erogato")
        )
    project = projects.get_project(db, AGENCY, case)
    assert project["version"] == 1 and project["actions"][0]["status"] == "da_avviare"
    assert (
        len([e for e in diary.list_diary(db, AGENCY, case) if e["kind"] == "aggiornamento_partner"])
        == 2
    )

    before = snapshot(db)
    for missing in ("partner_code", "partner_referral_id"):  # neither action nor referral
        with pytest.raises(ValidationError):
            ActionOutcomeEvent().load({k: v for k, v in example.items() if k != missing})
    for service, wrong in (
        ("funds", data),  # only partners answers without an action
        ("partners", dict(data, referral_id="00000000-0000-0000-0000-000000000000")),
        ("partners", dict(data, comune_istat=MELEGNANO)),
    ):
        with pytest.raises(InvalidInput), db.transaction() as tx:
            projects.apply_action_outcome(tx, partner, service, wrong)
    milano_partner = Actor(sub="partner:FWA", role="partner_client", comuni=(MILANO,))
    with pytest.raises(InvalidInput), db.transaction() as tx:
        projects.apply_action_outcome(tx, milano_partner, "partners", data)
    assert snapshot(db) == before


# -- commission -------------------------------------------------------------------------------
def test_commission_meeting_proposal_decision_minutes(db, case):
    with pytest.raises(CaseForbidden):
        commission.create_meeting(db, AGENCY, {"date": date(2026, 2, 10), "location": "Sala"})
    meeting = commission.create_meeting(
        db, COORDINATOR, {"date": date(2026, 2, 10), "location": "Sala consiliare"}
    )
    validate = {"referral_id": case, "kind": "validate_project", "notes": None}
    with pytest.raises(CaseConflict) as refused:  # no project yet: nothing to validate
        commission.add_proposal(db, COORDINATOR, meeting["id"], validate)
    assert refused.value.code == "no_project_to_validate"
    projects.save_project(db, AGENCY, case, 0, load(ProjectInput(), PROJECT))
    proposal = commission.add_proposal(
        db,
        COORDINATOR,
        meeting["id"],
        {"referral_id": case, "kind": "validate_project", "notes": None},
    )
    assert proposal["status"] == "in_attesa" and proposal["head_name"] == "Rossi Mario"
    items = worklist.get_worklist(db, AGENCY)["proposals_awaiting_commission"]
    assert [i["referral_id"] for i in items] == [case]

    with pytest.raises(MeetingConflict):
        commission.record_minutes(db, COORDINATOR, meeting["id"], "Verbale")
    decided = commission.decide_proposal(
        db, COORDINATOR, proposal["id"], {"decision": "approvata", "notes": "Progetto validato"}
    )
    assert decided["decision"] == "approvata"
    [event] = emitted(db, "intake.commission_decision_made.v1")
    assert event["decision"] == "approvata" and event["referral_id"] == case
    with pytest.raises(ProposalConflict):
        commission.decide_proposal(db, COORDINATOR, proposal["id"], {"decision": "respinta"})

    closed = commission.record_minutes(db, COORDINATOR, meeting["id"], "Verbale della seduta")
    assert closed["closed"] and closed["proposals"][0]["decision"] == "approvata"
    with pytest.raises(MeetingConflict):
        commission.add_proposal(
            db, COORDINATOR, meeting["id"], {"referral_id": case, "kind": "extend_stay"}
        )
    assert [m["id"] for m in commission.list_meetings(db, COORDINATOR)] == [meeting["id"]]
    assert [c["istat"] for c in closed["comuni"]] == [MELEGNANO, SGM]
    milano_coordinator = Actor(sub="operator:z", role="coordinator", comuni=(MILANO,))
    with pytest.raises(MeetingNotFound):
        commission.get_meeting(db, milano_coordinator, meeting["id"])
    assert commission.list_meetings(db, milano_coordinator) == []


# -- closure ----------------------------------------------------------------------------------
def test_close_and_reopen(db, case):
    with pytest.raises(CaseForbidden):
        closure.close_case(db, COMUNE, case, load(ClosureInput(), {"outcome": "sap_assegnato"}))
    closed = closure.close_case(
        db,
        AGENCY,
        case,
        load(
            ClosureInput(),
            {
                "outcome": "affitto_canone_concordato",
                "notes": "Restituzione fatta",
                "restitution_date": clock.local_date(clock.now()).isoformat(),
            },
        ),
    )
    assert closed["status"] == "chiusa"
    case_file = triage.get_case(db, AGENCY, case)
    assert case_file["closure"]["outcome"] == "affitto_canone_concordato"
    before = snapshot(db)
    with pytest.raises(CaseConflict):
        closure.close_case(db, AGENCY, case, load(ClosureInput(), {"outcome": "altro"}))
    with pytest.raises(CaseConflict):
        take_on(db, case)
    assert snapshot(db) == before
    reopened = closure.reopen_case(db, AGENCY, case, "Il contratto non è stato firmato")
    assert reopened["status"] == "in_carico"
    assert triage.get_case(db, AGENCY, case)["closure"] is None
    assert len(emitted(db, "intake.case_closed.v1")) == 1
    assert len(emitted(db, "intake.case_reopened.v1")) == 1
    with pytest.raises(CaseConflict):
        closure.reopen_case(db, AGENCY, case, "di nuovo")


# -- worklist, Fotografia, audit, status view -------------------------------------------------
def test_worklist(db, make_payload, case):
    soon = clock.local_date(clock.now()) + timedelta(days=10)
    waiting = submit(db, make_payload, eviction_date=soon.isoformat())
    projects.save_project(db, AGENCY, case, 0, load(ProjectInput(), PROJECT))  # due 2026-01-31
    assessment.record_assessment(
        db,
        AGENCY,
        case,
        load(
            AssessmentInput(),
            {
                "indicators": {
                    "documents_expiring_on": soon.isoformat(),
                    # the execution the operator verified: it counts, not the referral's date
                    "eviction_stage": "esecuzione_fissata",
                    "eviction_date": (soon + timedelta(days=3)).isoformat(),
                }
            },
        ),
    )
    work = worklist.get_worklist(db, COMUNE)
    assert [i["referral_id"] for i in work["awaiting_triage"]] == [waiting["id"]]
    assert work["awaiting_triage"][0]["head_name"] == "Rossi Mario"
    evictions = [i["referral_id"] for i in work["evictions_within_30_days"]]
    assert evictions == [waiting["id"], case]  # soonest first
    assert [i["referral_id"] for i in work["documents_expiring"]] == [case]
    assert [i["referral_id"] for i in work["awaiting_assignment"]] == [case]  # taken on, nobody
    triage.assign_case(db, COORDINATOR, case, assignee(AGENCY))
    assert worklist.get_worklist(db, COMUNE)["awaiting_assignment"] == []
    overdue = work["overdue_actions"]
    if clock.local_date(clock.now()) > date(2026, 1, 31):
        assert [i["referral_id"] for i in overdue] == [case]
        assert "Fondo affitto di Ambito" in overdue[0]["what"]
    with pytest.raises(CaseForbidden):
        worklist.get_worklist(db, CLIENT)


def test_fotografia_counts(db, make_payload, cf):
    single = [
        {
            "codice_fiscale": cf("VRDGPP70A01F205"),
            "first_name": "Giuseppe",
            "last_name": "Verdi",
            "birth_date": "1970-01-01",
            "relation": "intestatario",
        }
    ]
    submit(db, make_payload, received_at="2025-04-10")
    submit(
        db,
        make_payload,
        received_at="2025-05-31T23:30:00+02:00",
        household=single,
        comune_istat=MELEGNANO,
        referring_body="forze_ordine",
    )
    submit(db, make_payload, received_at="2025-06-01T00:30:00+02:00")  # the day after
    graded = submit(db, make_payload, received_at="2025-04-20")
    assessment.record_assessment(
        db, AGENCY, graded["id"], load(AssessmentInput(), {"indicators": {"arrears_rent": True}})
    )

    photo = fotografia.get_fotografia(db, AGENCY, date(2025, 4, 1), date(2025, 5, 31))
    assert photo["total"] == 3
    assert photo["by_comune"] == {"San Giuliano Milanese": 2, "Melegnano": 1}
    assert photo["by_referring_body"] == {"servizi_sociali_comune": 2, "forze_ordine": 1}
    assert photo["by_household_composition"] == {"coppia_con_figli_minori": 2, "adulto_solo": 1}
    assert photo["by_grade"] == {"non_valutato": 2, "2": 1}
    assert photo["by_outcome"] == {}
    only = fotografia.get_fotografia(db, AGENCY, date(2025, 4, 1), date(2025, 5, 31), MELEGNANO)
    assert only["total"] == 1
    assert fotografia.get_fotografia(db, COMUNE, date(2025, 4, 1), date(2025, 5, 31))["total"] == 2
    with pytest.raises(CaseForbidden):
        fotografia.get_fotografia(db, CLIENT, date(2025, 4, 1), date(2025, 5, 31))


def test_every_case_file_read_is_audited_without_content(db, case):
    triage.get_case(db, AGENCY, case, purpose="preparazione colloquio")
    diary.list_diary(db, COMUNE, case)
    projects.get_project(db, AGENCY, case)
    assessment.list_assessments(db, AGENCY, case)
    with pytest.raises(CaseForbidden):
        audit.list_audit(db, AGENCY, case)
    trail = audit.list_audit(db, COORDINATOR, case)
    assert [(t["action"], t["actor_sub"]) for t in trail] == [
        ("triage_referral", AGENCY.sub),
        ("get_case", AGENCY.sub),
        ("list_diary", COMUNE.sub),
        ("get_project", AGENCY.sub),
        ("list_assessments", AGENCY.sub),
    ]
    assert trail[1]["purpose"] == "preparazione colloquio"
    dumped = json.dumps(jsonable(trail))
    for content in ("Rossi", "Mario", "RSSMRA80A01F205X", "Sfratto"):
        assert content not in dumped
    before = count(db, AuditEvent)
    with pytest.raises(ReferralNotFound):
        triage.get_case(db, AGENCY, "00000000-0000-0000-0000-000000000000")
    assert count(db, AuditEvent) == before


def test_municipal_clients_read_only_the_status(db, make_payload, case):
    with pytest.raises(ReferralNotFound):  # of its comune, sent by the agency
        triage.get_case_status(db, CLIENT, case)
    own = submit(db, make_payload, actor=CLIENT)["id"]
    take_on(db, own)
    status = triage.get_case_status(db, CLIENT, own)
    assert set(status) == {
        "id",
        "comune_istat",
        "status",
        "received_at",
        "updated_at",
        "status_reason",
    }
    assert status["status"] == "in_carico" and status["status_reason"] is None
    for read in (
        triage.get_case,
        diary.list_diary,
        projects.get_project,
        assessment.list_assessments,
    ):
        with pytest.raises(CaseForbidden):
            read(db, CLIENT, case)
    with pytest.raises(ReferralNotFound):
        triage.get_case_status(db, MILANO_CLIENT, own)
    # the agency's referral of its comune is not in its list and not readable: only its own
    with pytest.raises(ReferralNotFound):
        referrals.get_referral(db, CLIENT, case)
    assert referrals.get_referral(db, CLIENT, own)["id"] == own
    listed = referrals.list_referrals(db, CLIENT, None, page=1, page_size=50)
    assert [item["id"] for item in listed["items"]] == [own] and listed["total"] == 1
    assert referrals.list_referrals(db, AGENCY, None, page=1, page_size=50)["total"] == 2
    assert count(db, DiaryEntry) == 0 and count(db, Assessment) == 0
    assert count(db, Referral) == 2


# -- the household's timeline (issue 8) -------------------------------------------------------
def test_timeline_has_everything_in_order_with_requests_and_placeholders(db, case):
    triage.assign_case(db, COORDINATOR, case, assignee(AGENCY))
    diary.add_diary_entry(
        db,
        AGENCY,
        case,
        load(
            DiaryEntryInput(),
            {"kind": "colloquio", "occurred_at": clock.now().isoformat(), "text": "Primo"},
        ),
    )
    diary.add_diary_entry(
        db,
        OTHER_AGENCY,
        case,
        load(
            DiaryEntryInput(),
            {
                "kind": "nota",
                "occurred_at": clock.now().isoformat(),
                "text": "Segreto",
                "confidential": True,
            },
        ),
    )
    assessment.record_assessment(
        db, AGENCY, case, load(AssessmentInput(), {"pis_situation": "incendio"})
    )
    saved = projects.save_project(db, AGENCY, case, 0, load(ProjectInput(), PROJECT))
    with db.transaction() as tx:
        projects.apply_action_outcome(
            tx,
            AGENCY,
            "funds",
            {
                "referral_id": case,
                "action_id": saved["actions"][0]["id"],
                "status": "completata",
                "outcome": "concesso",
                "comune_istat": SGM,
                "recorded_at": clock.now().isoformat(),
            },
        )
    meeting = commission.create_meeting(
        db, COORDINATOR, {"date": date(2026, 2, 10), "location": "Sala"}
    )
    proposal = commission.add_proposal(
        db, COORDINATOR, meeting["id"], {"referral_id": case, "kind": "validate_project"}
    )
    commission.decide_proposal(db, COORDINATOR, proposal["id"], {"decision": "approvata"})

    answer = timeline.get_timeline(db, AGENCY, case, "gestione del caso")
    kinds = [e["kind"] for e in answer["entries"]]
    assert kinds[:2] == ["referral_received", "triage"]
    for kind in ("assigned", "diary", "assessment", "project_saved", "proposal", "decision"):
        assert kind in kinds
    assert kinds.count("request_sent") == 2  # the emergency placement and the fund application
    assert kinds.count("request_answered") == 1
    ats = [e["at"] for e in answer["entries"]]
    assert ats == sorted(ats)

    notes = [e for e in answer["entries"] if e["kind"] == "diary"]
    assert [(n["readable"], n["excerpt"]) for n in notes] == [
        (True, "Primo"),
        (True, "Segreto"),  # the case was assigned to Anna when it was written
    ]
    seen_by_coordinator = timeline.get_timeline(db, COORDINATOR, case)["entries"]
    notes = [e for e in seen_by_coordinator if e["kind"] == "diary"]
    assert [(n["readable"], n["excerpt"], n["confidential"]) for n in notes][1] == (
        False,
        None,
        True,
    )  # neither its author nor the assignee then: a placeholder
    answered = next(e for e in answer["entries"] if e["kind"] == "request_answered")
    assert (answered["state"], answered["outcome"], answered["by"]) == (
        "risposta_ricevuta",
        "concesso",
        "service:funds",
    )

    requests = answer["requests"]
    assert [(r["kind"], r["state"]) for r in requests] == [
        ("emergency_placement", "richiesta_inviata"),
        ("fund_application", "risposta_ricevuta"),
    ]
    assert triage.get_case(db, AGENCY, case)["requests"] == requests  # the case header's

    with db.engine.connect() as conn:
        purposes = conn.execute(
            select(AuditEvent.purpose)
            .where(AuditEvent.action == "get_timeline")
            .order_by(AuditEvent.id)
        ).scalars()
        assert list(purposes)[0] == "gestione del caso"
    before = snapshot(db)
    with pytest.raises(ReferralNotFound):
        timeline.get_timeline(
            db, Actor(sub="operator:x", role="agency_operator", comuni=(MILANO,)), case
        )
    assert snapshot(db) == before
