"""The webhook use cases on a real database (SQLite, PostgreSQL), no broker and no HTTP: the
dispatcher's clock is an argument, so the whole retry schedule (more than 24 hours) runs in
milliseconds."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from abitare_chassis import migrate
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from partners.adapters.models import WebhookMessage, metadata
from partners.errors import PartnerForbidden
from partners.service import PartnersService
from partners.usecases import webhooks
from partners.usecases.webhooks import AttemptResult, WebhookSettings

COORDINATOR = Actor(sub="operator:coord", role="coordinator", comuni=("015195",))
START = datetime(2026, 12, 2, 9, tzinfo=UTC)
LEASE = timedelta(minutes=2)
SETTINGS = WebhookSettings(allowed_hosts=("127.0.0.1",))


@pytest.fixture
def db(db_url):
    migrate.upgrade(PartnersService.migrations_dir, db_url)
    database = Db("partners", db_url, metadata)
    yield database
    database.dispose()


def endpoint_with_a_message(db, event_id="evt-1"):
    endpoint = webhooks.register_endpoint(
        db, COORDINATOR, "FWA", "http://127.0.0.1:9/h", SETTINGS, None, START
    )
    with db.transaction() as tx:
        webhooks.enqueue(tx.session, "FWA", {"id": event_id, "data": {}}, None, START)
    return endpoint


def test_a_failing_endpoint_is_retried_on_schedule_for_more_than_24_hours_then_given_up(db):
    endpoint_with_a_message(db)
    now, times = START, []
    while True:
        jobs = webhooks.claim_due(db, now, 10, LEASE, {}, 2)
        if not jobs:
            with db.session() as session:
                message = session.scalars(select(WebhookMessage)).one()
            if message.status != "pending":
                break
            now = message.next_attempt_at  # the injected clock jumps to the next due time
            continue
        (job,) = jobs
        assert webhooks.claim_due(db, now, 10, LEASE, {}, 2) == []  # leased: not taken twice
        times.append(now)
        failure = AttemptResult(latency_ms=3, status_code=500)
        assert webhooks.record_attempt(db, job, failure, now, 0.5, SETTINGS) == "failed"
    assert message.status == "failed" and len(times) == 10
    assert times[-1] - times[0] >= timedelta(hours=24)
    log = webhooks.list_attempts(db, COORDINATOR, "FWA", job.endpoint_id, 1, 50)
    assert [a["attempt"] for a in log["items"]] == list(range(10, 0, -1))
    assert {a["event_id"] for a in log["items"]} == {"evt-1"}


def test_a_run_of_failures_disables_and_announces_and_a_delivery_resets_the_run(db):
    settings = WebhookSettings(allowed_hosts=("127.0.0.1",), disable_after_failures=2)
    endpoint = endpoint_with_a_message(db)
    with db.transaction() as tx:
        webhooks.enqueue(tx.session, "FWA", {"id": "evt-2", "data": {}}, None, START)
    first, second = webhooks.claim_due(db, START, 10, LEASE, {}, 2)
    webhooks.record_attempt(
        db, first, AttemptResult(latency_ms=1, status_code=204), START, 0, settings
    )
    failure = AttemptResult(latency_ms=1, error_class="timeout")
    webhooks.record_attempt(db, second, failure, START, 0.0, settings)
    (listed,) = webhooks.list_endpoints(db, COORDINATOR, "FWA")
    assert listed["enabled"] and listed["consecutive_failures"] == 1
    (again,) = webhooks.claim_due(db, START + timedelta(seconds=5), 10, LEASE, {}, 2)
    webhooks.record_attempt(db, again, failure, START + timedelta(seconds=5), 0.0, settings)
    (listed,) = webhooks.list_endpoints(db, COORDINATOR, "FWA")
    assert not listed["enabled"] and listed["disabled_reason"] == "failures"
    assert listed["pending"] == 1  # waits, not dropped
    assert webhooks.claim_due(db, START + timedelta(days=1), 10, LEASE, {}, 2) == []
    with db.session() as session:
        (body,) = session.execute(
            select(db.outbox.c.body).where(db.outbox.c.routing_key == "webhook_endpoint_disabled")
        ).scalars()
    assert body["data"]["endpoint_id"] == endpoint["id"] and "secret" not in str(body)
    webhooks.enable_endpoint(db, COORDINATOR, "FWA", endpoint["id"], START + timedelta(days=1))
    assert len(webhooks.claim_due(db, START + timedelta(days=1), 10, LEASE, {}, 2)) == 1


def test_one_endpoint_never_takes_more_than_its_slots(db):
    endpoint = endpoint_with_a_message(db, "evt-a")
    with db.transaction() as tx:
        for n in range(5):
            webhooks.enqueue(tx.session, "FWA", {"id": f"evt-{n}", "data": {}}, None, START)
    taken = webhooks.claim_due(db, START, 10, LEASE, {}, 2)
    assert len(taken) == 2  # at most 2 of this endpoint's at once
    in_flight = {endpoint["id"]: 2}  # what the dispatcher has under way
    assert webhooks.claim_due(db, START, 10, LEASE, in_flight, 2) == []
    (more,) = webhooks.claim_due(db, START, 10, LEASE, {endpoint["id"]: 1}, 2)
    assert more.event_id not in {job.event_id for job in taken}  # a leased one is not retaken


def test_only_coordinators_manage_webhooks(db):
    for role in ("agency_operator", "comune_operator", "municipal_client", "system"):
        with pytest.raises(PartnerForbidden):
            webhooks.list_endpoints(db, Actor(sub="x", role=role, comuni=("015195",)), "FWA")
