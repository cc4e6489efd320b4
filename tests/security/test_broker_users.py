"""Broker users (issue 7, finding 1): each service and the gateway connect as their own RabbitMQ
user, created by ``abitare-broker users`` from infra/rabbitmq/definitions.json, with permissions
limited to what they need. Tried with the credentials an attacker who stole funds' would have,
on a private node; then funds and partners do their work with their own users. Issue 9: each
partner reads its own queue ``partner.<code>`` as its own user, and can do nothing else."""

from __future__ import annotations

import os
import stat

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection, Exchange, Queue
from nameko.standalone.rpc import ClusterRpcProxy

from abitare_chassis import broker
from abitare_chassis.envelope import sign_envelope
from abitare_chassis.testing.consumer import EventFeed
from abitare_chassis.testing.services import ServiceHarness, token, wait_for
from tests.support.amqp import depth

INTAKE_QUEUE = (
    "evt-partners-action_outcome_recorded--intake.handle_partners_action_outcome_recorded"
)
FUNDS_QUEUE = "evt-intake-referral_received.v2--funds.handle_intake_referral_received"


@pytest.fixture
def node(private_rabbit, tmp_path):
    """A vhost with the definitions declared (as ``make run`` does) and every user created."""
    admin_uri = private_rabbit.create_vhost("abitare")
    definitions = broker.load_definitions()
    broker.declare(admin_uri, definitions)
    env_file = tmp_path / "broker-users.env"
    management = f"http://127.0.0.1:{private_rabbit.management_port}"
    uris = broker.create_users(management, "guest:guest", "abitare", admin_uri, definitions)
    broker.write_env_file(env_file, uris)
    return {
        "admin": admin_uri,
        "uris": uris,
        "env_file": env_file,
        "management": management,
        "definitions": definitions,
    }


def refused(uri: str, action) -> bool:
    with Connection(uri, transport_options={"confirm_publish": True}) as conn:
        try:
            action(conn, conn.channel())
        except AccessRefused:
            return True
    return False


def test_every_service_and_the_gateway_get_their_own_user(node):
    assert set(node["uris"]) == {
        "INTAKE_AMQP_URI",
        "FUNDS_AMQP_URI",
        "HOUSING_STOCK_AMQP_URI",
        "PARTNERS_AMQP_URI",
        "GATEWAY_AMQP_URI",
    }
    assert stat.S_IMODE(os.stat(node["env_file"]).st_mode) == 0o600
    assert broker.read_env_file(node["env_file"]) == node["uris"]
    again = broker.create_users(
        node["management"],
        "guest:guest",
        "abitare",
        node["admin"],
        node["definitions"],
        known=node["uris"],
    )
    assert again == node["uris"]  # a second run keeps the passwords the services use


def test_funds_credentials_cannot_read_others_queues_nor_write_to_partners(node):
    funds = node["uris"]["FUNDS_AMQP_URI"]
    # its own queue: fine
    assert not refused(funds, lambda conn, ch: ch.basic_get(FUNDS_QUEUE, no_ack=False))
    # intake's queue and a partner's queue: refused
    for queue in (INTAKE_QUEUE, "partner.fwa", f"{FUNDS_QUEUE.replace('funds', 'housing_stock')}"):
        assert refused(funds, lambda conn, ch, queue=queue: ch.basic_get(queue, no_ack=True)), queue

    def publish(exchange, routing_key):
        def action(conn, channel):
            conn.Producer(channel).publish(
                {"forged": True}, exchange=exchange, routing_key=routing_key, serializer="json"
            )

        return action

    outbound = Exchange("partners.outbound", type="topic", durable=True)
    assert refused(funds, publish(outbound, "fwa"))
    assert refused(funds, publish("", "partner.fwa"))  # nor via the default exchange
    assert refused(
        funds,
        publish(Exchange("intake.events", type="topic", durable=True), "referral_received.v2"),
    )  # nor as intake
    assert depth(node["admin"], "partner.fwa") == 0
    assert depth(node["admin"], FUNDS_QUEUE) == 0
    # nor redefine someone else's queue
    assert refused(funds, lambda conn, ch: ch.queue_delete(INTAKE_QUEUE))


def test_the_gateway_credentials_reach_rpc_only(node):
    gateway = node["uris"]["GATEWAY_AMQP_URI"]
    assert refused(gateway, lambda conn, ch: ch.basic_get(FUNDS_QUEUE, no_ack=True))
    assert refused(
        gateway,
        lambda conn, ch: conn.Producer(ch).publish(
            {"x": 1},
            exchange=Exchange("intake.events", type="topic", durable=True),
            routing_key="referral_received.v2",
            serializer="json",
        ),
    )


