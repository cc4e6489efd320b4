"""The real intake for the gateway's tests, without a broker.

Intake's own ``IntakeService`` answers, with its real rules, use cases and schemas, on a SQLite
database of the test; only the broker is left out. The gateway's real :class:`NamekoRpcClient`
makes the calls (it signs the actor and turns errors into :class:`RemoteError`); in place of a
pooled nameko proxy it gets an :class:`InProcessProxy`, which does what the wire and the chassis
``rpc`` entrypoint do: verify the actor token, check the signature, carry arguments and answers
as JSON, serialise an exception as nameko does. ``tests/contract/test_intake_double.py`` runs one
scenario here and against ``IntakeService`` over a real broker and expects the same answers.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from types import SimpleNamespace

from kombu.utils import json
from nameko.exceptions import MethodNotFound, UnknownService, deserialize, serialize
from nameko.extensions import DependencyProvider, Entrypoint
from nameko.rpc import Rpc

from abitare_chassis.actor import rpc_audience, verify_actor
from abitare_chassis.database import Db
from abitare_gateway.rpc import NamekoRpcClient
from intake.service import IntakeService

SIGNING_KEY = "actor-test-key"


def rpc_methods(service_cls) -> dict:
    """``{name: function}`` of the class's RPC entrypoints."""
    return {
        name: attr
        for name, attr in vars(service_cls).items()
        if any(isinstance(e, Rpc) for e in getattr(attr, "nameko_entrypoints", ()))
    }


class InProcessIntake:
    """``IntakeService`` on its own SQLite database at ``path``; ``client`` calls it."""

    service_cls = IntakeService

    def __init__(self, path: Path, signing_key: str = SIGNING_KEY):
        providers = {
            name: dep
            for name, dep in vars(self.service_cls).items()
            if isinstance(dep, DependencyProvider)
        }
        self.extras = self.dependencies()
        if sorted(providers) != sorted(["db", *self.extras]):
            raise TypeError(
                f"{type(self).__name__} injects {['db', *self.extras]}; "
                f"the service has {list(providers)}"
            )
        self.db = Db(self.service_cls.name, f"sqlite:///{path}", providers["db"].metadata)
        self.create_tables()
        self.methods = rpc_methods(self.service_cls)
        self.signing_key = signing_key
        self.client = NamekoRpcClient("memory://", signing_key, proxy_factory=self.proxy)

    def dependencies(self) -> dict:
        """What the service's other dependency providers would inject (none for intake)."""
        return {}

    def create_tables(self):
        self.db.create_all()

    def proxy(self) -> InProcessProxy:
        return InProcessProxy(self)

    def install(self, fake) -> InProcessIntake:
        """Route every method of the service in ``fake`` (a FakeRpcClient) here."""
        service = self.service_cls.name
        for name in self.methods:
            fake.on(service, name, partial(self.client.call, service, name))
        return self

    def __getattr__(self, name):
        """``intake.submit_referral(actor, payload)``: a call the fake client does not record."""
        if name in self.__dict__.get("methods", {}):
            return partial(self.client.call, self.service_cls.name, name)
        raise AttributeError(name)

    def close(self):
        self.client.close()
        self.db.dispose()


class InProcessProxy:
    """Stands in for the gateway's pooled nameko proxy: ``call(service, method, timeout, token,
    *args, **kwargs)``, answered by a fresh service instance as a nameko worker would."""

    def __init__(self, intake: InProcessIntake):
        self.intake = intake

    def usable(self, max_idle: float) -> bool:
        return True

    def close(self):
        pass

    def _entrypoint(self, method: str):
        """Enough of a bound entrypoint for nameko's own ``check_signature``."""
        return SimpleNamespace(
            container=SimpleNamespace(service_cls=self.intake.service_cls), method_name=method
        )

    def call(self, service: str, method: str, timeout: float, token, *args, **kwargs):
        if service != self.intake.service_cls.name:
            raise UnknownService(service)
        function = self.intake.methods.get(method)
        if function is None:
            raise MethodNotFound(method)
        args, kwargs = json.loads(json.dumps([args, kwargs]))  # what the wire carries
        worker = self.intake.service_cls()
        worker.db = self.intake.db
        for name, value in self.intake.extras.items():
            setattr(worker, name, value)
        try:
            actor = verify_actor(token, rpc_audience(service), key=self.intake.signing_key)
            Entrypoint.check_signature(self._entrypoint(method), [actor, *args], kwargs)
            result = function(worker, actor, *args, **kwargs)
        except Exception as exc:  # as nameko answers it
            raise deserialize(json.loads(json.dumps(serialize(exc)))) from None
        return json.loads(json.dumps(result))
