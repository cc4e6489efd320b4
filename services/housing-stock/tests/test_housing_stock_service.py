"""Integration: housing_stock with a real broker and a real database (SQLite, PostgreSQL)."""

import pytest
from nameko.exceptions import RemoteError
from sqlalchemy import func, select

from abitare_chassis.actor import Actor, sign_actor
from abitare_chassis.database import make_engine
from abitare_chassis.handlers import dead_letter_queue_name, retry_queue_name
from abitare_chassis.testing.services import token, wait_for
from housing_stock.adapters.models import HousingNeed
from housing_stock.service import HousingStockService

SGM = "015195"


def operator_token():
    """Signed when used: actor tokens expire after 300 s."""
    return token("agency_operator", [SGM], service="housing_stock")


HANDLER_QUEUE = "evt-intake-referral_received.v2--housing_stock.handle_intake_referral_received"


def housing_need(rpc, referral_id, actor=None):
    actor = actor or operator_token()
    try:
        return rpc.housing_stock.get_housing_need(actor, referral_id)
    except RemoteError as exc:
        if exc.exc_type.endswith("NotFound"):
            return None
        raise


@pytest.fixture
def housing(service_runner, db_url):
    service_runner.start(HousingStockService, db_url)
    with service_runner.rpc() as rpc:
        yield rpc


def test_a_referral_records_the_housing_need(housing, broker, make_referral, make_envelope):
    data = make_referral(
        housing_situation="sfratto_in_corso",
        eviction_date="2025-06-30",
        household={"size": 5, "minors": 3, "over_65": 1},
    )
    broker.publish(make_envelope(data))
    need = wait_for(lambda: housing_need(housing, data["referral_id"]), message="housing need")
    recorded_at = need.pop("recorded_at")
    assert recorded_at.endswith("+00:00")
    assert need == {
        "referral_id": data["referral_id"],
        "comune_istat": SGM,
        "comune_name": "San Giuliano Milanese",
        "household_size": 5,
        "minors": 3,
        "over_65": 1,
        "housing_situation": "sfratto_in_corso",
        "eviction_date": "2025-06-30",
        "min_bedrooms": 3,
        "pseudonymised_at": None,
    }


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


def stored_needs(db_url) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(HousingNeed)).scalar_one()
    finally:
        engine.dispose()


def test_the_same_event_twice_records_one_need(
    housing, service_runner, db_url, broker, make_envelope
):
    envelope = make_envelope()
    broker.publish(envelope)
    broker.publish(envelope)
    broker.publish(make_envelope())
    wait_for(lambda: housing.housing_stock.count_needs(operator_token()) >= 2, message="two needs")
    stop_when_drained(service_runner, broker)
    assert broker.depth(HANDLER_QUEUE) == 0 and broker.depth(retry_queue_name(HANDLER_QUEUE)) == 0
    assert broker.depth(dead_letter_queue_name(HANDLER_QUEUE)) == 0
    assert stored_needs(db_url) == 2


def test_unsigned_and_forged_events_are_parked_and_change_nothing(housing, broker, make_envelope):
    unsigned = make_envelope(signed=False)
    forged = make_envelope()
    forged["data"]["household"]["size"] = 1  # altered after signing
    broker.publish(unsigned)
    broker.publish(forged)
    dlq = dead_letter_queue_name(HANDLER_QUEUE)
    wait_for(lambda: broker.depth(dlq) == 2, message="two dead letters")
    parked = broker.get_all(dlq)
    assert {body["id"] for _, body in parked} == {unsigned["id"], forged["id"]}
    assert housing.housing_stock.count_needs(operator_token()) == 0


def test_a_need_outside_the_actor_comuni_is_not_found(housing, broker, make_envelope):
    envelope = make_envelope()
    broker.publish(envelope)
    referral_id = envelope["data"]["referral_id"]
    wait_for(lambda: housing_need(housing, referral_id))
    milano = token("comune_operator", ["015146"], service="housing_stock")
    with pytest.raises(RemoteError) as error:
        housing.housing_stock.get_housing_need(milano, referral_id)
    assert error.value.exc_type == "HousingNeedNotFound"
    assert housing.housing_stock.count_needs(milano) == 0


@pytest.mark.parametrize(
    "bad_token",
    [
        "not-a-token",
        sign_actor(
            Actor(sub="operator:x", role="agency_operator", comuni=(SGM,)), key="another-key"
        ),
    ],
)
def test_a_forged_actor_is_rejected(housing, bad_token):
    with pytest.raises(RemoteError) as error:
        housing.housing_stock.count_needs(bad_token)
    assert error.value.exc_type == "ActorRejected"


PSEUDONYMISED_QUEUE = (
    "evt-intake-case_pseudonymised--housing_stock.handle_intake_case_pseudonymised"
)


