"""The AMQP fan-out to partners under chaos: the broker restarted (test A), the partners service
killed with SIGKILL and started again (test B), each time while the fan-out is under way, once
while the project actions are turned into partner referrals and once while the cases' status
news is shared. Afterwards each partner drains its own queue ``partner.<code>`` and finds:

- the message ids it received are exactly the ids of its Delivery rows in partners' database
  (nothing lost, nothing delivered that was not recorded);
- one message per (partner, event type, household), each signed with its own delivery key; a
  copy sent again (the outbox relay struck between the broker's confirm and marking its row
  sent: at least once) is the very same message under the same id, for at most one event per
  strike, so the partner drops it by id;
- in every payload only the fields its convention grants for that event type;
- MM, whose convention covers Milano only, gets none of the households of the ambito (its
  referrals are recorded as not sent), though its queue is there to receive them.

The partners service runs as a real process (tests/support/suite.py) on a private RabbitMQ node
of the test's own, so that stopping the node disturbs nobody else. Intake's events are fed
straight onto ``intake.events`` as intake would publish them."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import subprocess
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from kombu import Connection
from nameko.standalone.rpc import ClusterRpcProxy

from abitare_chassis import broker
from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from abitare_chassis.envelope import signed_with
from abitare_chassis.outbox import topic_exchange
from abitare_chassis.testing.broker import event_envelope
from abitare_chassis.testing.consumer import EventFeed
from abitare_chassis.testing.services import wait_for
from tests.support.amqp import depth, drain
from tests.support.suite import BIN, DEFINITIONS, DEMO_AMBITO, REPO, Suite

pytestmark = pytest.mark.broker

CASES = int(os.environ.get("ABITARE_FANOUT_CASES", "300"))
SERVED = {"FWA": "microcredito", "AFOL": "orientamento_lavoro"}  # the service asked of each
NOT_COVERING = "MM"  # its convention covers 015146 (Milano) only, outside the demo ambito
CREATED = "partners.partner_referral_created.v1"
OPENED, CLOSED = "intake.case_opened.v1", "intake.case_closed.v1"
ACTIONS = EventFeed("intake.action_requested.v1", id_field="action_id", tenant_field="comune_istat")
HANDLERS = [
    f"evt-intake-{event}--partners.handle_intake_{event}"
    for event in ("action_requested", "case_opened", "case_closed")
]


# -- the suite's partners service ---------------------------------------------------------------
def actor(role: str, sub: str):
    return sign_actor(
        Actor(sub=sub, role=role, comuni=tuple(DEMO_AMBITO)), rpc_audience("partners")
    )


def partners_up(suite) -> bool:
    """partners answers RPC (False until it does: no RPC queue to route to yet)."""
    try:
        with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=5) as rpc:
            return bool(rpc.partners.list_partner_offers(actor("agency_operator", "operator:test")))
    except Exception:
        return False


def prepare_partners(suite):
    """The broker's definitions (the partner.<code> queues, MM's too, and partners' handler
    queues) and partners' database; the other services and the gateway are not needed here."""
    broker.declare(suite.amqp_uri, broker.load_definitions(DEFINITIONS))
    subprocess.run(
        [str(BIN / "abitare-service"), "partners", "--migrate-only"],
        env=suite.env(),
        check=True,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def start_partners(suite):
    suite.start_service("partners")
    wait_for(lambda: partners_up(suite), timeout=90, interval=0.5, message="partners up")


def record_consents(suite, cases):
    """Each household consents to give FWA and AFOL its phone for the service asked (their
    grants name personal fields: without a consent the referral would not be sent)."""
    operator = actor("agency_operator", "operator:test")
    given_on = date.today() - timedelta(days=1)  # valid today in Milan whatever the hour
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=60) as rpc:
        replies = [
            rpc.partners.record_consent.call_async(  # pipelined: the answers are read below
                operator,
                {
                    "referral_id": case,
                    "comune_istat": comune,
                    "partner_code": code,
                    "service": service,
                    "categories": ["contatti"],
                    "given_by": "Maria Rossi",
                    "given_on": given_on.isoformat(),
                    "valid_until": date(given_on.year + 1, 12, 31).isoformat(),
                },
            )
            for (case, comune), (code, service) in itertools.product(cases, SERVED.items())
        ]
        for reply in replies:
            reply.result()


def publish(amqp_uri: str, event: str, datas: list[dict], subject: str):
    """Publish intake's ``event`` with each of ``datas`` on intake's exchange, signed and
    persistent as intake would, over one connection."""
    with Connection(amqp_uri) as conn:
        producer = conn.Producer(exchange=topic_exchange("intake.events"), serializer="json")
        for data in datas:
            tenant = data["comune_istat"]
            envelope = event_envelope("intake", event, data, subject=data[subject], tenant=tenant)
            producer.publish(envelope, routing_key=event, delivery_mode=2)


