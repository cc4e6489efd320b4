"""Integration: partners with a real broker and a real database (SQLite, PostgreSQL)."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from nameko.exceptions import RemoteError
from sqlalchemy import func, select

from abitare_chassis.actor import Actor, sign_actor
from abitare_chassis.envelope import verify_envelope
from abitare_chassis.errors import ActorRejected
from abitare_chassis.handlers import dead_letter_queue_name, retry_queue_name
from abitare_chassis.testing.consumer import contracts_dir
from abitare_chassis.testing.services import token, wait_for
from partners.domain.conventions import agency_today
from partners.service import PartnersService

SGM = "015195"
REFERRAL_RECEIVED = "intake.referral_received.v1"


def operator_token():
    """Signed when used: actor tokens expire after 300 s."""
    return token("agency_operator", [SGM], service="partners")


def coordinator_token():
    """Signed when used: actor tokens expire after 300 s."""
    return token("coordinator", [SGM], sub="operator:coordinatrice", service="partners")


HANDLER_QUEUE = "evt-intake-referral_received--partners.handle_intake_referral_received"
FWA_FIELDS = {
    "referral_id",
    "comune_istat",
    "comune_name",
    "received_at",
    "problem_reported",
    "housing_situation",
    "household",
    "economics",
}


@pytest.fixture
def partners(service_runner, db_url):
    service_runner.start(PartnersService, db_url)
    with service_runner.rpc() as rpc:
        yield rpc.partners


def handled(service_runner, event_id) -> bool:
    """The handler committed its effect of ``event_id`` (its inbox row commits with it)."""
    db = service_runner.db("partners")
    with db.engine.connect() as conn:
        return (
            conn.execute(select(db.inbox.c.id).where(db.inbox.c.event_id == event_id)).first()
            is not None
        )


def stop_when_drained(service_runner, broker):
    """Stop the service once its queues are empty and its outbox is sent. Stopping lets running
    workers finish and puts back whatever was not acknowledged, so afterwards the queues show
    exactly what is left."""
    wait_for(
        lambda: (
            broker.depth(HANDLER_QUEUE) == 0
            and broker.depth(retry_queue_name(HANDLER_QUEUE)) == 0
            and unsent(service_runner) == 0
        ),
        message="queues drained and outbox sent",
    )
    service_runner.stop()


def unsent(service_runner) -> int:
    db = service_runner.db("partners")
    with db.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(db.outbox).where(db.outbox.c.sent_at.is_(None))
        ).scalar_one()


def signed_by_partner_key(body: dict, key: str) -> bool:
    """How a partner checks a delivery (README, "For a partner"), written out independently of
    the chassis: HMAC-SHA256 of the envelope without ``signature``, sorted keys, compact JSON."""
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    canonical = json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = hmac.new(key.encode(), canonical.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, body["signature"])


def test_a_subscribed_partner_receives_a_signed_filtered_copy(
    partners, broker, make_referral, make_envelope
):
    subscribed = partners.subscribe(coordinator_token(), "fwa", REFERRAL_RECEIVED)
    issued = partners.issue_delivery_key(coordinator_token(), "fwa")
    assert issued["partner_code"] == "FWA" and issued["algorithm"] == "HMAC-SHA256"
    assert len(issued["delivery_key"]) >= 40
    assert subscribed["partner_code"] == "FWA" and subscribed["active"] is True
    assert subscribed["queue"] == "partner.fwa"
    assert subscribed["created_by"] == "operator:coordinatrice"
    assert broker.depth("partner.fwa") == 0

    data = make_referral(
        description="Sfratto per morosità dopo la perdita del lavoro",
        contact_phone="+39 333 1234567",
    )
    original = make_envelope(data)
    broker.publish(original)
    messages = wait_for(lambda: broker.get_all("partner.fwa"), message="FWA delivery")
    assert len(messages) == 1
    _, body = messages[0]
    text = json.dumps(body)
    for secret in (
        "codice_fiscale",
        "RSSMRA80A41F205X",
        "Maria",
        "members",
        "Sfratto",
        "333 1234567",
    ):
        assert secret not in text

    assert signed_by_partner_key(body, issued["delivery_key"])  # with the partner's own key
    schema = json.loads((contracts_dir() / "partner-envelope.schema.json").read_text())
    Draft202012Validator(schema).validate(body)
    assert body["type"] == REFERRAL_RECEIVED and body["source"] == "/abitare/partners"
    assert body["id"] != original["id"] and body["causationid"] == original["id"]
    assert body["subject"] == data["referral_id"] and body["tenant"] == SGM
    assert set(body["data"]) == FWA_FIELDS
    assert body["data"]["household"] == {"size": 2, "minors": 1}
    assert body["data"]["economics"] == data["economics"]

    deliveries = partners.get_deliveries(operator_token(), data["referral_id"])
    assert len(deliveries) == 1
    assert deliveries[0]["partner_code"] == "FWA"
    assert deliveries[0]["partner_name"] == "Fondazione Welfare Ambrosiano"
    assert deliveries[0]["event_type"] == REFERRAL_RECEIVED
    assert deliveries[0]["event_id"] == body["id"]
    assert "household.size" in deliveries[0]["fields"]
    assert "household.members" not in deliveries[0]["fields"]
    shared = dict(zip(deliveries[0]["fields"], deliveries[0]["field_labels"], strict=True))
    assert shared["economics.monthly_net_income_cents"] == "Reddito netto mensile"
    assert deliveries[0]["queued_at"].endswith("+00:00")


def test_a_partner_receives_nothing_it_could_replay_into_the_suite(partners, broker, make_envelope):
    """Issue 7, finding 1: a partner that can publish to the broker must find in its deliveries
    no actor token (replayable as an RPC actor) and nothing signed with a key of the suite."""
    partners.subscribe(coordinator_token(), "FWA", REFERRAL_RECEIVED)
    broker.publish(make_envelope())
    _, body = wait_for(lambda: broker.get_all("partner.fwa"), message="FWA delivery")[0]
    assert "actor" not in body
    with pytest.raises(RemoteError) as error:  # replayed as an RPC actor
        partners.count_deliveries(body.get("actor"))
    assert error.value.exc_type == "ActorRejected"
    with pytest.raises(ActorRejected, match="unsigned or forged"):  # passed off as an event
        verify_envelope(body)


def test_a_new_delivery_key_signs_the_next_deliveries_and_only_a_coordinator_issues_it(
    partners, broker, make_envelope
):
    partners.subscribe(coordinator_token(), "FWA", REFERRAL_RECEIVED)
    old = partners.issue_delivery_key(coordinator_token(), "FWA")["delivery_key"]
    new = partners.issue_delivery_key(coordinator_token(), "FWA")["delivery_key"]
    assert new != old
    broker.publish(make_envelope())
    _, body = wait_for(lambda: broker.get_all("partner.fwa"), message="FWA delivery")[0]
    assert signed_by_partner_key(body, new) and not signed_by_partner_key(body, old)
    for role, code, expected in (
        ("agency_operator", "FWA", "PartnerForbidden"),
        ("system", "FWA", "PartnerForbidden"),
        ("coordinator", "NOSUCH", "PartnerNotFound"),
        ("coordinator", "", "InvalidInput"),
    ):
        with pytest.raises(RemoteError) as error:
            partners.issue_delivery_key(token(role, [SGM], service="partners"), code)
        assert error.value.exc_type == expected


def test_the_same_event_twice_is_delivered_once(partners, service_runner, broker, make_envelope):
    partners.subscribe(coordinator_token(), "FWA", REFERRAL_RECEIVED)
    envelope = make_envelope()
    broker.publish(envelope)
    broker.publish(envelope)
    wait_for(lambda: partners.count_deliveries(operator_token()) == 1)
    wait_for(lambda: broker.depth("partner.fwa") >= 1)
    assert partners.count_deliveries(operator_token()) == 1
    stop_when_drained(service_runner, broker)
    assert broker.depth(HANDLER_QUEUE) == 0 and broker.depth(retry_queue_name(HANDLER_QUEUE)) == 0
    assert broker.depth(dead_letter_queue_name(HANDLER_QUEUE)) == 0
    assert len(broker.get_all("partner.fwa")) == 1


def test_without_subscriptions_nothing_is_delivered(
    partners, service_runner, broker, make_envelope
):
    envelope = make_envelope()
    broker.publish(envelope)
    wait_for(lambda: handled(service_runner, envelope["id"]), message="the event handled")
    assert partners.get_deliveries(operator_token(), envelope["data"]["referral_id"]) == []
    assert partners.count_deliveries(operator_token()) == 0


def test_subscribing_needs_a_coordinator_a_known_partner_and_a_convention(partners):
    with pytest.raises(RemoteError) as error:
        partners.subscribe(operator_token(), "FWA", REFERRAL_RECEIVED)
    assert error.value.exc_type == "PartnerForbidden"
    with pytest.raises(RemoteError) as error:
        partners.subscribe(coordinator_token(), "NOSUCH", REFERRAL_RECEIVED)
    assert error.value.exc_type == "PartnerNotFound"
    with pytest.raises(RemoteError) as error:
        partners.subscribe(coordinator_token(), "FWA", "intake.referral_closed.v1")
    assert error.value.exc_type == "SubscriptionInvalid"
    assert (
        json.loads(error.value.value)["details"]["fields"]["event_type"][0]["code"]
        == "event_type_not_in_convention"
    )
    with pytest.raises(RemoteError) as error:
        partners.subscribe(coordinator_token(), "", None)
    assert error.value.exc_type == "InvalidInput"
    assert set(json.loads(error.value.value)["details"]["fields"]) == {"partner_code", "event_type"}
    assert all(not p["subscriptions"] for p in partners.list_partners(operator_token()))


def test_subscribing_twice_keeps_one_subscription(partners):
    first = partners.subscribe(coordinator_token(), "ALER", REFERRAL_RECEIVED)
    system = token("system", [], sub="service:demo", service="partners")
    again = partners.subscribe(system, "aler", REFERRAL_RECEIVED)
    assert again["created_at"] == first["created_at"]
    listed = {p["code"]: p for p in partners.list_partners(operator_token())}
    assert [s["event_type"] for s in listed["ALER"]["subscriptions"]] == [REFERRAL_RECEIVED]
    assert listed["FWA"]["subscriptions"] == []


def test_partners_are_listed_with_their_conventions(partners):
    listed = partners.list_partners(operator_token())
    assert [p["code"] for p in listed] == [
        "AFOL",
        "AGENZIA1",
        "ALER",
        "CAF",
        "EUREKA",
        "FUORILUOGHI",
        "FWA",
        "LIBERACOMPAGNIA",
        "MM",
    ]
    afol = listed[0]
    assert afol["name"] == "AFOL Metropolitana" and afol["kind"] == "orientamento_lavoro"
    convention = afol["conventions"][0]
    assert REFERRAL_RECEIVED in convention["allowed_event_types"]
    assert convention["valid_from"] == "2024-01-01"
    assert (convention["code"], convention["version"]) == ("AFOL-2024", 1)
    assert convention["services"] == ["orientamento_lavoro", "formazione"]
    assert "household.size" in convention["grants"][REFERRAL_RECEIVED]["fields"]


def test_deliveries_outside_the_actor_comuni_are_invisible(partners, broker, make_envelope):
    partners.subscribe(coordinator_token(), "AFOL", REFERRAL_RECEIVED)
    envelope = make_envelope()
    broker.publish(envelope)
    referral_id = envelope["data"]["referral_id"]
    wait_for(lambda: partners.get_deliveries(operator_token(), referral_id))
    milano = token("comune_operator", ["015146"], service="partners")
    assert partners.get_deliveries(milano, referral_id) == []
    assert partners.count_deliveries(milano) == 0


def test_unsigned_and_forged_events_are_parked_and_deliver_nothing(partners, broker, make_envelope):
    partners.subscribe(coordinator_token(), "FWA", REFERRAL_RECEIVED)
    unsigned = make_envelope(signed=False)
    forged = make_envelope()
    forged["data"]["household"]["size"] = 9  # altered after signing
    broker.publish(unsigned)
    broker.publish(forged)
    dlq = dead_letter_queue_name(HANDLER_QUEUE)
    wait_for(lambda: broker.depth(dlq) == 2, message="two dead letters")
    assert {body["id"] for _, body in broker.get_all(dlq)} == {unsigned["id"], forged["id"]}
    assert partners.count_deliveries(operator_token()) == 0
    assert broker.depth("partner.fwa") == 0


@pytest.mark.parametrize(
    "bad_token",
    [
        "not-a-token",
        sign_actor(Actor(sub="operator:x", role="coordinator", comuni=(SGM,)), key="another-key"),
    ],
)
def test_a_forged_actor_is_rejected(partners, bad_token):
    with pytest.raises(RemoteError) as error:
        partners.subscribe(bad_token, "FWA", REFERRAL_RECEIVED)
    assert error.value.exc_type == "ActorRejected"


def test_queues_of_active_subscriptions_come_back_when_the_service_restarts(
    service_runner, db_url, broker, make_envelope
):
    service_runner.start(PartnersService, db_url)
    with service_runner.rpc() as rpc:
        rpc.partners.subscribe(coordinator_token(), "FWA", REFERRAL_RECEIVED)
    broker.delete_queue("partner.fwa")  # a broker rebuilt from scratch
    service_runner.stop()
    service_runner.start(PartnersService, db_url)
    assert broker.depth("partner.fwa") == 0  # declared again (passive declare succeeds)
    broker.publish(make_envelope())
    assert len(wait_for(lambda: broker.get_all("partner.fwa"), message="FWA delivery")) == 1


def published_about(service_runner, referral_id, db=None) -> int:
    db = db or service_runner.db("partners")
    with db.engine.connect() as conn:
        bodies = conn.execute(select(db.outbox.c.body)).scalars().all()
    return sum(body["subject"] == referral_id for body in bodies)


PSEUDONYMISED_QUEUE = "evt-intake-case_pseudonymised--partners.handle_intake_case_pseudonymised"


def test_a_pseudonymised_case_forgets_what_partners_got_and_tells_them_once(
    partners, service_runner, broker, make_referral, make_envelope, pseudonymised_notice
):
    """The copy published to FWA (income, rent) leaves partners' outbox; the delivery row (ids
    and field names, no data) stays as the record of what was shared, marked; FWA, which got
    the household's data, is told (GDPR art. 19) once, signed with its own key. AFOL, which
    subscribed after and got nothing, hears nothing."""
    partners.subscribe(coordinator_token(), "FWA", REFERRAL_RECEIVED)
    fwa_key = partners.issue_delivery_key(coordinator_token(), "FWA")["delivery_key"]
    data = make_referral()
    broker.publish(make_envelope(data))
    wait_for(lambda: partners.count_deliveries(operator_token()) == 1, message="delivery")
    wait_for(lambda: unsent(service_runner) == 0, message="copy published")
    assert published_about(service_runner, data["referral_id"]) == 1
    partners.subscribe(coordinator_token(), "AFOL", REFERRAL_RECEIVED)  # later: got nothing
    notice = pseudonymised_notice(data["referral_id"])
    broker.publish(notice, "case_pseudonymised")
    broker.publish(notice, "case_pseudonymised")  # a redelivery
    copy, told = wait_for(
        lambda: (
            (d := partners.get_deliveries(operator_token(), data["referral_id"]))
            and len(d) == 2
            and d
        ),
        message="deliveries pseudonymised and FWA told",
    )
    wait_for(
        lambda: (
            broker.depth(PSEUDONYMISED_QUEUE) == 0
            and broker.depth(retry_queue_name(PSEUDONYMISED_QUEUE)) == 0
            and unsent(service_runner) == 0
        ),
        message="notices handled and sent",
    )
    db = service_runner.db("partners")
    service_runner.stop()  # running workers finish: what is left is in the database
    with db.engine.connect() as conn:
        inbox = conn.execute(
            select(func.count()).select_from(db.inbox).where(db.inbox.c.event_id == notice["id"])
        ).scalar_one()
    assert inbox == 1 and broker.depth(dead_letter_queue_name(PSEUDONYMISED_QUEUE)) == 0
    assert copy["partner_code"] == "FWA" and copy["pseudonymised_at"]
    assert "economics.monthly_rent_cents" in copy["fields"]
    assert told["event_type"] == "intake.case_pseudonymised.v1"
    # only the notice is still in the outbox: the copy with the household's data is gone
    assert published_about(service_runner, data["referral_id"], db) == 1
    bodies = [body for _, body in broker.get_all("partner.fwa")]
    assert [b["type"] for b in bodies] == [REFERRAL_RECEIVED, "intake.case_pseudonymised.v1"]
    assert bodies[1]["data"] == {
        "referral_id": data["referral_id"],
        "comune_istat": SGM,
        "pseudonymised_at": notice["data"]["pseudonymised_at"],
    }
    assert signed_by_partner_key(bodies[1], fwa_key) and "actor" not in bodies[1]
    assert broker.get_all("partner.afol") == []


def test_a_suspended_convention_delivers_nothing_and_a_resumed_one_delivers_again(
    partners, service_runner, broker, make_envelope
):
    partners.subscribe(coordinator_token(), "AFOL", REFERRAL_RECEIVED)
    suspended = partners.set_convention_status(
        coordinator_token(), "AFOL", "AFOL-2024", 1, "sospesa", "Rinnovo dell'accordo in corso"
    )
    assert (suspended["version"], suspended["status"]) == (2, "sospesa")
    while_suspended = make_envelope()
    broker.publish(while_suspended)
    wait_for(lambda: handled(service_runner, while_suspended["id"]), message="handled")
    assert partners.get_deliveries(operator_token(), while_suspended["data"]["referral_id"]) == []

    partners.set_convention_status(
        coordinator_token(), "AFOL", "AFOL-2024", 2, "attiva", "Accordo rinnovato"
    )
    resumed = make_envelope()
    broker.publish(resumed)
    messages = wait_for(lambda: broker.get_all("partner.afol"), message="AFOL delivery")
    assert [body["causationid"] for _, body in messages] == [resumed["id"]]
    [delivery] = partners.get_deliveries(operator_token(), resumed["data"]["referral_id"])
    assert (delivery["convention_code"], delivery["convention_version"]) == ("AFOL-2024", 3)

    with pytest.raises(RemoteError) as error:  # an operator reads, never edits
        partners.set_convention_status(operator_token(), "AFOL", "AFOL-2024", 3, "sospesa", "no")
    assert error.value.exc_type == "PartnerForbidden"
    with pytest.raises(RemoteError) as error:  # somebody else's version
        partners.edit_convention(coordinator_token(), "AFOL", "AFOL-2024", 1, {"title": "x"})
    assert error.value.exc_type == "ConventionVersionConflict"
    partner = partners.get_partner(operator_token(), "afol")
    assert [v["version"] for v in partner["conventions"][0]["versions"]] == [1, 2, 3]


def test_an_event_after_the_convention_expired_is_delivered_to_nobody(
    partners, service_runner, broker, make_envelope
):
    partners.subscribe(coordinator_token(), "AFOL", REFERRAL_RECEIVED)
    yesterday = (agency_today() - timedelta(days=1)).isoformat()
    partners.edit_convention(coordinator_token(), "AFOL", "AFOL-2024", 1, {"valid_to": yesterday})
    late = make_envelope()
    broker.publish(late)
    wait_for(lambda: handled(service_runner, late["id"]), message="handled")
    assert partners.get_deliveries(operator_token(), late["data"]["referral_id"]) == []
    assert broker.depth("partner.afol") == 0
    [afol] = [p for p in partners.list_partners(operator_token()) if p["code"] == "AFOL"]
    assert afol["lapse"] == {
        "code": "convention_expired",
        "convention_code": "AFOL-2024",
        "version": 2,
        "valid_to": yesterday,
    }
