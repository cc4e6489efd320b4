"""intake end to end through nameko RPC, a real broker and a real database (SQLite, PostgreSQL)."""

import json
from pathlib import Path

import jsonschema
import pytest
from kombu import Connection, Exchange, Queue
from nameko.exceptions import RemoteError
from sqlalchemy import func, select

from abitare_chassis.actor import Actor, sign_actor
from abitare_chassis.envelope import verify_envelope
from abitare_chassis.testing.services import token, wait_for
from intake.adapters.models import HouseholdMember, Referral, outbox_table
from intake.service import IntakeService

CONTRACTS = Path(__file__).resolve().parents[3] / "infra" / "contracts"
SAN_GIULIANO, MELEGNANO, MILANO = "015195", "015140", "015146"


def operator_token():
    """Signed when used: actor tokens expire after 300 s."""
    return token("comune_operator", (SAN_GIULIANO,), sub="operator:verdi", service="intake")


@pytest.fixture
def intake(service_runner, db_url):
    service_runner.start(IntakeService, db_url)
    return service_runner


@pytest.fixture
def received_events(amqp_uri):
    """A queue bound to intake.events / referral_received, declared before anything is sent."""
    queue = Queue(
        "test.intake.referral_received",
        exchange=Exchange("intake.events", type="topic", durable=True),
        routing_key="referral_received",
    )
    with Connection(amqp_uri) as conn:
        simple = conn.SimpleQueue(queue)
        yield simple
        simple.close()


def count(runner, table) -> int:
    with runner.db("intake").engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def outbox_rows(runner):
    with runner.db("intake").engine.connect() as conn:
        return conn.execute(select(outbox_table)).all()


def schema(path: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json.loads((CONTRACTS / path).read_text()), format_checker=jsonschema.FormatChecker()
    )


def remote_error(call, *args, **kwargs) -> RemoteError:
    with pytest.raises(RemoteError) as info:
        call(*args, **kwargs)
    return info.value


def test_submit_stores_publishes_and_reads_back(intake, received_events, payload):
    with intake.rpc() as rpc:
        referral = rpc.intake.submit_referral(operator_token(), payload)
        assert referral == rpc.intake.get_referral(operator_token(), referral["id"])

    assert referral["comune_name"] == "San Giuliano Milanese"
    assert referral["status"] == "ricevuta"
    assert referral["submitted_by"] == "operator:verdi"
    assert (referral["household_size"], referral["minors"], referral["over_65"]) == (3, 1, 0)
    assert referral["household"][0]["codice_fiscale"] == "RSSMRA80A01F205X"
    assert referral["monthly_rent_cents"] == 65000 and referral["eviction_date"] == "2026-12-15"
    assert count(intake, Referral) == 1 and count(intake, HouseholdMember) == 3

    message = received_events.get(timeout=15)
    message.ack()
    event = verify_envelope(message.payload)  # signed, with a valid actor
    assert event.type == "intake.referral_received.v1"
    assert event.subject == referral["id"] and event.tenant == SAN_GIULIANO
    assert event.actor.sub == "operator:verdi"
    schema("envelope.schema.json").validate(message.payload)
    schema("events/intake.referral_received.v1.json").validate(event.data)
    assert event.data["referral_id"] == referral["id"]
    assert event.data["household"]["minors"] == 1
    assert event.data["economics"]["monthly_net_income_cents"] == 140000

    rows = wait_for(
        lambda: [r for r in outbox_rows(intake) if r.sent_at is not None],
        message="outbox row marked sent",
    )
    assert len(rows) == 1 and rows[0].event_id == event.id


def test_codice_fiscale_is_stored_uppercase(intake, received_events, payload):
    payload["household"][0]["codice_fiscale"] = "rssmra80a01f205x"
    with intake.rpc() as rpc:
        referral = rpc.intake.submit_referral(operator_token(), payload)
    assert referral["household"][0]["codice_fiscale"] == "RSSMRA80A01F205X"
    with intake.db("intake").engine.connect() as conn:
        stored = conn.execute(
            select(HouseholdMember.codice_fiscale).where(HouseholdMember.position == 0)
        ).scalar_one()
    assert stored == "RSSMRA80A01F205X"


def _invalid(payload, path, value):
    target = payload
    *parents, last = path
    for key in parents:
        target = target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return payload


