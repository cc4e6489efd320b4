"""Integration: partner referrals through the running service, a real broker and a real database
(SQLite, PostgreSQL): a project action arrives twice and is sent once; the partner's client
accepts and posts an outcome, which intake hears as partners.action_outcome_recorded.v1; the case
opened/closed news reaches the partner, status only."""

import uuid

import pytest
from kombu import Connection, Queue
from nameko.exceptions import RemoteError

from abitare_chassis.outbox import topic_exchange
from abitare_chassis.testing.consumer import EventFeed
from abitare_chassis.testing.services import token, wait_for
from partners.domain.conventions import agency_today
from partners.service import PartnersService

SGM = "015195"
ACTIONS = EventFeed("intake.action_requested.v1", id_field="action_id", tenant_field="comune_istat")
CLOSED = EventFeed("intake.case_closed.v1", id_field="referral_id", tenant_field="comune_istat")
OUTCOMES = "evt-partners-action_outcome_recorded--intake.handle_partners_action_outcome_recorded"
HANDLER = "evt-intake-action_requested--partners.handle_intake_action_requested"


def operator():
    return token("agency_operator", [SGM], sub="operator:op", service="partners")


def afol():
    return token("partner_client", [SGM], sub="partner:AFOL", service="partners")


def fwa():
    return token("partner_client", [SGM], sub="partner:FWA", service="partners")


@pytest.fixture
def partners(service_runner, db_url):
    service_runner.start(PartnersService, db_url)
    with service_runner.rpc() as rpc:
        yield rpc.partners


@pytest.fixture
def broker(service_runner):
    """The feed's broker, with intake's queue of partners' outcomes declared (as intake would)."""
    queue = Queue(
        OUTCOMES,
        exchange=topic_exchange("partners.events"),
        routing_key="action_outcome_recorded",
        durable=True,
    )
    with Connection(service_runner.amqp_uri) as conn:
        channel = conn.channel()
        queue(channel).declare()
        channel.close()
    return ACTIONS.broker(service_runner.amqp_uri)


def test_an_action_sent_twice_reaches_the_partner_once_and_its_answers_reach_intake(
    partners, broker, service_runner
):
    case = str(uuid.uuid4())
    today = agency_today().isoformat()
    partners.record_consent(
        operator(),
        {
            "referral_id": case,
            "comune_istat": SGM,
            "partner_code": "AFOL",
            "service": "orientamento_lavoro",
            "categories": ["contatti"],
            "given_by": "Maria Rossi",
            "given_on": today,
            "valid_until": f"{agency_today().year + 1}-12-31",
        },
    )
    envelope = ACTIONS.envelope(ACTIONS.data(referral_id=case))
    broker.publish(envelope)
    broker.publish(envelope)  # redelivered: the inbox makes it a no-op
    wait_for(lambda: partners.list_partner_referrals(operator(), case), message="referral sent")
    messages = wait_for(lambda: broker.get_all("partner.afol"), message="AFOL got the referral")
    wait_for(lambda: broker.depth(HANDLER) == 0, message="both copies handled")
    assert len(messages) + len(broker.get_all("partner.afol")) == 1
    _, body = messages[0]
    assert body["type"] == "partners.partner_referral_created.v1"
    assert body["data"]["service"] == "orientamento_lavoro"
    assert case not in str(body) and "actor" not in body
    [mine] = partners.list_own_referrals(afol())
    assert mine["household_ref"] == body["data"]["household_ref"]
    assert partners.list_own_referrals(fwa()) == []
    with pytest.raises(RemoteError) as error:
        partners.get_own_referral(fwa(), mine["id"])
    assert error.value.exc_type == "PartnerReferralNotFound"

    partners.update_own_referral(afol(), mine["id"], {"update": "accept"})
    with pytest.raises(RemoteError) as error:  # not an outcome of orientamento_lavoro
        partners.update_own_referral(
            afol(), mine["id"], {"update": "outcome", "outcome": "prestito_erogato"}
        )
    assert error.value.exc_type == "PartnerReferralUpdateInvalid"
    done = partners.update_own_referral(
        afol(), mine["id"], {"update": "outcome", "outcome": "assunzione"}
    )
    assert done["state"] == "concluso"
    outcomes: list = []

    def two_outcomes():  # get_all takes the messages off the queue: keep what came
        outcomes.extend(broker.get_all(OUTCOMES))
        return len(outcomes) >= 2

    wait_for(two_outcomes, message="two outcomes for intake")
    assert len(outcomes) == 2
    statuses = [(b["data"]["status"], b["data"]["outcome"]) for _, b in outcomes]
    assert statuses == [("in_corso", "accept"), ("completata", "assunzione")]
    assert {b["data"]["action_id"] for _, b in outcomes} == {envelope["data"]["action_id"]}
    [listed] = partners.list_partner_referrals(operator(), case)
    assert [s["update"] for s in listed["steps"]] == ["created", "accept", "outcome"]

    closed = CLOSED.envelope(CLOSED.data(referral_id=case))
    broker.publish(closed, "case_closed")
    _, news = wait_for(lambda: broker.get_all("partner.afol"), message="case closed news")[0]
    assert news["type"] == "intake.case_closed.v1"
    assert news["data"]["status"] == "chiuso"
    assert news["data"]["household_ref"] == mine["household_ref"]
    assert set(news["data"]) <= {"household_ref", "comune_istat", "status", "at"}
