"""The case path end to end through nameko RPC, a real broker and a real database: entrypoints,
events on the bus against their schemas, and the idempotent action-outcome handlers."""

import json
from pathlib import Path

import jsonschema
import pytest
from kombu import Connection, Exchange, Queue
from nameko.exceptions import RemoteError

from abitare_chassis.envelope import new_envelope, sign_envelope, verify_envelope
from abitare_chassis.handlers import dead_letter_queue_name
from abitare_chassis.testing.services import event_token, token, wait_for
from intake.service import IntakeService

CONTRACTS = Path(__file__).resolve().parents[3] / "infra" / "contracts"
SGM = "015195"


def agency_token():
    """Signed when used: actor tokens expire after 300 s."""
    return token("agency_operator", (SGM,), sub="operator:anna", service="intake")


def coordinator_token():
    """Signed when used: actor tokens expire after 300 s."""
    return token("coordinator", (SGM,), sub="operator:carla", service="intake")


def comune_token():
    """Signed when used: actor tokens expire after 300 s."""
    return token("comune_operator", (SGM,), sub="operator:dario", service="intake")


def client_token():
    """Signed when used: actor tokens expire after 300 s."""
    return token("municipal_client", (SGM,), sub="client:sgm", service="intake")


@pytest.fixture
def intake(service_runner, db_url):
    service_runner.start(IntakeService, db_url)
    return service_runner


@pytest.fixture
def bus(amqp_uri):
    """A queue on intake.events for every routing key, declared before anything is sent."""
    queue = Queue(
        "test.intake.all",
        exchange=Exchange("intake.events", type="topic", durable=True),
        routing_key="#",
    )
    with Connection(amqp_uri) as conn:
        simple = conn.SimpleQueue(queue)
        yield simple
        simple.close()


def drain(bus, expected: int) -> dict:
    """``{type: data}`` of the next ``expected`` events, each valid against its schema."""
    found = {}
    for _ in range(expected):
        message = bus.get(timeout=15)
        message.ack()
        event = verify_envelope(message.payload)
        schema = json.loads((CONTRACTS / "events" / f"{event.type}.json").read_text())
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
            event.data
        )
        found[event.type] = event.data
    return found


def remote_error(call, *args) -> RemoteError:
    with pytest.raises(RemoteError) as info:
        call(*args)
    return info.value


def outcome_envelope(service, data, tenant=SGM, role="system", sub=None):
    """``<service>.action_outcome_recorded.v1`` signed, its actor ``role`` over ``tenant``."""
    return sign_envelope(
        new_envelope(
            service=service,
            event="action_outcome_recorded",
            data=data,
            subject=data["referral_id"],
            tenant=tenant,
            actor_token=event_token(role, (tenant,), sub=sub or f"service:{service}"),
        )
    )


def publish_outcome(amqp_uri, service, data, envelope=None):
    envelope = envelope or outcome_envelope(service, data)
    with Connection(amqp_uri) as conn:
        conn.Producer().publish(
            envelope,
            exchange=Exchange(f"{service}.events", type="topic", durable=True),
            routing_key="action_outcome_recorded",
            serializer="json",
        )
    return envelope


