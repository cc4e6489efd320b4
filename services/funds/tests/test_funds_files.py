"""The funds use cases on a real database (SQLite, PostgreSQL) through a chassis Db, no broker:
one file per referral, the event applied once, reads scoped by the actor's comuni."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from abitare_chassis.actor import Actor
from abitare_chassis.database import AlreadyHandled, Db
from abitare_chassis.migrate import upgrade
from funds.adapters.models import metadata
from funds.errors import FundsFileNotFound
from funds.service import FundsService
from funds.usecases import files

SGM = "015195"
OPERATOR = Actor(sub="operator:test", role="agency_operator", comuni=(SGM,))
MILANO = Actor(sub="operator:mi", role="comune_operator", comuni=("015146",))
REFERRAL_ID = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"


@pytest.fixture
def db(db_url):
    upgrade(FundsService.migrations_dir, db_url)
    database = Db("funds", db_url, metadata, handler="funds.handle_intake_referral_received")
    yield database
    database.dispose()


def event(event_id="e1"):
    return SimpleNamespace(id=event_id, correlationid=event_id)


def referral(**overrides):
    data = {
        "referral_id": REFERRAL_ID,
        "comune_istat": SGM,
        "received_at": datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
        "household": {"size": 3},
        "economics": {"monthly_net_income_cents": 160000, "monthly_rent_cents": 40000},
    }
    data.update(overrides)
    return data


def test_a_referral_opens_one_file_read_back_as_it_was_stored(db):
    opened = files.open_funds_file(db, referral(), event())
    assert files.get_funds_file(db, OPERATOR, REFERRAL_ID) == opened
    assert opened["opened_at"].tzinfo is not None  # aware UTC on every database
    check = opened["affordability"]
    assert check["assessed_on"] == date(2025, 1, 1)  # the day in Milan
    assert (check["rent_to_income_ratio"], check["outcome"]) == ("0.2500", "sostenibile")
    assert opened["household_size"] == 3


def test_the_same_event_again_or_another_event_of_the_referral_change_nothing(db):
    files.open_funds_file(db, referral(), event("e1"))
    with pytest.raises(AlreadyHandled):  # the inbox skips the redelivery
        files.open_funds_file(db, referral(), event("e1"))
    assert files.open_funds_file(db, referral(household={"size": 9}), event("e2")) is None
    assert files.count_files(db, OPERATOR) == 1
    assert files.get_funds_file(db, OPERATOR, REFERRAL_ID)["household_size"] == 3


def test_a_file_outside_the_actor_comuni_does_not_exist_for_that_actor(db):
    files.open_funds_file(db, referral(), event())
    with pytest.raises(FundsFileNotFound) as error:
        files.get_funds_file(db, MILANO, REFERRAL_ID)
    assert error.value.code == "funds_file_not_found"
    assert files.count_files(db, MILANO) == 0
