"""The partners use cases on a real database (SQLite, PostgreSQL) through a chassis Db, no broker:
a subscription declares the partner's queue before it commits, and nothing when it is refused."""

import pytest

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.migrate import upgrade
from partners.adapters.models import metadata
from partners.errors import PartnerForbidden, PartnerNotFound, SubscriptionInvalid
from partners.service import PartnersService
from partners.usecases import catalogue

REFERRAL_RECEIVED = "intake.referral_received.v1"
COORDINATOR = Actor(sub="operator:coord", role="coordinator", comuni=("015195",))
OPERATOR = Actor(sub="operator:op", role="agency_operator", comuni=("015195",))


@pytest.fixture
def db(db_url):
    upgrade(PartnersService.migrations_dir, db_url)
    database = Db("partners", db_url, metadata)
    yield database
    database.dispose()


@pytest.fixture
def declared():
    queues = []

    def declare(code):
        queues.append(code)
        return f"partner.{code.lower()}"

    declare.queues = queues
    return declare


def test_subscribing_declares_the_queue_and_is_idempotent(db, declared):
    data = {"partner_code": "AFOL", "event_type": REFERRAL_RECEIVED}
    first = catalogue.subscribe(db, COORDINATOR, data, declared)
    again = catalogue.subscribe(db, COORDINATOR, data, declared)
    assert first == again and first["queue"] == "partner.afol"
    assert first["created_at"].tzinfo is not None and first["created_by"] == "operator:coord"
    assert declared.queues == ["AFOL", "AFOL"]
    listed = {p["code"]: p for p in catalogue.list_partners(db, OPERATOR)}
    assert [s["event_type"] for s in listed["AFOL"]["subscriptions"]] == [REFERRAL_RECEIVED]


@pytest.mark.parametrize(
    "actor, data, error, code",
    [
        (
            OPERATOR,
            {"partner_code": "FWA", "event_type": REFERRAL_RECEIVED},
            PartnerForbidden,
            "partner_forbidden",
        ),
        (
            COORDINATOR,
            {"partner_code": "NOSUCH", "event_type": REFERRAL_RECEIVED},
            PartnerNotFound,
            "partner_not_found",
        ),
        (
            COORDINATOR,
            {"partner_code": "FWA", "event_type": "intake.referral_declined.v1"},
            SubscriptionInvalid,
            "subscription_invalid",
        ),
    ],
)
def test_a_refused_subscription_declares_and_stores_nothing(db, declared, actor, data, error, code):
    with pytest.raises(error) as raised:
        catalogue.subscribe(db, actor, data, declared)
    assert raised.value.code == code
    assert declared.queues == []
    assert all(not p["subscriptions"] for p in catalogue.list_partners(db, OPERATOR))


def test_the_refusal_says_why_with_a_code(db, declared):
    with pytest.raises(SubscriptionInvalid) as raised:
        catalogue.subscribe(
            db,
            COORDINATOR,
            {"partner_code": "FWA", "event_type": "intake.referral_declined.v1"},
            declared,
        )
    assert raised.value.errors == {
        "event_type": [
            {
                "code": "event_type_not_in_convention",
                "event_type": "intake.referral_declined.v1",
                "allowed": [
                    "intake.case_closed.v1",
                    "intake.case_opened.v1",
                    REFERRAL_RECEIVED,
                    "partners.partner_referral_created.v1",
                    "partners.partner_referral_withdrawn.v1",
                ],
            }
        ]
    }
