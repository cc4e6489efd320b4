"""RPC from the gateway to the services.

The gateway runs in a threaded WSGI server (waitress), without eventlet monkey patching, so it uses
nameko's *standalone* ``ClusterRpcProxy``: a blocking client with its own connection and reply
queue. Starting one costs a connection and a queue declaration, and one may not be shared by two
threads at once, so the gateway keeps a **pool** of started proxies: a request thread borrows
one, calls, and gives it back.

Every call has a deadline:

- no reply in time (``RpcTimeout``)        -> :class:`ServiceTimeout` (504); the proxy is
  discarded, a late reply can never be mistaken for the answer to a later call;
- nobody consumes the service's queue (nameko's ``UnknownService``, detected fast with
  mandatory publishing and publisher confirms), the broker is unreachable or the connection
  breaks                                    -> :class:`ServiceUnavailable` (503);
- the service raised                       -> :class:`RemoteError` with the exception's class
  name and its code, kind and details; :mod:`abitare_gateway.errors` maps the kind to a status.

The pool's publishers and connections retry at most once, without waiting, so a broker that is
down answers in well under a second instead of nameko's default of ~10 s of retries.

Anything with a ``call(service, method, actor, *args, timeout=None, **kwargs)`` method can stand
in for :class:`NamekoRpcClient` (``create_app({"RPC_CLIENT": fake})``); the tests' doubles are in
``gateway/tests/gateway_doubles``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import warnings
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from abitare_chassis.errors import decode

log = logging.getLogger(__name__)

FAST_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


# -- what callers see -------------------------------------------------------------------------
class RpcError(Exception):
    """Base of the errors of an RPC call; :mod:`abitare_gateway.errors` maps them to HTTP."""

    def __init__(self, service: str, message: str = ""):
        self.service = service
        self.message = message
        super().__init__(f"{service}: {message}" if message else service)


class ServiceUnavailable(RpcError):
    """The service is not running, the broker is unreachable or the pool is exhausted (503)."""


class ServiceTimeout(RpcError):
    """The service did not answer within the deadline (504)."""


class RemoteError(RpcError):
    """The service raised ``exc_type`` (its class name) with ``message``. A typed error's message
    is its coded form (:func:`abitare_chassis.errors.encode`): then ``code``, ``kind`` and
    ``details`` are set, else (an unexpected exception) they are ``None``, ``None`` and ``{}``."""

    def __init__(self, service: str, exc_type: str, message: str = ""):
        self.exc_type = exc_type
        super().__init__(service, message)
        self.args = (service, exc_type, message)
        coded = decode(message) or {}
        self.code: str | None = coded.get("code")
        self.kind: str | None = coded.get("kind")
        self.details: dict = coded.get("details") or {}

    def __str__(self):
        return f"{self.service}: {self.exc_type}: {self.message}"


class RpcClient(Protocol):
    def call(
        self, service: str, method: str, actor: Actor, *args, timeout: float | None = None, **kwargs
    ) -> Any: ...

    def broker_reachable(self, timeout: float = 2.0) -> tuple[bool, str | None]: ...

    def close(self) -> None: ...


# -- nameko standalone proxies with deadlines and fast failure ---------------------------------
def _nameko_classes():
    """The nameko subclasses, built on first use (importing nameko pulls in eventlet; the gateway
    imports it lazily so that a fake client never needs it)."""
    global _NAMEKO
    if _NAMEKO is not None:
        return _NAMEKO
    with warnings.catch_warnings():  # eventlet announces its deprecation on import
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import nameko.rpc  # noqa: F401
    from kombu import Connection, Queue
    from nameko import serialization
    from nameko.amqp.publish import Publisher
    from nameko.exceptions import RpcTimeout
    from nameko.rpc import (
        RPC_REPLY_QUEUE_TEMPLATE,
        MethodProxy,
        ReplyListener,
        ServiceProxy,
        get_rpc_exchange,
    )
    from nameko.standalone.rpc import (
        ClusterProxy,
        ClusterRpcProxy,
        PollingQueueConsumer,
        SingleThreadedReplyListener,
    )

    class FastPublisher(Publisher):
        transport_options = dict(FAST_RETRY)
        retry_policy = dict(FAST_RETRY)

    class FastMethodProxy(MethodProxy):
        publisher_cls = FastPublisher

    class FastServiceProxy(ServiceProxy):
        def __getattr__(self, name):
            return FastMethodProxy(
                self.worker_ctx, self.service_name, name, self.reply_listener, **self.options
            )

    class FastClusterProxy(ClusterProxy):
        def __getattr__(self, name):
            if name not in self._proxies:
                self._proxies[name] = FastServiceProxy(self._worker_ctx, name, self._reply_listener)
            return self._proxies[name]

    class DeadlineQueueConsumer(PollingQueueConsumer):
        """Waits for a reply until a deadline (nameko's restarts its socket timeout whenever any
        frame arrives) and does not reconnect after a timeout: the pool drops the proxy."""

        def register_provider(self, provider):
            config = provider.container.config
            self.provider = provider
            self.serializer, self.accept = serialization.setup(config)
            self.connection = Connection(
                config["AMQP_URI"],
                connect_timeout=config.get("CONNECT_TIMEOUT", 2),
                transport_options=dict(FAST_RETRY),
            )
            # one attempt, no back-off: a broker that is down must fail the request fast
            self.connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2
            )
            self.queue = provider.queue
            self._setup_consumer()
            self.stopped = False

        def get_message(self, correlation_id):
            deadline = time.monotonic() + self.timeout
            try:
                while correlation_id not in self.replies:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError()
                    self.consumer.connection.drain_events(timeout=remaining)
            except TimeoutError:
                event = self.provider._reply_events.pop(correlation_id)
                event.send_exception(RpcTimeout(self.timeout))
                return
            body, message = self.replies.pop(correlation_id)
            self.provider.handle_message(body, message)

    class DeadlineReplyListener(SingleThreadedReplyListener):
        def __init__(self, timeout=None):
            self.queue_consumer = DeadlineQueueConsumer(timeout=timeout)
            ReplyListener.__init__(self)

        def setup(self):
            # nameko's ReplyListener.setup, except for the queue: nameko declares reply queues
            # durable (with a 5-minute x-expires), so after a broker restart they outlive the
            # connection that used them. Ours belong to one connection: exclusive and
            # auto-delete, gone the moment the proxy or the broker goes away.
            reply_queue_uuid = uuid.uuid4()
            self.routing_key = str(reply_queue_uuid)
            self.queue = Queue(
                RPC_REPLY_QUEUE_TEMPLATE.format(self.container.service_name, reply_queue_uuid),
                exchange=get_rpc_exchange(self.container.config),
                routing_key=self.routing_key,
                durable=False,
                exclusive=True,
                auto_delete=True,
            )
            self.queue_consumer.register_provider(self)

    class PooledClusterRpcProxy(ClusterRpcProxy):
        def __init__(self, config, timeout):
            super().__init__(config, timeout=timeout, reply_listener_cls=DeadlineReplyListener)
            self._proxy = FastClusterProxy(self._worker_ctx, self._reply_listener)

    _NAMEKO = PooledClusterRpcProxy
    return _NAMEKO


_NAMEKO = None


class PooledProxy:
    """A started ``ClusterRpcProxy`` that one thread at a time borrows from the pool."""

    def __init__(self, amqp_uri: str, connect_timeout: float = 2.0):
        proxy_cls = _nameko_classes()
        self._standalone = proxy_cls(
            {"AMQP_URI": amqp_uri, "serializer": "json", "CONNECT_TIMEOUT": connect_timeout},
            timeout=5.0,
        )
        self._cluster = self._standalone.start()
        self.last_used = time.monotonic()

    @property
    def _consumer(self):
        return self._standalone._reply_listener.queue_consumer

    def usable(self, max_idle: float) -> bool:
        """False if the proxy sat idle too long or its connection died while it waited."""
        if time.monotonic() - self.last_used > max_idle:
            return False
        connection = self._consumer.connection
        if not connection.connected:
            return False
        try:  # a live idle connection has nothing to read; a closed one raises
            connection.drain_events(timeout=0.001)
        except TimeoutError:
            return True
        except Exception:
            return False
        return True

    def call(self, service: str, method: str, timeout: float, *args, **kwargs):
        self._consumer.timeout = timeout
        try:
            return getattr(self._cluster[service], method)(*args, **kwargs)
        finally:
            # nothing may stay pending on a proxy that goes back to the pool
            self._standalone._reply_listener._reply_events.clear()
            self._consumer.replies.clear()
            self.last_used = time.monotonic()

    def close(self):
        try:
            self._standalone.stop()
        except Exception:  # already broken: nothing to close cleanly
            pass


class ProxyPool:
    """At most ``max_size`` proxies, created on demand and reused most-recently-used first."""

    def __init__(self, factory: Callable[[], Any], max_size: int = 32, max_idle: float = 300.0):
        self._factory = factory
        self.max_size = max_size
        self.max_idle = max_idle
        self._idle: deque = deque()
        self._size = 0
        self._closed = False
        self._cond = threading.Condition()

    @property
    def size(self) -> int:
        return self._size

    @property
    def idle(self) -> int:
        return len(self._idle)

    def acquire(self, timeout: float):
        deadline = time.monotonic() + timeout
        while True:
            proxy = self._take(deadline)
            if proxy is None:  # a slot was reserved for a new proxy
                try:
                    return self._factory()
                except BaseException:
                    self._free_slot()
                    raise
            if proxy.usable(self.max_idle):
                return proxy
            self.discard(proxy)

    def _take(self, deadline: float):
        with self._cond:
            while True:
                if self._closed:
                    raise ServiceUnavailable("gateway", "RPC pool closed")
                if self._idle:
                    return self._idle.pop()
                if self._size < self.max_size:
                    self._size += 1
                    return None
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ServiceUnavailable("gateway", "all RPC connections are busy")
                self._cond.wait(remaining)

    def _free_slot(self):
        with self._cond:
            self._size -= 1
            self._cond.notify()

    def release(self, proxy):
        with self._cond:
            if not self._closed:
                self._idle.append(proxy)
                self._cond.notify()
                return
        self.discard(proxy)

    def discard(self, proxy):
        try:
            proxy.close()
        finally:
            self._free_slot()

    def close(self):
        with self._cond:
            self._closed = True
            proxies = list(self._idle)
            self._idle.clear()
            self._cond.notify_all()
        for proxy in proxies:
            self.discard(proxy)


class NamekoRpcClient:
    """Calls ``service.method(signed_actor, *args, **kwargs)`` through a :class:`ProxyPool`; the
    actor is signed for each call with the callee's audience (``rpc:<service>``), so a token seen
    on one service's queue opens no other service."""

    def __init__(
        self,
        amqp_uri: str,
        signing_key: str,
        timeout: float = 5.0,
        pool_size: int = 32,
        max_idle: float = 300.0,
        connect_timeout: float = 2.0,
        proxy_factory: Callable[[], Any] | None = None,
    ):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.signing_key = signing_key
        # import nameko (and with it eventlet) here, on the thread that builds the app: a first
        # import racing in several request threads leaves those threads unjoinable
        _nameko_classes()
        factory = proxy_factory or (lambda: PooledProxy(amqp_uri, connect_timeout))
        self.pool = ProxyPool(factory, max_size=pool_size, max_idle=max_idle)
        _raise_kombu_pool_limit(pool_size)

    def call(
        self, service: str, method: str, actor: Actor, *args, timeout: float | None = None, **kwargs
    ):
        from nameko.exceptions import BadRequest, RpcTimeout, UnknownService
        from nameko.exceptions import RemoteError as NamekoRemoteError

        timeout = timeout or self.timeout
        token = sign_actor(actor, rpc_audience(service), key=self.signing_key)
        try:
            proxy = self.pool.acquire(timeout)
        except RpcError:
            raise
        except Exception as exc:
            log.warning("cannot reach the broker for %s.%s: %s", service, method, exc)
            raise ServiceUnavailable(service, "message broker unreachable") from None

        reusable = False
        try:
            result = proxy.call(service, method, timeout, token, *args, **kwargs)
            reusable = True
            return result
        except NamekoRemoteError as exc:
            reusable = True
            raise RemoteError(service, exc.exc_type, exc.value or "") from None
        except BadRequest as exc:  # nameko's own: MethodNotFound, IncorrectSignature, ...
            reusable = True
            raise RemoteError(service, type(exc).__name__, str(exc)) from None
        except UnknownService:
            reusable = True  # the connection is fine; nobody consumes the service's queue
            raise ServiceUnavailable(service, "service not running") from None
        except RpcTimeout:
            log.warning("%s.%s did not answer within %.1fs", service, method, timeout)
            raise ServiceTimeout(service, f"no answer within {timeout:g}s") from None
        except Exception as exc:  # broken connection, broker gone mid-call
            log.warning("RPC %s.%s failed: %r", service, method, exc)
            raise ServiceUnavailable(service, "message broker connection lost") from None
        finally:
            if reusable:
                self.pool.release(proxy)
            else:
                self.pool.discard(proxy)

    def broker_reachable(self, timeout: float = 2.0) -> tuple[bool, str | None]:
        """(True, None) if a fresh connection to the broker opens within ``timeout``."""
        from kombu import Connection

        try:
            with Connection(self.amqp_uri, connect_timeout=timeout) as conn:
                conn.ensure_connection(
                    max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2
                )
            return True, None
        except Exception as exc:  # refused, DNS, authentication: all mean "not usable"
            return False, type(exc).__name__

    def close(self):
        self.pool.close()


def _raise_kombu_pool_limit(size: int):
    """nameko publishes through kombu's global producer pool (10 by default); let every pooled
    proxy publish at once instead of queueing behind that limit."""
    from kombu import pools

    if pools.get_limit() < size:
        pools.set_limit(size)
