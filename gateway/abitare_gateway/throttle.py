"""Sign-in throttling, per account and per client address, with exponential backoff.

Both ways in (``/login`` and ``POST /api/v1/auth/token``) call :meth:`LoginThrottle.attempt`
**before** any password is hashed. An attempt is counted as a failure in advance, in the same
transaction that checks the block, so parallel tries are counted before the first hash ends;
:meth:`succeeded` then forgets the account's failures (and gives the address its attempt back).

After ``free_attempts`` failures a key is blocked for ``base_delay``, doubling with each further
failure up to ``max_delay``; failures older than ``forget_after`` are forgotten. A blocked try
answers 429 with ``Retry-After`` and costs no argon2.

The counters live in the gateway database, not in memory: several gateway processes share them
(an attacker gains nothing by spreading tries over processes) and a restart does not lift a
block. (Flask-Limiter was considered: it has no SQL storage, counts fixed windows rather than
backing off, and cannot reset one key on success.)
"""

from __future__ import annotations

import ipaddress
import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from abitare_chassis.types import UtcDateTime

from .identity import Base


class LoginThrottleRow(Base):
    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


@dataclass(frozen=True)
class Policy:
    free_attempts: int
    base_delay: timedelta
    max_delay: timedelta
    forget_after: timedelta

    def delay(self, failures: int) -> timedelta | None:
        """How long a key with ``failures`` failures is blocked (``None``: not at all)."""
        if failures < self.free_attempts:
            return None
        doublings = min(failures - self.free_attempts, 30)
        return min(self.base_delay * (2**doublings), self.max_delay)


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def account_key(kind: str, name: str) -> str:
    """``operator:<username>`` or ``client:<client_id>``: the name as typed, known or not."""
    return f"account:{kind}:{name[:128]}"


def address_key(remote_addr: str | None) -> str:
    """The client's address; an IPv6 address by its /64 (one host usually holds a whole /64)."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return f"address:{(remote_addr or 'unknown')[:64]}"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"address:{address.ipv4_mapped}"
        return f"address:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"address:{address}"


class LoginThrottle:
    def __init__(self, engine: Engine, account: Policy, address: Policy):
        self.engine = engine
        self.policies = {"account": account, "address": address}
        self._lock = threading.Lock()  # SQLite has no row locks: one process, one at a time

    def attempt(self, keys: tuple[str, ...], now: datetime) -> None:
        """Refuse with :class:`Throttled` while any key is blocked; else count the attempt."""
        for _try in range(3):  # a concurrent first insert of the same key: read it again
            try:
                return self._attempt(keys, now)
            except IntegrityError:
                continue
        return self._attempt(keys, now)

    def _attempt(self, keys, now):
        with self._lock, Session(self.engine) as session, session.begin():
            # sweep the keys nobody has failed on for a while
            oldest = now - max(p.forget_after + p.max_delay for p in self.policies.values())
            session.execute(
                delete(LoginThrottleRow).where(
                    LoginThrottleRow.last_failure_at < oldest, LoginThrottleRow.key.notin_(keys)
                )
            )
            rows = [self._row(session, key, now) for key in keys]
            waits = [
                row.blocked_until - now
                for row in rows
                if row.blocked_until is not None and row.blocked_until > now
            ]
            if waits:
                raise Throttled(max(1, math.ceil(max(waits).total_seconds())))
            for row in rows:
                policy = self._policy(row.key)
                if row.failures and row.last_failure_at < now - policy.forget_after:
                    row.failures = 0
                row.failures += 1
                row.last_failure_at = now
                delay = policy.delay(row.failures)
                row.blocked_until = now + delay if delay else None

    def succeeded(self, account: str, address: str) -> None:
        """The password was right: forget the account's failures, give the address its try
        back."""
        with self._lock, Session(self.engine) as session, session.begin():
            session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == account))
            row = session.get(LoginThrottleRow, address, with_for_update=True)
            if row is not None:
                row.failures = max(0, row.failures - 1)
                if self._policy(address).delay(row.failures) is None:
                    row.blocked_until = None

    def forget(self, key: str) -> None:
        """Lift a key's block (a coordinator reset the account's password)."""
        with self._lock, Session(self.engine) as session, session.begin():
            session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == key))

    def _row(self, session: Session, key: str, now: datetime) -> LoginThrottleRow:
        row = session.get(LoginThrottleRow, key, with_for_update=True)
        if row is None:
            row = LoginThrottleRow(key=key, failures=0, last_failure_at=now)
            session.add(row)
            session.flush()
        return row

    def _policy(self, key: str) -> Policy:
        return self.policies[key.partition(":")[0]]