def case_news(case: str, comune: str, opened: bool) -> dict:
    """The data of intake.case_opened.v1 / intake.case_closed.v1 for one case."""
    at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    if opened:
        household = {"size": 3, "minors": 1, "over_65": 0}
        return {
            "referral_id": case,
            "comune_istat": comune,
            "opened_at": at,
            "household": household,
        }
    return {
        "referral_id": case,
        "comune_istat": comune,
        "closed_at": at,
        "outcome": "affitto_canone_concordato",
        "restitution_date": None,
    }


# -- partners' database -------------------------------------------------------------------------
def query(suite, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(suite.var_dir / "partners.db", timeout=30) as db:
        return db.execute(sql, args).fetchall()


def deliveries(suite, code: str) -> dict[str, tuple[str, str]]:
    """event id -> (event type, subject) of the Delivery rows of partner ``code``."""
    rows = query(
        suite,
        "select event_id, event_type, subject from delivery where partner_code = ?",
        code,
    )
    return {event_id: (event_type, subject) for event_id, event_type, subject in rows}


def referrals_recorded(suite) -> int:
    return query(suite, "select count(*) from partner_referral")[0][0]


def news_shared(suite) -> int:
    """Delivery rows of the cases' status news (opened, closed) so far."""
    return query(suite, "select count(*) from delivery where event_type != ?", CREATED)[0][0]


def grants(suite, code: str) -> dict[str, list[str]]:
    """event type -> fields its convention in force grants (the demo has one version each)."""
    [(raw,)] = query(
        suite,
        "select grants from convention where partner_code = ? and status = 'attiva' "
        "order by version desc limit 1",
        code,
    )
    return {event_type: grant["fields"] for event_type, grant in json.loads(raw).items()}


def delivery_key(suite, code: str) -> str:
    return query(suite, "select delivery_key from partner where code = ?", code)[0][0]


def settled(suite) -> bool:
    """Nothing on its way any more: partners' outbox published every row, its handlers' queues
    and retry queues are empty."""
    pending = query(
        suite,
        "select count(*) from outbox_message where sent_at is null and unheard_at is null",
    )[0][0]
    queues = HANDLERS + [f"{q}.retry" for q in HANDLERS]
    return pending == 0 and all(depth(suite.amqp_uri, q) == 0 for q in queues)


# -- what a partner sees ----------------------------------------------------------------------
def leaves(data: dict, prefix: str = "") -> list[str]:
    """The dotted paths of a payload's leaves (a list is a leaf)."""
    paths = []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            paths.extend(leaves(value, f"{prefix}{key}."))
        else:
            paths.append(f"{prefix}{key}")
    return paths


def granted(path: str, fields) -> bool:
    return any(path == f or path.startswith(f + ".") for f in fields)


class PartnerInbox:
    """A partner's consumer: everything taken off ``partner.<code>`` so far, acknowledged."""

    def __init__(self, amqp_uri: str, code: str):
        self.amqp_uri, self.queue = amqp_uri, f"partner.{code.lower()}"
        self.messages: list[dict] = []

    def take(self) -> list[dict]:
        self.messages.extend(drain(self.amqp_uri, self.queue))
        return self.messages

    def ids(self) -> set[str]:
        return {m["id"] for m in self.messages}


# -- the scenario -----------------------------------------------------------------------------
def run_fan_out(suite, strike):
    """Feed the actions, strike mid-way, feed the case news, strike mid-way; drain and check."""
    prepare_partners(suite)
    start_partners(suite)
    comuni = itertools.cycle(DEMO_AMBITO)  # none of them is Milano
    cases = [(ACTIONS.data()["action_id"], next(comuni)) for _ in range(CASES)]
    to_mm = cases[::3]
    record_consents(suite, cases)

    actions = [
        ACTIONS.data(
            referral_id=case,
            comune_istat=comune,
            partner_code=code,
            partner_service=SERVED.get(code, "alloggio_sap"),
        )
        for case, comune in cases
        for code in (*SERVED, NOT_COVERING)
        if code != NOT_COVERING or (case, comune) in to_mm
    ]
    assert len(actions) == 2 * CASES + len(to_mm)
    publish(suite.amqp_uri, "action_requested", actions, subject="action_id")
    wait_for(
        lambda: referrals_recorded(suite) >= len(actions) // 10,
        timeout=60,
        interval=0.1,
        message="the referrals under way",
    )
    assert referrals_recorded(suite) < len(actions), "the actions were all handled before"
    strike(suite)
    wait_for(
        lambda: referrals_recorded(suite) == len(actions),
        timeout=150,
        interval=0.5,
        message="every action turned into a partner referral after the strike",
    )

    for event, opened in (("case_opened", True), ("case_closed", False)):
        news = [case_news(case, comune, opened) for case, comune in cases]
        publish(suite.amqp_uri, event, news, subject="referral_id")
    wait_for(
        lambda: news_shared(suite) >= CASES // 5,
        timeout=60,
        interval=0.1,
        message="the case news under way",
    )
    assert news_shared(suite) < 2 * CASES * len(SERVED), "the case news was all shared before"
    strike(suite)

    inboxes = {code: PartnerInbox(suite.amqp_uri, code) for code in (*SERVED, NOT_COVERING)}
    expected = 3 * CASES  # created, opened, closed for each household
    wait_for(
        lambda: all(len({m["id"] for m in inboxes[c].take()}) >= expected for c in SERVED),
        timeout=180,
        interval=1,
        message="every partner's copies",
    )
    wait_for(lambda: settled(suite), timeout=60, interval=0.5, message="nothing left on its way")
    for inbox in inboxes.values():  # a late duplicate, if any, would be there now
        inbox.take()
    check(suite, inboxes, cases, to_mm, strikes=2)


def check(suite, inboxes, cases, to_mm, strikes: int):
    again: set[str] = set()  # the ids of which a partner got more than one copy
    for code in SERVED:
        inbox, recorded = inboxes[code], deliveries(suite, code)
        received = inbox.messages
        assert len(recorded) == 3 * len(cases), code
        assert inbox.ids() == set(recorded), f"{code}: received ids != its Delivery rows"
        # a copy published again (a relay cut short between the broker's confirm and marking
        # its row sent) is the same message, same id and signature: the partner drops it by id
        first: dict[str, dict] = {}
        for message in received:
            assert first.setdefault(message["id"], message) == message, f"{code}: id reused"
        unique = list(first.values())
        again.update(i for i, n in Counter(m["id"] for m in received).items() if n > 1)
        per_household = Counter((m["type"], m["data"]["household_ref"]) for m in unique)
        assert set(per_household.values()) == {1}, f"{code}: not one per type and household"
        assert Counter(t for t, _ in per_household) == {
            CREATED: len(cases),
            OPENED: len(cases),
            CLOSED: len(cases),
        }
        assert len({ref for _, ref in per_household}) == len(cases)  # one ref per household
        key, allowed = delivery_key(suite, code), grants(suite, code)
        for message in unique:
            assert signed_with(message, [key]), f"{code}: a copy not signed with its key"
            assert "actor" not in message
            assert recorded[message["id"]][0] == message["type"]
            extra = [p for p in leaves(message["data"]) if not granted(p, allowed[message["type"]])]
            assert extra == [], f"{code} got {extra} of {message['type']}, not in its grant"
        assert {m["data"]["service"] for m in unique if m["type"] == CREATED} == {SERVED[code]}
        assert {m["data"]["status"] for m in received if m["type"] == OPENED} == {"aperto"}
        assert {m["data"]["status"] for m in received if m["type"] == CLOSED} == {"chiuso"}

    # partners' relay publishes one row at a time: a strike can cut short at most the one row
    # whose copy reached the queue before its row was marked sent
    assert len(again) <= strikes, f"copies sent again of {len(again)} events in {strikes} strikes"
    assert inboxes[NOT_COVERING].messages == [], "MM got households its convention does not cover"
    assert deliveries(suite, NOT_COVERING) == {}
    refused = query(
        suite,
        "select state, refusal from partner_referral where partner_code = ?",
        NOT_COVERING,
    )
    assert len(refused) == len(to_mm)
    assert {(state, json.loads(why)["code"]) for state, why in refused} == {
        ("non_inviato", "comune_not_covered")
    }
    queues = HANDLERS + [f"{q}.dlq" for q in HANDLERS]
    assert all(depth(suite.amqp_uri, q) == 0 for q in queues), "an event parked or left"


# -- the two strikes --------------------------------------------------------------------------
def test_broker_restart_mid_fan_out_loses_and_duplicates_nothing(private_rabbit, tmp_path):
    suite = Suite(private_rabbit.create_vhost("fanout"), tmp_path)

    def restart_broker(suite):
        private_rabbit.stop_app()  # every connection drops: handlers' acks, relay's confirms
        private_rabbit.start_app()

    try:
        run_fan_out(suite, restart_broker)
    finally:
        suite.stop()


def test_partners_killed_mid_fan_out_loses_and_duplicates_nothing(private_rabbit, tmp_path):
    suite = Suite(private_rabbit.create_vhost("fanout"), tmp_path)

    def kill_partners(suite):
        suite.kill("partners")  # SIGKILL: transactions and publishes cut short
        start_partners(suite)

    try:
        run_fan_out(suite, kill_partners)
    finally:
        suite.stop()