def test_case_path_over_rpc(intake, bus, payload, amqp_uri):
    with intake.rpc() as rpc:
        referral = rpc.intake.submit_referral(
            client_token(), dict(payload, received_at="2026-11-02")
        )
        assert rpc.intake.get_case_status(client_token(), referral["id"])["status"] == "ricevuta"
        assert (
            remote_error(rpc.intake.get_case, client_token(), referral["id"]).exc_type
            == "CaseForbidden"
        )
        error = remote_error(
            rpc.intake.triage_referral, agency_token(), referral["id"], {"outcome": "respinta"}
        )
        assert error.exc_type == "InvalidInput"
        assert json.loads(error.value)["details"]["fields"]["reason"] == [
            {"code": "reason_required", "outcome": "respinta"}
        ]

        case = rpc.intake.triage_referral(
            agency_token(), referral["id"], {"outcome": "presa_in_carico"}
        )
        assert case["status"] == "in_carico" and case["received_at"].startswith("2026-11-01T23")
        assert rpc.intake.get_case(comune_token(), referral["id"])["eligibility"]["served"] is True

        graded = rpc.intake.record_assessment(
            agency_token(), referral["id"], {"pis_situation": "allagamento"}
        )
        assert graded["grade"] == 4 and graded["emergency_placement_requested"] is True

        project = rpc.intake.save_project(
            agency_token(),
            referral["id"],
            0,
            {
                "objectives": ["Alloggio temporaneo"],
                "actions": [
                    {
                        "type": "temporary_housing",
                        "description": "Alloggio SAT",
                        "responsible": "agency",
                    }
                ],
            },
        )
        stale = remote_error(
            rpc.intake.save_project, comune_token(), referral["id"], 0, {"objectives": []}
        )
        assert stale.exc_type == "ProjectVersionConflict"
        assert rpc.intake.get_worklist(agency_token())["awaiting_triage"] == []
        photo = rpc.intake.get_fotografia(agency_token(), "2026-11-01", "2026-11-30")
        assert photo["total"] == 1 and photo["by_grade"] == {"4": 1}

    events = drain(bus, 5)
    assert set(events) == {
        "intake.referral_received.v1",
        "intake.referral_received.v2",
        "intake.case_opened.v1",
        "intake.emergency_placement_requested.v1",
        "intake.action_requested.v1",
    }
    requested = events["intake.action_requested.v1"]
    assert requested["fulfilled_by"] == "housing_stock"
    assert requested["action_id"] == project["actions"][0]["id"]

    outcome = {
        "referral_id": referral["id"],
        "comune_istat": SGM,
        "action_id": requested["action_id"],
        "status": "completata",
        "outcome": "alloggio_assegnato",
        "recorded_at": "2026-11-20T10:00:00Z",
    }
    schema = json.loads(
        (CONTRACTS / "events/housing_stock.action_outcome_recorded.v1.json").read_text()
    )
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        outcome
    )
    envelope = publish_outcome(amqp_uri, "housing_stock", outcome)
    publish_outcome(amqp_uri, "housing_stock", outcome, envelope)  # redelivered

    def project_at(version):
        with intake.rpc() as rpc:
            current = rpc.intake.get_project(agency_token(), referral["id"])
        return current if current["version"] >= version else None

    current = wait_for(lambda: project_at(2), message="action status from the outcome event")
    assert current["actions"][0]["status"] == "completata"
    assert current["updated_by"] == "service:housing_stock"
    # A later outcome proves the consumer is past both copies of the first one.
    publish_outcome(amqp_uri, "housing_stock", dict(outcome, status="annullata"))
    latest = wait_for(lambda: project_at(3), message="second outcome")
    assert latest["version"] == 3 and latest["actions"][0]["status"] == "annullata"


def test_commission_and_closure_over_rpc(intake, bus, payload):
    with intake.rpc() as rpc:
        referral = rpc.intake.submit_referral(client_token(), payload)
        rpc.intake.triage_referral(agency_token(), referral["id"], {"outcome": "presa_in_carico"})
        assert (
            remote_error(
                rpc.intake.create_meeting,
                agency_token(),
                {"date": "2026-12-01", "location": "Sala"},
            ).exc_type
            == "CaseForbidden"
        )
        meeting = rpc.intake.create_meeting(
            coordinator_token(), {"date": "2026-12-01", "location": "Sala consiliare"}
        )
        proposal = rpc.intake.add_proposal(
            coordinator_token(),
            meeting["id"],
            {"referral_id": referral["id"], "kind": "temporary_placement"},
        )
        rpc.intake.decide_proposal(coordinator_token(), proposal["id"], {"decision": "rinviata"})
        assert (
            remote_error(
                rpc.intake.decide_proposal,
                coordinator_token(),
                proposal["id"],
                {"decision": "approvata"},
            ).exc_type
            == "ProposalConflict"
        )
        minutes = rpc.intake.record_minutes(coordinator_token(), meeting["id"], "Verbale n. 1")
        assert minutes["closed"] is True
        assert (
            rpc.intake.list_meetings(coordinator_token())[0]["proposals"][0]["status"] == "rinviata"
        )

        assert (
            remote_error(
                rpc.intake.close_case, comune_token(), referral["id"], {"outcome": "altro"}
            ).exc_type
            == "CaseForbidden"
        )
        rpc.intake.close_case(agency_token(), referral["id"], {"outcome": "rientro_in_famiglia"})
        assert (
            remote_error(
                rpc.intake.close_case, agency_token(), referral["id"], {"outcome": "altro"}
            ).exc_type
            == "CaseConflict"
        )
        rpc.intake.reopen_case(agency_token(), referral["id"], "Rientro non riuscito")
        assert rpc.intake.get_case_status(client_token(), referral["id"])["status"] == "in_carico"
        diary = rpc.intake.schedule_interview(
            comune_token(),
            referral["id"],
            {
                "scheduled_at": "2026-12-03T10:00:00",
                "location": "Agenzia",
                "participants": ["AS Agenzia", "AS Comune"],
            },
        )
        assert diary["kind"] == "colloquio_congiunto"
        trail = rpc.intake.list_audit(coordinator_token(), referral["id"])
        assert [t["action"] for t in trail] == [  # the records each call answered
            "triage_referral",
            "add_proposal",
            "decide_proposal",
            "record_minutes",
            "list_meetings",
            "close_case",
        ]

    events = drain(bus, 6)  # with referral_received v1 and v2
    assert {
        "intake.commission_decision_made.v1",
        "intake.case_closed.v1",
        "intake.case_reopened.v1",
    } <= set(events)
    assert events["intake.commission_decision_made.v1"]["decision"] == "rinviata"


