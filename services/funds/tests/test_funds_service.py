"""Integration: the funds service with a real broker and a real database (SQLite, PostgreSQL)."""

import uuid

import pytest
from nameko.exceptions import RemoteError
from sqlalchemy import func, select

from abitare_chassis.actor import Actor, sign_actor
from abitare_chassis.database import make_engine
from abitare_chassis.handlers import dead_letter_queue_name, retry_queue_name
from abitare_chassis.testing.consumer import EventFeed
from abitare_chassis.testing.services import token, wait_for
from funds.adapters.models import FundsFile
from funds.service import FundsService

SGM = "015195"


def operator_token():
    """Signed when used: actor tokens expire after 300 s."""
    return token("agency_operator", [SGM], service="funds")


HANDLER_QUEUE = "evt-intake-referral_received.v2--funds.handle_intake_referral_received"


def open_file(rpc, referral_id, actor=None):
    actor = actor or operator_token()
    try:
        return rpc.funds.get_funds_file(actor, referral_id)
    except RemoteError as exc:
        if exc.exc_type.endswith("NotFound"):
            return None
        raise


@pytest.fixture
def funds(service_runner, db_url):
    service_runner.start(FundsService, db_url)
    with service_runner.rpc() as rpc:
        yield rpc


def test_a_referral_opens_a_funds_file_with_the_affordability_check(
    funds, broker, make_referral, make_envelope
):
    data = make_referral(
        economics={"monthly_net_income_cents": 160000, "monthly_rent_cents": 90000}
    )
    broker.publish(make_envelope(data))
    file = wait_for(lambda: open_file(funds, data["referral_id"]), message="funds file")
    assert file["referral_id"] == data["referral_id"]
    assert file["comune_istat"] == SGM
    assert file["household_size"] == 2
    assert file["opened_at"].endswith("+00:00")
    check = file["affordability"]
    assert check["monthly_rent_cents"] == 90000 and check["monthly_net_income_cents"] == 160000
    assert check["rent_to_income_ratio"] == "0.5625"
    assert check["threshold"] == "0.30"
    assert check["threshold_valid_from"] == "2024-01-01"
    assert check["assessed_on"] == "2025-03-10"
    assert check["outcome"] == "non_sostenibile"
    assert "56,25%" in check["explanation"]


def test_missing_income_gives_a_file_that_is_not_assessable(
    funds, broker, make_referral, make_envelope
):
    data = make_referral(economics={"monthly_net_income_cents": None, "monthly_rent_cents": 50000})
    broker.publish(make_envelope(data))
    check = wait_for(lambda: open_file(funds, data["referral_id"]))["affordability"]
    assert check["outcome"] == "non_valutabile"
    assert check["rent_to_income_ratio"] is None
    assert "reddito netto mensile" in check["explanation"]


def stop_when_drained(service_runner, broker):
    """Stop the service once its queues are empty. Stopping lets running workers finish and puts
    back whatever was not acknowledged, so afterwards the queues show exactly what is left."""
    wait_for(
        lambda: (
            broker.depth(HANDLER_QUEUE) == 0 and broker.depth(retry_queue_name(HANDLER_QUEUE)) == 0
        ),
        message="queues drained",
    )
    service_runner.stop()


def stored_files(db_url) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(FundsFile)).scalar_one()
    finally:
        engine.dispose()


def test_the_same_event_twice_opens_one_file(funds, service_runner, db_url, broker, make_envelope):
    envelope = make_envelope()
    broker.publish(envelope)
    broker.publish(envelope)
    other = make_envelope()
    broker.publish(other)
    wait_for(lambda: funds.funds.count_files(operator_token()) >= 2, message="two files")
    assert (
        open_file(funds, envelope["data"]["referral_id"])["referral_id"]
        == envelope["data"]["referral_id"]
    )
    stop_when_drained(service_runner, broker)
    assert broker.depth(HANDLER_QUEUE) == 0 and broker.depth(retry_queue_name(HANDLER_QUEUE)) == 0
    assert broker.depth(dead_letter_queue_name(HANDLER_QUEUE)) == 0
    assert stored_files(db_url) == 2


def test_unsigned_and_forged_events_are_parked_and_change_nothing(
    funds, broker, make_referral, make_envelope
):
    unsigned = make_envelope(signed=False)
    forged = make_envelope()
    forged["data"]["economics"]["monthly_rent_cents"] = 1  # altered after signing
    broker.publish(unsigned)
    broker.publish(forged)
    dlq = dead_letter_queue_name(HANDLER_QUEUE)
    wait_for(lambda: broker.depth(dlq) == 2, message="two dead letters")
    parked = broker.get_all(dlq)
    assert {body["id"] for _, body in parked} == {unsigned["id"], forged["id"]}
    assert all("unsigned or forged" in headers["x-abitare-error"] for headers, _ in parked)
    assert funds.funds.count_files(operator_token()) == 0


