"""pytest fixtures of the chassis. Nothing installs them: a project loads them explicitly
(``pytest_plugins = ["abitare_chassis.testing.plugin"]`` in its root ``conftest.py``).

Fixtures:
- ``rabbit``      session-wide private RabbitMQ node (or ``ABITARE_TEST_AMQP_URI`` if set)
- ``amqp_uri``    a fresh vhost on it for one test: queues never leak between tests
- ``db_url``      a fresh database for one test, parametrised: SQLite and, when reachable,
                  PostgreSQL at ``ABITARE_TEST_PG`` (default ``postgresql+pg8000://postgres@127.0.0.1:5432``)
- ``service_runner``  starts nameko services in this process against those
- ``private_rabbit``  a node of the test's own, to stop and restart

Tests that host nameko containers need eventlet's monkey patch before anything else runs: that
is a separate, explicit plugin (:mod:`abitare_chassis.testing.eventlet_patch`); ``service_runner``
says so clearly when it is missing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

import pytest

PG_DEFAULT = "postgresql+pg8000://postgres@127.0.0.1:5432"


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL server")
    os.environ.setdefault("ABITARE_RETRY_DELAY_MS", "100")


@pytest.fixture(scope="session")
def rabbit():
    from .rabbit import PrivateRabbit, rabbitmq_installed

    external = os.environ.get("ABITARE_TEST_AMQP_URI")
    if external or not rabbitmq_installed():
        yield ExternalRabbit(
            external or os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")
        )
        return
    node = PrivateRabbit().start()
    try:
        yield node
    finally:
        node.shutdown()


class ExternalRabbit:
    """A broker we do not control: one vhost, no restarts."""

    def __init__(self, uri: str):
        self.uri = uri

    def create_vhost(self, name: str) -> str:
        return self.uri

    def delete_vhost(self, name: str):
        pass

    def amqp_uri(self, vhost: str = "/") -> str:
        return self.uri


@pytest.fixture
def amqp_uri(rabbit):
    name = f"test-{uuid.uuid4().hex[:10]}"
    uri = rabbit.create_vhost(name)
    yield uri
    rabbit.delete_vhost(name)


@pytest.fixture
def private_rabbit():
    from .rabbit import PrivateRabbit, rabbitmq_installed

    if not rabbitmq_installed():
        pytest.fail("rabbitmq-server is not installed: `apt-get install rabbitmq-server`")
    node = PrivateRabbit(management=True).start()
    try:
        yield node
    finally:
        node.shutdown()


def postgres_base() -> str:
    return os.environ.get("ABITARE_TEST_PG", PG_DEFAULT)


def postgres_reachable() -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(postgres_base() + "/postgres")
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def create_postgres_database(prefix: str = "abitare_test") -> tuple[str, Callable[[], None]]:
    """A new empty database; returns (url, drop)."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_base() + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            if conn.dialect.server_version_info >= (13,):
                # FORCE ends the sessions and drops in one step: a pool reconnecting between a
                # terminate and the drop cannot make it fail ("being accessed by other users")
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE datname = '{name}'"
                    )
                )
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return f"{postgres_base()}/{name}", drop


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    if not postgres_reachable():
        pytest.skip(f"PostgreSQL not reachable at {postgres_base()}")
    url, drop = create_postgres_database()
    yield url
    drop()


@pytest.fixture
def service_runner(amqp_uri):
    from .eventlet_patch import patched
    from .services import ServiceHarness

    if not patched():
        pytest.fail(
            "service_runner hosts nameko containers: run pytest with "
            "-p abitare_chassis.testing.eventlet_patch (eventlet's monkey patch)"
        )
    harness = ServiceHarness(amqp_uri)
    yield harness
    harness.stop()
