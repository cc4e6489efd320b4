"""Who may use the gateway: operators (people, web UI) and API clients (the comuni's systems).

This is identity, not business data, so it lives in the gateway's own database (SQLAlchemy; the
tables are created at start-up when missing). Secrets are stored as argon2id hashes only.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from abitare_chassis.actor import AGENCY_OPERATOR, COMUNE_OPERATOR, COORDINATOR
from abitare_chassis.types import UtcDateTime

OPERATOR_ROLES = (AGENCY_OPERATOR, COMUNE_OPERATOR, COORDINATOR)
ISTAT_CODE = re.compile(r"^[0-9]{6}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class OperatorRow(Base):
    __tablename__ = "operators"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    comuni_json: Mapped[str] = mapped_column(Text, default="[]")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ApiClientRow(Base):
    __tablename__ = "api_clients"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    comuni_json: Mapped[str] = mapped_column(Text, default="[]")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WebSessionRow(Base):
    """Server-side web sessions (see :mod:`abitare_gateway.sessions`); the cookie holds the id,
    the table only its SHA-256."""
    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data_json: Mapped[str] = mapped_column(Text, default="{}")
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


@dataclass(frozen=True)
class Operator:
    username: str
    display_name: str
    role: str
    comuni: tuple[str, ...]
    active: bool = True


@dataclass(frozen=True)
class ApiClient:
    client_id: str
    name: str
    comuni: tuple[str, ...]
    active: bool = True
    secret_fingerprint: str = ""   # changes when the secret changes: old tokens stop working


def password_hasher(profile: str = "default") -> PasswordHasher:
    if profile == "cheapest":  # tests only: milliseconds instead of ~50 ms and 64 MiB
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def validate_comuni(comuni) -> tuple[str, ...]:
    codes = tuple(sorted({str(c).strip() for c in comuni if str(c).strip()}))
    bad = [c for c in codes if not ISTAT_CODE.match(c)]
    if bad:
        raise ValueError(f"not ISTAT codes: {', '.join(bad)}")
    return codes


class IdentityStore:
    def __init__(self, engine: Engine, hasher: PasswordHasher):
        self.engine = engine
        self.hasher = hasher
        # verified against unknown names so that a miss costs as much time as a wrong password
        self._dummy_hash = hasher.hash("abitare-timing-equaliser")

    def create_tables(self):
        Base.metadata.create_all(self.engine)

    # -- operators ------------------------------------------------------------------------
    def save_operator(self, username: str, password: str | None, display_name: str, role: str,
                      comuni) -> Operator:
        """Create or update an operator (``password=None`` keeps the current one)."""
        if not USERNAME.match(username):
            raise ValueError("username: 2-63 lowercase letters, digits, '.', '_' or '-'")
        if role not in OPERATOR_ROLES:
            raise ValueError(f"role must be one of {', '.join(OPERATOR_ROLES)}")
        comuni = validate_comuni(comuni)
        with Session(self.engine) as session, session.begin():
            row = session.get(OperatorRow, username)
            if row is None:
                if not password:
                    raise ValueError("a new operator needs a password")
                row = OperatorRow(username=username, password_hash=self.hasher.hash(password))
                session.add(row)
            elif password and not self._matches(row.password_hash, password):
                row.password_hash = self.hasher.hash(password)
            row.display_name, row.role, row.active = display_name, role, True
            row.comuni_json = json.dumps(list(comuni))
            return self._operator(row)

    def get_operator(self, username: str) -> Operator | None:
        with Session(self.engine) as session:
            row = session.get(OperatorRow, username)
            return self._operator(row) if row is not None and row.active else None

    def authenticate_operator(self, username: str, password: str) -> Operator | None:
        with Session(self.engine) as session, session.begin():
            row = session.get(OperatorRow, username) if username else None
            if row is None or not row.active:
                self._matches(self._dummy_hash, password or "")
                return None
            if not self._matches(row.password_hash, password or ""):
                return None
            if self.hasher.check_needs_rehash(row.password_hash):
                row.password_hash = self.hasher.hash(password)
            return self._operator(row)

    def list_operators(self) -> list[Operator]:
        with Session(self.engine) as session:
            rows = session.scalars(select(OperatorRow).order_by(OperatorRow.username))
            return [self._operator(row) for row in rows]

    # -- API clients ----------------------------------------------------------------------
    def save_client(self, client_id: str, secret: str | None, name: str, comuni) -> ApiClient:
        if not CLIENT_ID.match(client_id):
            raise ValueError("client_id: 2-63 letters, digits, '.', '_' or '-'")
        comuni = validate_comuni(comuni)
        if not comuni:
            raise ValueError("an API client needs at least one comune")
        with Session(self.engine) as session, session.begin():
            row = session.get(ApiClientRow, client_id)
            if row is None:
                if not secret:
                    raise ValueError("a new API client needs a secret")
                row = ApiClientRow(client_id=client_id, secret_hash=self.hasher.hash(secret))
                session.add(row)
            elif secret and not self._matches(row.secret_hash, secret):
                row.secret_hash = self.hasher.hash(secret)
            row.name, row.active = name, True
            row.comuni_json = json.dumps(list(comuni))
            return self._client(row)

    def get_client(self, client_id: str) -> ApiClient | None:
        with Session(self.engine) as session:
            row = session.get(ApiClientRow, client_id)
            return self._client(row) if row is not None and row.active else None

    def authenticate_client(self, client_id: str, secret: str) -> ApiClient | None:
        with Session(self.engine) as session, session.begin():
            row = session.get(ApiClientRow, client_id) if client_id else None
            if row is None or not row.active:
                self._matches(self._dummy_hash, secret or "")
                return None
            if not self._matches(row.secret_hash, secret or ""):
                return None
            if self.hasher.check_needs_rehash(row.secret_hash):
                row.secret_hash = self.hasher.hash(secret)
            return self._client(row)

    def list_clients(self) -> list[ApiClient]:
        with Session(self.engine) as session:
            rows = session.scalars(select(ApiClientRow).order_by(ApiClientRow.client_id))
            return [self._client(row) for row in rows]

    # -- helpers --------------------------------------------------------------------------
    def _matches(self, hashed: str, secret: str) -> bool:
        try:
            return self.hasher.verify(hashed, secret)
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def _operator(row: OperatorRow) -> Operator:
        return Operator(username=row.username, display_name=row.display_name, role=row.role,
                        comuni=tuple(json.loads(row.comuni_json or "[]")), active=row.active)

    @staticmethod
    def _client(row: ApiClientRow) -> ApiClient:
        fingerprint = hashlib.sha256(row.secret_hash.encode()).hexdigest()[:16]
        return ApiClient(client_id=row.client_id, name=row.name,
                         comuni=tuple(json.loads(row.comuni_json or "[]")), active=row.active,
                         secret_fingerprint=fingerprint)