def test_a_pseudonymised_case_keeps_only_the_month_of_its_eviction_once(
    housing, service_runner, broker, make_referral, make_envelope, pseudonymised_notice
):
    data = make_referral(eviction_date="2025-06-30", household={"size": 3, "minors": 1})
    broker.publish(make_envelope(data))
    wait_for(lambda: housing_need(housing, data["referral_id"]), message="housing need")
    notice = pseudonymised_notice(data["referral_id"])
    broker.publish(notice, "case_pseudonymised")
    broker.publish(notice, "case_pseudonymised")  # a redelivery
    need = wait_for(
        lambda: (n := housing_need(housing, data["referral_id"])) and n["pseudonymised_at"] and n,
        message="need pseudonymised",
    )
    assert need["eviction_date"] == "2025-06-01"
    assert (need["household_size"], need["minors"], need["min_bedrooms"]) == (3, 1, 2)
    wait_for(
        lambda: (
            broker.depth(PSEUDONYMISED_QUEUE) == 0
            and broker.depth(retry_queue_name(PSEUDONYMISED_QUEUE)) == 0
        ),
        message="notices handled",
    )
    db = service_runner.db("housing_stock")
    service_runner.stop()  # running workers finish: what is left is in the database
    with db.engine.connect() as conn:
        inbox = conn.execute(
            select(func.count()).select_from(db.inbox).where(db.inbox.c.event_id == notice["id"])
        ).scalar_one()
        stored = conn.execute(select(HousingNeed)).one()
    assert inbox == 1 and broker.depth(dead_letter_queue_name(PSEUDONYMISED_QUEUE)) == 0
    assert stored.pseudonymised_at.isoformat() == need["pseudonymised_at"]


# -- the inventory over RPC ---------------------------------------------------------------------
PIOLTELLO = "015175"


def est_operator_token():
    return token("agency_operator", [PIOLTELLO], service="housing_stock")


def test_the_inventory_over_rpc_lists_proposes_and_places_by_the_rules(housing):
    actor = est_operator_token()
    stock = housing.housing_stock.list_dwellings(actor, {"comune_istat": PIOLTELLO})
    assert [d["code"] for d in stock] == ["PIO-HS-01", "PIO-TMP-01", "PIO-TMP-02"]
    household = {"size": 1, "monthly_net_income_cents": 50_000, "comune_istat": PIOLTELLO}
    proposal = housing.housing_stock.propose_dwellings(actor, household, "2026-12-02")
    assert proposal["ranked"][0]["code"] == "PIO-HS-01"  # free of charge: 0% of the income
    assert proposal["ranked"][1]["rent_to_income"] == "0.1600"  # PIO-TMP-01: € 80 of € 500
    woman = {
        "code": "PIO-HS-01",
        "referral_id": "r-1",
        "starts_on": "2026-12-02",
        "people": [{"sex": "F", "age": 30}],
    }
    with pytest.raises(RemoteError) as refused:
        housing.housing_stock.place_household(actor, woman)
    assert refused.value.exc_type == "PlacementRefused"
    man = woman | {"people": [{"sex": "M", "age": 30}]}
    placed = housing.housing_stock.place_household(actor, man)
    assert placed["household_type"] == "uomo_solo" and placed["starts_on"] == "2026-12-02"
    with pytest.raises(RemoteError) as invalid:
        housing.housing_stock.place_household(actor, man | {"starts_on": "ieri"})
    assert invalid.value.exc_type == "InvalidInput"
    ended = housing.housing_stock.end_placement(actor, placed["id"], "2027-01-15", "sap_assegnato")
    assert ended["ended_on"] == "2027-01-15"
    dwelling = housing.housing_stock.get_dwelling(actor, "PIO-HS-01")
    assert dwelling["state"] == "disponibile" and len(dwelling["placements"]) == 1


def test_sap_tenancy_arrears_and_the_sap_access_check_over_rpc(housing):
    actor = token("coordinator", [SGM], service="housing_stock")
    tenancy = housing.housing_stock.assign_sap_dwelling(
        actor,
        {"code": "SGM-SAP-01", "canone_applicato_cents": 15_000, "started_on": "2026-01-01"},
    )
    for day in ("2026-01-01", "2026-02-01"):
        entry = {"tenancy_id": tenancy["id"], "kind": "addebito", "on": day, "amount_cents": 15_000}
        housing.housing_stock.book_tenancy_entry(actor, entry)
    (listed,) = housing.housing_stock.arrears_worklist(actor, "2026-02-15")
    assert listed["balance_cents"] == 30_000 and listed["oldest_unpaid_due_on"] == "2026-01-01"
    applicant = {"household_size": 1, "isee_cents": 1_700_000, "citizenship": "italiana_o_ue"}
    check = housing.housing_stock.check_sap_access(actor, applicant, "2026-02-15")
    assert check["outcome"] == "non_ammissibile"
    assert {c["criterion"]: c["outcome"] for c in check["criteria"]}["isee"] == "non_soddisfatto"
    with pytest.raises(RemoteError) as invalid:
        housing.housing_stock.check_sap_access(actor, applicant | {"isee_cents": -1}, "2026-02-15")
    assert invalid.value.exc_type == "HousingRuleInputInvalid"
