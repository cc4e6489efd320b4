"""Run nameko services in the test process against a real broker and a real database."""

from __future__ import annotations

import time

from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy

from .. import config as chassis_config
from .. import migrate
from ..actor import EVENT_AUDIENCE, Actor, rpc_audience, sign_actor


class ServiceHarness:
    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self.containers: dict[str, ServiceContainer] = {}

    def config(self, service_cls, db_url: str) -> dict:
        cfg = chassis_config.service_config(service_cls.name)
        cfg.update(AMQP_URI=self.amqp_uri, DATABASE_URL=db_url)
        return cfg

    def start(self, service_cls, db_url: str) -> ServiceContainer:
        if getattr(service_cls, "migrations_dir", None):
            migrate.upgrade(service_cls.migrations_dir, db_url)
        else:  # a service defined inside a test: no migrations, create its tables directly
            from sqlalchemy import create_engine

            from ..tables import add_chassis_tables

            metadata = next(
                d for d in vars(service_cls).values() if hasattr(d, "metadata")
            ).metadata
            add_chassis_tables(metadata)
            engine = create_engine(db_url)
            metadata.create_all(engine)
            engine.dispose()
        container = ServiceContainer(service_cls, self.config(service_cls, db_url))
        container.start()
        self.containers[service_cls.name] = container
        return container

    def db(self, name: str):
        """The running service's Db (to look at what it stored)."""
        from ..provider import Database

        container = self.containers[name]
        return next(d for d in container.dependencies if isinstance(d, Database)).db

    def kill(self, name: str):
        self.containers.pop(name).kill()

    def stop(self):
        for container in self.containers.values():
            container.stop()
        self.containers.clear()

    def rpc(self, timeout: float = 10):
        return ClusterRpcProxy({"AMQP_URI": self.amqp_uri}, timeout=timeout)


def token(
    role: str = "agency_operator",
    comuni=("015195",),
    sub: str = "operator:test",
    *,
    service: str | None = None,
    audience: str | None = None,
) -> str:
    """A signed actor token as the gateway would send it to ``service`` (``token(..., service=
    "funds")``), or for another ``audience`` (``EVENT_AUDIENCE`` for an envelope)."""
    if (service is None) == (audience is None):
        raise ValueError("token(...) needs service= (an RPC call) or audience= (e.g. 'event')")
    return sign_actor(
        Actor(sub=sub, role=role, comuni=tuple(comuni), name=sub),
        audience or rpc_audience(str(service)),
    )


def event_token(role: str = "system", comuni=("015195",), sub: str = "service:test") -> str:
    return token(role, comuni, sub, audience=EVENT_AUDIENCE)


def wait_for(predicate, timeout: float = 20, interval: float = 0.05, message: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value; return it or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
