"""The chassis Db without a broker: idempotent transactions caused by an event, and the inbox key
the nameko provider derives from the entrypoint."""

from types import SimpleNamespace

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text

from abitare_chassis.database import AlreadyHandled, Db
from abitare_chassis.provider import Database, inbox_key

metadata = MetaData()
effect = Table(
    "effect", metadata, Column("id", Integer, primary_key=True), Column("event_id", String(36))
)


@pytest.fixture
def db(db_url):
    database = Db("consumer", db_url, metadata, handler="consumer.handle_producer_recorded")
    database.create_all()
    yield database
    database.dispose()


def apply(db, event):
    with db.transaction(causation=event) as tx:
        tx.session.execute(insert(effect).values(event_id=event.id))


def count(db, table):
    with db.session() as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def test_an_event_applied_twice_has_one_effect_and_one_inbox_row(db):
    event = SimpleNamespace(id="e-1")
    apply(db, event)
    with pytest.raises(AlreadyHandled) as done:
        apply(db, event)
    assert (done.value.handler, done.value.event_id) == ("consumer.handle_producer_recorded", "e-1")
    assert count(db, effect) == 1
    assert count(db, db.inbox) == 1


def test_each_handler_applies_the_same_event_once(db):
    event = SimpleNamespace(id="e-2")
    apply(db, event)
    apply(db.for_handler("consumer.handle_other"), event)
    assert count(db, effect) == 2
    with db.session() as session:
        assert sorted(session.execute(select(db.inbox.c.handler)).scalars()) == [
            "consumer.handle_other",
            "consumer.handle_producer_recorded",
        ]


def test_a_failed_effect_leaves_no_inbox_row(db):
    event = SimpleNamespace(id="e-3")
    with pytest.raises(RuntimeError):
        with db.transaction(causation=event) as tx:
            tx.session.execute(insert(effect).values(event_id=event.id))
            raise RuntimeError("the handler failed")
    assert count(db, db.inbox) == 0
    apply(db, event)  # the redelivery applies it
    assert count(db, effect) == 1


def test_a_caused_transaction_without_handler_key_is_refused(tmp_path):
    database = Db("consumer", f"sqlite:///{tmp_path / 'c.db'}", metadata)
    database.create_all()
    with pytest.raises(ValueError, match="handler"):
        with database.transaction(causation=SimpleNamespace(id="e-4")):
            pass
    assert count(database, database.inbox) == 0
    database.dispose()


class FakeContainer:  # what the provider reads of nameko's ServiceContainer
    def __init__(self, service_name, config):
        self.service_name, self.config = service_name, config


def test_the_provider_binds_each_worker_to_service_and_entrypoint(tmp_path):
    container = FakeContainer(
        "funds",
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'funds.db'}", "AMQP_URI": "amqp://unused//"},
    )
    provider = Database(metadata).bind(container, "db")
    provider.setup()
    worker = SimpleNamespace(
        entrypoint=SimpleNamespace(method_name="handle_intake_referral_received")
    )
    db = provider.get_dependency(worker)
    assert db.handler == "funds.handle_intake_referral_received"
    assert db.engine is provider.db.engine and provider.db.handler is None
    assert (
        inbox_key("intake", "handle_funds_action_outcome_recorded")
        == "intake.handle_funds_action_outcome_recorded"
    )
    provider.db.dispose()


def test_constructing_the_provider_only_stores_its_arguments():
    fresh = MetaData()
    provider = Database(fresh)
    assert provider.metadata is fresh and provider.db is None
    assert fresh.tables == {}  # nothing added, nothing connected until setup


def stats(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        rows = text("SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
        return dict(conn.execute(rows).all())


def test_sqlite_statistics_are_gathered_once_and_again_when_a_table_doubles(tmp_path):
    database = Db("consumer", f"sqlite:///{tmp_path / 's.db'}", metadata)
    database.create_all()
    # no sqlite_stat1 yet: ANALYZE of everything
    assert database.refresh_statistics() == ["effect", "inbox_message", "outbox_message"]
    with database.transaction() as tx:
        tx.session.execute(insert(effect), [{"event_id": f"e{n}"} for n in range(10)])
    assert database.refresh_statistics() == ["effect"]  # rows, and no statistics for them
    assert stats(database) == {"effect": 10}
    with database.transaction() as tx:
        tx.session.execute(insert(effect), [{"event_id": f"f{n}"} for n in range(9)])
    assert database.refresh_statistics() == []  # 19 rows: not yet twice the 10 recorded
    with database.transaction() as tx:
        tx.session.execute(insert(effect).values(event_id="g"))
    assert database.refresh_statistics() == ["effect"]
    assert stats(database) == {"effect": 20}
    database.dispose()


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_postgresql_statistics_are_left_to_autovacuum(db_url):
    database = Db("consumer", db_url, metadata)
    database.create_all()
    with database.transaction() as tx:
        tx.session.execute(insert(effect).values(event_id="e"))
    assert database.refresh_statistics() == []
    database.dispose()
