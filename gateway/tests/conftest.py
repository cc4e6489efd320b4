"""Fixtures of the gateway's unit tests: the app with a fake RPC client (no broker), the real
intake in process behind it, demo-like operators and API clients."""

from __future__ import annotations

import pytest
from gateway_doubles import FakeRpcClient, InProcessFunds, InProcessIntake, InProcessPartners
from gateway_helpers import MILANO, SAN_DONATO, SGM, bearer, get_token

from abitare_gateway import create_app


def pytest_configure(config):
    config.addinivalue_line("markers", "broker: needs a RabbitMQ node (the chassis starts one)")


@pytest.fixture
def intake(tmp_path):
    """Intake's real service on a SQLite database of the test (see gateway_doubles.intake)."""
    service = InProcessIntake(tmp_path / "intake.db")
    yield service
    service.close()


@pytest.fixture
def partners(tmp_path, fake):
    """Partners' real service on its migrated SQLite database, answering through ``fake``."""
    service = InProcessPartners(tmp_path / "partners.db")
    service.install(fake)
    yield service
    service.close()


@pytest.fixture
def funds(tmp_path, fake):
    """Funds' real service on its migrated SQLite database, answering through ``fake``."""
    service = InProcessFunds(tmp_path / "funds.db")
    service.install(fake)
    yield service
    service.close()


@pytest.fixture
def fake(intake):
    client = FakeRpcClient()
    intake.install(client)
    return client


@pytest.fixture
def app_factory(tmp_path, fake):
    """``app_factory(**settings)``: a gateway on the test's database with demo-like accounts;
    ``settings`` override the tests' defaults (development mode, the cheapest argon2)."""
    apps = []

    def build(**settings):
        app = create_app(
            {
                "TESTING": True,
                "DEVELOPMENT": True,
                "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
                "RPC_CLIENT": fake,
                "ARGON2_PROFILE": "cheapest",
                "SECRET_KEY": "gateway-test-key",
                **settings,
            }
        )
        store = app.extensions["abitare_identity"]
        store.save_operator(
            "agenzia", "agenzia-pw", "Operatrice Agenzia", "agency_operator", [SGM, SAN_DONATO]
        )
        store.save_operator(
            "coordinamento", "coord-pw", "Coordinatrice", "coordinator", [SGM, SAN_DONATO]
        )
        store.save_operator(
            "sgm.sociale", "sgm-pw", "Servizi sociali SGM", "comune_operator", [SGM]
        )
        store.save_client("comune-015195", "secret-sgm", "Sistema SGM", [SGM])
        store.save_client("comune-015146", "secret-milano", "Sistema Milano", [MILANO])
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["abitare_executor"].shutdown(wait=False)


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sgm_headers(client):
    return bearer(get_token(client))
