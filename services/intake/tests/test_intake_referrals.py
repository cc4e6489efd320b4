"""The use cases against a real database, without a broker: outbox rows, idempotency races."""

import threading
from datetime import datetime

from sqlalchemy import func, select

from abitare_chassis.actor import Actor
from abitare_chassis.schemas import load
from intake.adapters.models import Referral, outbox_table
from intake.schemas.referrals import ReferralInput
from intake.usecases import referrals

ACTOR = Actor(sub="client:portal", role="municipal_client", comuni=("015195",))


def count(db, table):
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_submit_writes_referral_and_outbox_row_together(db, payload):
    record = referrals.submit_referral(db, ACTOR, load(ReferralInput(), payload))
    with db.engine.connect() as conn:
        row, v2 = conn.execute(select(outbox_table).order_by(outbox_table.c.id)).all()
    assert (row.exchange, row.routing_key, row.sent_at) == (
        "intake.events",
        "referral_received",
        None,
    )
    assert row.body["type"] == "intake.referral_received.v1"
    assert row.body["subject"] == record["id"] and row.body["tenant"] == "015195"
    assert (v2.exchange, v2.routing_key, v2.body["type"]) == (
        "intake.events",
        "referral_received.v2",
        "intake.referral_received.v2",
    )
    assert (v2.body["subject"], v2.body["tenant"]) == (record["id"], "015195")
    assert "members" not in v2.body["data"]["household"]
    assert datetime.fromisoformat(row.body["data"]["received_at"]).tzinfo is not None
    assert referrals.get_referral(db, ACTOR, record["id"]) == record


def test_concurrent_submits_with_one_key_make_one_referral(db, make_payload):
    data = load(ReferralInput(), make_payload(idempotency_key="retry-me"))
    results, errors = [], []

    def submit():
        try:
            results.append(referrals.submit_referral(db, ACTOR, data)["id"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 6
    assert count(db, Referral) == 1 and count(db, outbox_table) == 2  # v1 + v2
