"""The housing_stock use cases on a real database (SQLite, PostgreSQL) through a chassis Db, no
broker: one need per referral, the event applied once, reads scoped by the actor's comuni."""

from datetime import date
from types import SimpleNamespace

import pytest

from abitare_chassis.actor import Actor
from abitare_chassis.database import AlreadyHandled, Db
from abitare_chassis.migrate import upgrade
from housing_stock.adapters.models import metadata
from housing_stock.errors import HousingNeedNotFound
from housing_stock.service import HousingStockService
from housing_stock.usecases import needs

SGM = "015195"
OPERATOR = Actor(sub="operator:test", role="agency_operator", comuni=(SGM,))
MILANO = Actor(sub="operator:mi", role="comune_operator", comuni=("015146",))
REFERRAL_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"


@pytest.fixture
def db(db_url):
    upgrade(HousingStockService.migrations_dir, db_url)
    database = Db(
        "housing_stock", db_url, metadata, handler="housing_stock.handle_intake_referral_received"
    )
    yield database
    database.dispose()


def event(event_id="e1"):
    return SimpleNamespace(id=event_id, correlationid=event_id)


def referral(**overrides):
    data = {
        "referral_id": REFERRAL_ID,
        "comune_istat": SGM,
        "comune_name": "San Giuliano Milanese",
        "housing_situation": "sfratto_in_corso",
        "eviction_date": date(2025, 6, 30),
        "household": {"size": 3, "minors": 1, "over_65": 0},
    }
    data.update(overrides)
    return data


def test_a_referral_records_one_need_read_back_as_it_was_stored(db):
    recorded = needs.record_housing_need(db, referral(), event())
    assert needs.get_housing_need(db, OPERATOR, REFERRAL_ID) == recorded
    assert recorded["recorded_at"].tzinfo is not None  # aware UTC on every database
    assert (recorded["min_bedrooms"], recorded["eviction_date"]) == (2, date(2025, 6, 30))


def test_the_same_event_again_or_another_event_of_the_referral_change_nothing(db):
    needs.record_housing_need(db, referral(), event("e1"))
    with pytest.raises(AlreadyHandled):  # the inbox skips the redelivery
        needs.record_housing_need(db, referral(), event("e1"))
    assert needs.record_housing_need(db, referral(household={"size": 9}), event("e2")) is None
    assert needs.count_needs(db, OPERATOR) == 1
    assert needs.get_housing_need(db, OPERATOR, REFERRAL_ID)["household_size"] == 3


def test_a_need_outside_the_actor_comuni_does_not_exist_for_that_actor(db):
    needs.record_housing_need(db, referral(), event())
    with pytest.raises(HousingNeedNotFound) as error:
        needs.get_housing_need(db, MILANO, REFERRAL_ID)
    assert error.value.code == "housing_need_not_found"
    assert needs.count_needs(db, MILANO) == 0