@pytest.mark.parametrize(
    "path, value, field",
    [
        (("household", 0, "codice_fiscale"), "RSSMRA80A01F205Y", "household.0.codice_fiscale"),
        (("comune_istat",), "058091", "comune_istat"),
        (("problem_reported",), None, "problem_reported"),
        (("household",), None, "household"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(intake, payload, path, value, field):
    with intake.rpc() as rpc:
        error = remote_error(
            rpc.intake.submit_referral, operator_token(), _invalid(payload, path, value)
        )
    assert error.exc_type == "InvalidInput"
    wire = json.loads(error.value)  # the coded error travels as JSON
    assert (wire["code"], wire["kind"]) == ("invalid_input", "invalid")
    assert field in wire["details"]["fields"]
    assert count(intake, Referral) == 0 and count(intake, outbox_table) == 0


def test_other_comune_is_forbidden_and_changes_nothing(intake, make_payload):
    with intake.rpc() as rpc:
        error = remote_error(
            rpc.intake.submit_referral, operator_token(), make_payload(comune_istat=MILANO)
        )
    assert error.exc_type == "ReferralForbidden"
    assert json.loads(error.value) == {
        "code": "referral_forbidden",
        "kind": "forbidden",
        "details": {"comune_istat": MILANO},
        "message": f"comune {MILANO} is outside the actor's scope",
    }
    assert count(intake, Referral) == 0 and count(intake, outbox_table) == 0


@pytest.mark.parametrize(
    "bad_token",
    [
        sign_actor(
            Actor(sub="operator:x", role="system", comuni=(SAN_GIULIANO,)), key="not-our-key"
        ),
        "operator:x",
        None,
    ],
)
def test_forged_or_unsigned_actor_is_rejected(intake, payload, bad_token):
    with intake.rpc() as rpc:
        error = remote_error(rpc.intake.submit_referral, bad_token, payload)
        assert error.exc_type == "ActorRejected"
        assert remote_error(rpc.intake.list_comuni, bad_token).exc_type == "ActorRejected"
    assert count(intake, Referral) == 0


def test_another_comunes_referral_is_not_found(intake, received_events, payload):
    milano_operator = token("comune_operator", (MILANO,), sub="operator:bianchi", service="intake")
    with intake.rpc() as rpc:
        referral = rpc.intake.submit_referral(operator_token(), payload)
        for referral_id in (referral["id"], "00000000-0000-0000-0000-000000000000", 42):
            error = remote_error(rpc.intake.get_referral, milano_operator, referral_id)
            assert error.exc_type == "ReferralNotFound"
        assert rpc.intake.list_referrals(milano_operator)["total"] == 0
        assert rpc.intake.list_referrals(operator_token(), comune_istat=MILANO)["items"] == []


def test_idempotency_key_returns_the_first_referral(intake, received_events, make_payload):
    with intake.rpc() as rpc:
        first = rpc.intake.submit_referral(operator_token(), make_payload(idempotency_key="k-1"))
        again = rpc.intake.submit_referral(operator_token(), make_payload(idempotency_key="k-1"))
        other_actor = token(
            "comune_operator", (SAN_GIULIANO,), sub="client:portal", service="intake"
        )
        third = rpc.intake.submit_referral(other_actor, make_payload(idempotency_key="k-1"))
    assert again == first
    assert third["id"] != first["id"]
    assert count(intake, Referral) == 2 and count(intake, outbox_table) == 4  # v1 + v2 each


def test_list_is_scoped_newest_first_and_paginated(intake, received_events, make_payload, cf):
    agency = token(
        "agency_operator", (SAN_GIULIANO, MELEGNANO), sub="operator:agenzia", service="intake"
    )
    ids = []
    with intake.rpc() as rpc:
        comuni = [SAN_GIULIANO, MELEGNANO, SAN_GIULIANO, MELEGNANO, SAN_GIULIANO]
        for i, comune in enumerate(comuni):
            head_cf = cf(f"VRDGPP7{i}A01F205")
            ids.append(
                rpc.intake.submit_referral(
                    agency,
                    make_payload(
                        comune_istat=comune,
                        household=[
                            {
                                "codice_fiscale": head_cf,
                                "first_name": f"Giuseppe{i}",
                                "last_name": "Verdi",
                                "birth_date": f"197{i}-01-01",
                                "relation": "intestatario",
                            }
                        ],
                    ),
                )["id"]
            )
        first = rpc.intake.list_referrals(agency, page=1, page_size=2)
        second = rpc.intake.list_referrals(agency, page=2, page_size=2)
        third = rpc.intake.list_referrals(agency, page=3, page_size=2)
        melegnano = rpc.intake.list_referrals(agency, comune_istat=MELEGNANO)
        only_sgm = rpc.intake.list_referrals(operator_token())
        bad = remote_error(rpc.intake.list_referrals, agency, page_size=500)

    newest_first = list(reversed(ids))
    assert [i["id"] for i in first["items"] + second["items"] + third["items"]] == newest_first
    assert (first["total"], first["page"], first["page_size"]) == (5, 1, 2)
    summary = first["items"][0]
    assert summary == {
        "id": ids[4],
        "comune_istat": SAN_GIULIANO,
        "comune_name": "San Giuliano Milanese",
        "received_at": summary["received_at"],
        "status": "ricevuta",
        "referring_body": "servizi_sociali_comune",
        "problem_reported": "sfratto_esecutivo",
        "housing_situation": "sfratto_in_corso",
        "household_size": 1,
        "current_grade": None,
        "assigned_to": None,
        "head_name": "Verdi Giuseppe4",
    }
    assert summary["received_at"].endswith("+00:00")
    assert [i["id"] for i in melegnano["items"]] == [ids[3], ids[1]]
    assert only_sgm["total"] == 3
    assert bad.exc_type == "InvalidInput"
    assert json.loads(bad.value)["details"]["fields"]["page_size"] == [
        {"code": "range", "min": 1, "max": 200}
    ]


def test_list_comuni_and_vocabulary(intake):
    with intake.rpc() as rpc:
        comuni = rpc.intake.list_comuni(operator_token())
        vocabulary = rpc.intake.get_vocabulary(operator_token())
    assert len(comuni) == 133
    assert {"istat": MILANO, "name": "Milano"} in comuni
    assert {
        "code": "sfratto_in_corso",
        "label": "Rilascio alloggio per procedimento di sfratto in corso",
    } in vocabulary["housing_situation"]