def test_an_outcome_outside_the_event_actor_scope_is_parked_and_changes_nothing(
    intake, payload, amqp_uri
):
    """A service (or a partner) with a valid actor for Milano names an SGM case in its event."""
    from abitare_chassis.testing.broker import Broker

    with intake.rpc() as rpc:
        referral = rpc.intake.submit_referral(agency_token(), payload)
        rpc.intake.triage_referral(agency_token(), referral["id"], {"outcome": "presa_in_carico"})
        project = rpc.intake.save_project(
            agency_token(),
            referral["id"],
            0,
            {
                "objectives": ["Alloggio"],
                "actions": [
                    {"type": "temporary_housing", "description": "SAT", "responsible": "agency"}
                ],
            },
        )
    milano = "015146"
    outcome = {
        "referral_id": referral["id"],
        "comune_istat": SGM,
        "action_id": project["actions"][0]["id"],
        "status": "annullata",
        "recorded_at": "2026-11-20T10:00:00Z",
    }
    envelope = outcome_envelope("housing_stock", outcome, tenant=milano)
    publish_outcome(amqp_uri, "housing_stock", outcome, envelope)
    queue = dead_letter_queue_name(
        "evt-housing_stock-action_outcome_recorded--"
        "intake.handle_housing_stock_action_outcome_recorded"
    )
    broker = Broker(amqp_uri)
    wait_for(lambda: broker.depth(queue) == 1, message="the outcome parked")
    [(headers, _)] = broker.get_all(queue)
    assert "referral_out_of_actor_scope" in headers["x-abitare-error"]
    with intake.rpc() as rpc:
        current = rpc.intake.get_project(agency_token(), referral["id"])
    assert current["version"] == 1 and current["actions"][0]["status"] == "da_avviare"


def test_a_partner_answer_without_an_action_writes_the_diary_once(intake, payload, amqp_uri):
    """A referral sent from the case's "Invii ai partner" tab: partners' event names no action;
    intake writes the case's diary, touches no project, and a redelivered copy is a no-op."""
    with intake.rpc() as rpc:
        referral = rpc.intake.submit_referral(agency_token(), payload)
        rpc.intake.triage_referral(agency_token(), referral["id"], {"outcome": "presa_in_carico"})
    example = json.loads(
        (CONTRACTS / "examples/partners.action_outcome_recorded.v1.json").read_text()
    )
    answer = dict(example, referral_id=referral["id"], comune_istat=SGM)

    def partner_envelope(data):
        return outcome_envelope("partners", data, role="partner_client", sub="partner:FWA")

    envelope = partner_envelope(answer)
    publish_outcome(amqp_uri, "partners", answer, envelope)
    publish_outcome(amqp_uri, "partners", answer, envelope)  # redelivered
    # A later answer proves the consumer is past both copies of the first one.
    later = dict(answer, status="completata", outcome="prestito_erogato")
    publish_outcome(
        amqp_uri, "partners", later, partner_envelope(dict(later, outcome_label="Prestito erogato"))
    )

    def partner_entries():
        with intake.rpc() as rpc:
            entries = rpc.intake.list_diary(agency_token(), referral["id"])
        found = [e for e in entries if e["kind"] == "aggiornamento_partner"]
        return found if len(found) >= 2 else None

    entries = wait_for(partner_entries, message="the partner's answers in the diary")
    assert sorted(e["text"] for e in entries) == [
        "Aggiornamento dal partner FWA (Microcredito sociale): Prestito erogato.",
        "Aggiornamento dal partner FWA (Microcredito sociale): invio accettato.",
    ]
    assert {e["author"] for e in entries} == {"partner:FWA"}
    with intake.rpc() as rpc:
        assert rpc.intake.get_project(agency_token(), referral["id"])["version"] == 0
