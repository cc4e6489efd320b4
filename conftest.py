"""Root of every test run: where the repository keeps what the tests need (the chassis reads no
file of this repository by itself), the chassis fixtures, and the `broker` marker."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

# Development mode: the public development keys, plain http (a deployment never sets it).
os.environ.setdefault("ABITARE_DEVELOPMENT", "1")
os.environ.setdefault("ABITARE_CONTRACTS_DIR", str(ROOT / "infra" / "contracts"))
os.environ.setdefault(
    "ABITARE_BROKER_DEFINITIONS", str(ROOT / "infra" / "rabbitmq" / "definitions.json")
)

# The chassis fixtures (rabbit, amqp_uri, db_url, service_runner, private_rabbit), explicitly.
# eventlet's monkey patch is a separate plugin, asked for in pytest.ini.
pytest_plugins = ["abitare_chassis.testing.plugin"]

# A test that asks for one of these needs a RabbitMQ broker: `make test-unit` leaves it out.
BROKER_FIXTURES = frozenset({"rabbit", "amqp_uri", "service_runner", "private_rabbit", "suite"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROKER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.broker)
