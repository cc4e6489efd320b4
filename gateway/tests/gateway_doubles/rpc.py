"""A fake RPC client for the gateway's tests: ``create_app({"RPC_CLIENT": fake})``.

It records every call (service, method, actor, args, kwargs) and answers from handlers; intake's
methods are answered by the real intake (:mod:`gateway_doubles.intake`)::

    fake = FakeRpcClient()
    fake.on("intake", "get_referral", lambda actor, referral_id: {...})
    fake.fail("funds", "get_funds_file", ServiceUnavailable("funds"))
    fake.remote_error("intake", "get_referral", "ReferralNotFound", "no such referral")
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from abitare_chassis.actor import Actor
from abitare_gateway.rpc import RemoteError, RpcError, ServiceUnavailable


@dataclass
class RecordedCall:
    service: str
    method: str
    actor: Actor
    args: tuple
    kwargs: dict
    timeout: float | None


@dataclass
class FakeRpcClient:
    handlers: dict[tuple[str, str], Callable[..., Any]] = field(default_factory=dict)
    calls: list[RecordedCall] = field(default_factory=list)
    broker_ok: bool = True

    def __post_init__(self):
        self._lock = threading.Lock()

    def on(self, service: str, method: str, handler: Callable[..., Any]) -> FakeRpcClient:
        self.handlers[(service, method)] = handler
        return self

    def returns(self, service: str, method: str, value) -> FakeRpcClient:
        return self.on(service, method, lambda actor, *args, **kwargs: value)

    def fail(self, service: str, method: str, error: RpcError) -> FakeRpcClient:
        def raise_it(actor, *args, **kwargs):
            raise error

        return self.on(service, method, raise_it)

    def remote_error(self, service: str, method: str, exc_type: str, message: str = ""):
        return self.fail(service, method, RemoteError(service, exc_type, message))

    def call(self, service: str, method: str, actor: Actor, *args, timeout=None, **kwargs):
        if not isinstance(actor, Actor):
            raise TypeError("the first argument of every RPC call is the Actor")
        with self._lock:
            self.calls.append(RecordedCall(service, method, actor, args, kwargs, timeout))
        handler = self.handlers.get((service, method))
        if handler is None:
            raise ServiceUnavailable(service, "service not running (fake)")
        return handler(actor, *args, **kwargs)

    def calls_to(self, service: str, method: str | None = None) -> list[RecordedCall]:
        return [
            c for c in self.calls if c.service == service and (method is None or c.method == method)
        ]

    def broker_reachable(self, timeout: float = 2.0):
        return (True, None) if self.broker_ok else (False, "ConnectionRefusedError")

    def close(self):
        pass