def test_a_file_outside_the_actor_comuni_is_not_found(funds, broker, make_envelope):
    envelope = make_envelope()
    broker.publish(envelope)
    referral_id = envelope["data"]["referral_id"]
    wait_for(lambda: open_file(funds, referral_id))
    milano = token("comune_operator", ["015146"], service="funds")
    with pytest.raises(RemoteError) as error:
        funds.funds.get_funds_file(milano, referral_id)
    assert error.value.exc_type.endswith("NotFound")
    assert funds.funds.count_files(milano) == 0
    with pytest.raises(RemoteError) as error:
        funds.funds.get_funds_file(operator_token(), "00000000-0000-0000-0000-000000000000")
    assert error.value.exc_type == "FundsFileNotFound"


@pytest.mark.parametrize(
    "bad_token",
    [
        "not-a-token",
        sign_actor(
            Actor(sub="operator:x", role="agency_operator", comuni=(SGM,)), key="another-key"
        ),
    ],
)
def test_a_forged_actor_is_rejected(funds, bad_token):
    with pytest.raises(RemoteError) as error:
        funds.funds.count_files(bad_token)
    assert error.value.exc_type == "ActorRejected"


PSEUDONYMISED_QUEUE = "evt-intake-case_pseudonymised--funds.handle_intake_case_pseudonymised"


def test_a_pseudonymised_case_loses_its_amounts_once(
    funds, service_runner, broker, make_referral, make_envelope, pseudonymised_notice
):
    data = make_referral(
        economics={"monthly_net_income_cents": 160000, "monthly_rent_cents": 90000}
    )
    broker.publish(make_envelope(data))
    wait_for(lambda: open_file(funds, data["referral_id"]), message="funds file")
    notice = pseudonymised_notice(data["referral_id"])
    broker.publish(notice, "case_pseudonymised")
    broker.publish(notice, "case_pseudonymised")  # a redelivery
    file = wait_for(
        lambda: (f := open_file(funds, data["referral_id"])) and f["pseudonymised_at"] and f,
        message="file pseudonymised",
    )
    check = file["affordability"]
    assert (check["monthly_net_income_cents"], check["monthly_rent_cents"]) == (None, None)
    assert (check["rent_to_income_ratio"], check["outcome"]) == ("0.5625", "non_sostenibile")
    assert "160" not in check["explanation"] and "900" not in check["explanation"]
    wait_for(
        lambda: (
            broker.depth(PSEUDONYMISED_QUEUE) == 0
            and broker.depth(retry_queue_name(PSEUDONYMISED_QUEUE)) == 0
        ),
        message="notices handled",
    )
    db = service_runner.db("funds")
    service_runner.stop()  # running workers finish: what is left is in the database
    with db.engine.connect() as conn:
        inbox = conn.execute(
            select(func.count()).select_from(db.inbox).where(db.inbox.c.event_id == notice["id"])
        ).scalar_one()
        stored = conn.execute(select(FundsFile)).one()
    assert inbox == 1 and broker.depth(dead_letter_queue_name(PSEUDONYMISED_QUEUE)) == 0
    assert stored.pseudonymised_at.isoformat() == file["pseudonymised_at"]


ACTIONS = EventFeed("intake.action_requested.v1", id_field="action_id", tenant_field="comune_istat")


def test_a_fund_application_action_opens_a_draft_once_and_other_actions_are_left(
    funds, service_runner
):
    """intake.action_requested.v1 over the broker: a fund_application becomes one draft
    application of the case (a redelivery changes nothing); a partner_referral is not funds'."""
    broker = ACTIONS.broker(service_runner.amqp_uri)
    case = str(uuid.uuid4())
    wanted = ACTIONS.data(
        referral_id=case, action_type="fund_application", fulfilled_by="funds", partner_code=None
    )
    envelope = ACTIONS.envelope(wanted)
    broker.publish(envelope)
    broker.publish(envelope)  # redelivered
    broker.publish(ACTIONS.envelope(ACTIONS.data(referral_id=case)))  # partner_referral
    coordinator = token("coordinator", [SGM], service="funds")
    [draft] = wait_for(
        lambda: funds.funds.list_rent_fund_applications(coordinator, case) or None,
        message="draft application",
    )
    assert (draft["state"], draft["action_id"]) == ("bozza", wanted["action_id"])
    wait_for(
        lambda: (
            broker.depth("evt-intake-action_requested--funds.handle_intake_action_requested") == 0
        ),
        message="all three handled",
    )
    assert len(funds.funds.list_rent_fund_applications(coordinator, case)) == 1