def test_funds_and_partners_work_with_their_own_users(node, tmp_path):
    from funds.service import FundsService
    from partners.service import PartnersService

    uris = node["uris"]
    funds = ServiceHarness(uris["FUNDS_AMQP_URI"])
    partners = ServiceHarness(uris["PARTNERS_AMQP_URI"])
    try:
        funds.start(FundsService, f"sqlite:///{tmp_path / 'funds.db'}")
        partners.start(PartnersService, f"sqlite:///{tmp_path / 'partners.db'}")
        with ClusterRpcProxy({"AMQP_URI": uris["GATEWAY_AMQP_URI"]}, timeout=15) as rpc:
            rpc.partners.subscribe(
                token("coordinator", ["015195"], service="partners"),
                "FWA",
                "intake.referral_received.v1",
            )
            v1 = EventFeed(
                "intake.referral_received.v1", id_field="referral_id", tenant_field="comune_istat"
            )
            data = v1.data()
            envelope = v1.envelope(data)
            v2 = dict(envelope, type="intake.referral_received.v2")
            v2.pop("signature")
            # published as intake would (intake's own user), v1 for partners and v2 for funds
            feed = v1.broker(uris["INTAKE_AMQP_URI"])
            feed.publish(envelope)
            feed.publish(sign_envelope(v2), routing_key="referral_received.v2")
            operator = token("agency_operator", ["015195"], service="funds")
            found = wait_for(
                lambda: files(rpc, operator, data["referral_id"]),
                timeout=30,
                message="funds to open the file, as its own user",
            )
            assert found["referral_id"] == data["referral_id"]
            wait_for(
                lambda: depth(node["admin"], "partner.fwa") == 1,
                timeout=30,
                message="partners to deliver to FWA, as its own user",
            )
    finally:
        funds.stop()
        partners.stop()


def files(rpc, actor, referral_id):
    from nameko.exceptions import RemoteError

    try:
        return rpc.funds.get_funds_file(actor, referral_id)
    except RemoteError as exc:
        if exc.exc_type.endswith("NotFound"):
            return None
        raise


PARTNER_CODES = {"FWA", "AFOL", "ALER", "MM", "CAF", "EUREKA", "FUORILUOGHI", "LIBERACOMPAGNIA"}


def test_abitare_broker_users_creates_a_user_per_partner_queue(node, monkeypatch, tmp_path):
    """As ``make run`` calls it: the services' file and the partners' file, one line each."""
    services_file, partners_file = tmp_path / "broker-users.env", tmp_path / "partner-users.env"
    monkeypatch.setenv("AMQP_URI", node["admin"])  # the host and vhost the URIs name
    argv = ["users", "--env-file", str(services_file), "--vhost", "abitare"]
    argv += ["--management-url", node["management"], "--partner-env-file", str(partners_file)]
    broker.main(argv)
    partners = broker.read_env_file(partners_file)
    assert set(partners) == {f"PARTNER_{code}_AMQP_URI" for code in PARTNER_CODES | {"AGENZIA1"}}
    assert partners["PARTNER_CAF_AMQP_URI"].startswith("amqp://partner-caf:")
    assert stat.S_IMODE(os.stat(partners_file).st_mode) == 0o600
    assert not set(partners) & set(broker.read_env_file(services_file))  # apart from the services
    broker.main(argv)  # a second run keeps the passwords the partners were given
    assert broker.read_env_file(partners_file) == partners


def test_a_partner_reads_its_own_queue_and_nothing_else(node):
    uris = broker.create_users(
        node["management"],
        "guest:guest",
        "abitare",
        node["admin"],
        node["definitions"],
        partners=True,
    )
    fwa = uris["PARTNER_FWA_AMQP_URI"]
    with Connection(node["admin"], transport_options={"confirm_publish": True}) as conn:
        for code in ("fwa", "afol"):  # what partners' relay does: one copy per partner
            conn.Producer().publish(
                {"for": code},
                exchange=Exchange("partners.outbound", type="topic", durable=True),
                routing_key=code,
                serializer="json",
            )
    got = []

    def take(body, message):
        got.append(body)
        message.ack()

    with Connection(fwa) as conn:  # its own queue: consumed and acknowledged, not declared
        with conn.Consumer(Queue("partner.fwa", no_declare=True), callbacks=[take]):
            conn.drain_events(timeout=10)
    assert got == [{"for": "fwa"}] and depth(node["admin"], "partner.fwa") == 0

    def publish(exchange, routing_key):
        def action(conn, channel):
            conn.Producer(channel).publish(
                {"forged": True}, exchange=exchange, routing_key=routing_key, serializer="json"
            )

        return action

    # a passive declare (does it exist, how many messages?) is not configuring it
    assert not refused(fwa, lambda conn, ch: ch.queue_declare("partner.fwa", passive=True))
    assert refused(fwa, lambda conn, ch: ch.basic_get("partner.afol", no_ack=True))
    assert refused(fwa, lambda conn, ch: ch.basic_get(FUNDS_QUEUE, no_ack=True))
    assert refused(fwa, lambda conn, ch: ch.queue_declare("partner.fwa-mine", durable=True))
    assert refused(fwa, lambda conn, ch: ch.queue_declare("partner.fwa", durable=True))
    for exchange, key in (("intake.events", "referral_received.v2"), ("partners.outbound", "afol")):
        topic = Exchange(exchange, type="topic", durable=True)
        assert refused(fwa, publish(topic, key)), exchange
    assert refused(fwa, publish("", "partner.afol"))  # nor through the default exchange
    assert refused(
        fwa,
        lambda conn, ch: ch.queue_bind("partner.fwa", exchange="intake.events", routing_key="#"),
    )
    assert refused(fwa, lambda conn, ch: ch.queue_delete("partner.fwa"))
    assert depth(node["admin"], "partner.afol") == 1  # AFOL's copy untouched, nothing added
    assert depth(node["admin"], FUNDS_QUEUE) == 0
