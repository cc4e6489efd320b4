"""Who may use the gateway: operators (people, web UI) and API clients (the comuni's systems,
and the partners' systems: a client with a ``partner_code``).

This is identity, not business data, so it lives in the gateway's own database (SQLAlchemy; the
tables are created at start-up when missing, and columns added since are added to an older
database by :meth:`IdentityStore.create_tables`). Secrets are stored as argon2id hashes only.

Every account has a **credentials version**: it grows when the password or secret changes, on a
reset and on deactivation. Sessions and bearer tokens carry the version they were issued under,
and :mod:`abitare_gateway.auth` refuses one whose version is no longer the account's: that is how
a deactivation, a rotation or a password change takes effect on the very next request.

Every argon2 computation takes one of a few slots (``concurrency``): each costs 64 MiB, so
parallel login attempts queue instead of exhausting memory, and one that waits too long is
refused with :class:`HasherBusy`.
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Integer, String, Text, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from abitare_chassis.actor import AGENCY_OPERATOR, COMUNE_OPERATOR, COORDINATOR
from abitare_chassis.types import UtcDateTime

from .i18n import _

OPERATOR_ROLES = (AGENCY_OPERATOR, COMUNE_OPERATOR, COORDINATOR)
ISTAT_CODE = re.compile(r"^[0-9]{6}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$")
PARTNER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_]{1,31}$")  # the partners service's codes: FWA, AFOL
PASSWORD_MIN_LENGTH = 12  # for passwords an operator chooses in the web UI
PASSWORD_MAX_LENGTH = 256


def utcnow() -> datetime:
    return datetime.now(UTC)


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
    credentials_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)  # "it", "en"; None: it


class ApiClientRow(Base):
    __tablename__ = "api_clients"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200))
    comuni_json: Mapped[str] = mapped_column(Text, default="[]")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    credentials_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # set: the system of that partner (role partner_client), else a comune's (municipal_client)
    partner_code: Mapped[str | None] = mapped_column(String(32), nullable=True)


class WebSessionRow(Base):
    """Server-side web sessions (see :mod:`abitare_gateway.sessions`); the cookie holds the id,
    the table only its SHA-256."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data_json: Mapped[str] = mapped_column(Text, default="{}")
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class AccountAuditRow(Base):
    """Who did what to which account, when: every action of the accounts page (and of the CLI)."""

    __tablename__ = "account_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))  # "operator:coordinatrice", "cli"
    action: Mapped[str] = mapped_column(String(40))  # "operator_created", ...
    target_kind: Mapped[str] = mapped_column(String(20))  # "operator" | "client"
    target_id: Mapped[str] = mapped_column(String(64), index=True)
    comuni_json: Mapped[str] = mapped_column(Text, default="[]")  # the target's, at the time


@dataclass(frozen=True)
class Operator:
    username: str
    display_name: str
    role: str
    comuni: tuple[str, ...]
    active: bool = True
    credentials_version: int = 1
    must_change_password: bool = False
    last_login_at: datetime | None = None
    language: str | None = None  # the UI's language the operator chose (i18n.LANGUAGES)


@dataclass(frozen=True)
class ApiClient:
    client_id: str
    name: str
    comuni: tuple[str, ...]
    active: bool = True
    credentials_version: int = 1
    last_used_at: datetime | None = None
    partner_code: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """An account action to record in the same transaction as the change."""

    actor: str
    action: str


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str
    action: str
    target_kind: str
    target_id: str
    comuni: tuple[str, ...]


class AccountExists(ValueError):
    """Creating an account under a name that is taken (by any comune's account)."""


class HasherBusy(Exception):
    """Every argon2 slot stayed taken for longer than the store waits."""


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


def password_problem(username: str, password: str) -> str | None:
    """Why an operator may not choose ``password`` (Italian), or ``None``."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _("La password deve avere almeno %(n)s caratteri.", n=PASSWORD_MIN_LENGTH)
    if len(password) > PASSWORD_MAX_LENGTH:
        return _("La password può avere al massimo %(n)s caratteri.", n=PASSWORD_MAX_LENGTH)
    if username and username.lower() in password.lower():
        return _("La password non può contenere il nome utente.")
    return None


class IdentityStore:
    def __init__(
        self,
        engine: Engine,
        hasher: PasswordHasher,
        concurrency: int = 4,
        wait_seconds: float = 10.0,
    ):
        self.engine = engine
        self.hasher = hasher
        self._slots = threading.BoundedSemaphore(max(1, int(concurrency)))
        self._wait_seconds = wait_seconds
        # verified against unknown names so that a miss costs as much time as a wrong password
        self._dummy_hash = hasher.hash("abitare-timing-equaliser")

    def create_tables(self):
        Base.metadata.create_all(self.engine)
        self._add_missing_columns()

    def _add_missing_columns(self):
        """A database created by an earlier gateway lacks the columns added since; add them
        (each has a server default or is nullable, so existing rows stay valid)."""
        inspector = inspect(self.engine)
        with self.engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                present = {column["name"] for column in inspector.get_columns(table.name)}
                for column in table.columns:
                    if column.name in present:
                        continue
                    kind = column.type.compile(dialect=self.engine.dialect)
                    default = (
                        f" DEFAULT {column.server_default.arg}"
                        if column.server_default is not None
                        else ""
                    )
                    conn.execute(
                        text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}{default}")
                    )

    # -- operators ------------------------------------------------------------------------
    def save_operator(
        self,
        username: str,
        password: str | None,
        display_name: str,
        role: str,
        comuni,
        audit: AuditEntry | None = None,
    ) -> Operator:
        """Create or update an operator (``password=None`` keeps the current one); the CLI's
        and the demo's way. A changed password ends the operator's sessions."""
        comuni = self._check_operator(username, role, comuni)
        with Session(self.engine) as session, session.begin():
            row = session.get(OperatorRow, username)
            if row is None:
                if not password:
                    raise ValueError("a new operator needs a password")
                row = OperatorRow(
                    username=username,
                    password_hash=self._hash(password),
                    credentials_version=1,
                    must_change_password=False,
                )
                session.add(row)
                action = "operator_created"
            else:
                action = "operator_updated"
                if password and not self._matches(row.password_hash, password):
                    row.password_hash = self._hash(password)
                    row.credentials_version += 1
                    row.must_change_password = False
                    action = "operator_password_set"
            row.display_name, row.role, row.active = display_name, role, True
            row.comuni_json = json.dumps(list(comuni))
            self._audit(
                session, audit and AuditEntry(audit.actor, action), "operator", username, comuni
            )
            return self._operator(row)

    def create_operator(
        self,
        username: str,
        temporary_password: str,
        display_name: str,
        role: str,
        comuni,
        audit: AuditEntry,
    ) -> Operator:
        """A new operator who must choose a password at the first login; never an update."""
        comuni = self._check_operator(username, role, comuni)
        password_hash = self._hash(temporary_password)
        with Session(self.engine) as session, session.begin():
            if session.get(OperatorRow, username) is not None:
                raise AccountExists(f"operator {username} exists")
            row = OperatorRow(
                username=username,
                password_hash=password_hash,
                display_name=display_name,
                role=role,
                comuni_json=json.dumps(list(comuni)),
                active=True,
                credentials_version=1,
                must_change_password=True,
            )
            session.add(row)
            self._audit(session, audit, "operator", username, comuni)
            return self._operator(row)

    def get_operator(self, username: str, include_inactive: bool = False) -> Operator | None:
        with Session(self.engine) as session:
            row = session.get(OperatorRow, username)
            if row is None or not (row.active or include_inactive):
                return None
            return self._operator(row)

    def authenticate_operator(
        self, username: str, password: str, now: datetime | None = None
    ) -> Operator | None:
        with Session(self.engine) as session, session.begin():
            row = session.get(OperatorRow, username) if username else None
            if row is None or not row.active:
                self._matches(self._dummy_hash, password or "")
                return None
            if not self._matches(row.password_hash, password or ""):
                return None
            if self.hasher.check_needs_rehash(row.password_hash):
                row.password_hash = self._hash(password)
            row.last_login_at = now or utcnow()
            return self._operator(row)

    def change_password(self, username: str, current: str, new: str) -> Operator | None:
        """The operator's own change; ``None`` if ``current`` is wrong. Ends every session of
        the operator (the caller gives the current one the new version)."""
        with Session(self.engine) as session, session.begin():
            row = session.get(OperatorRow, username)
            if row is None or not row.active or not self._matches(row.password_hash, current):
                return None
            row.password_hash = self._hash(new)
            row.credentials_version += 1
            row.must_change_password = False
            self._audit(
                session,
                AuditEntry(f"operator:{username}", "own_password_changed"),
                "operator",
                username,
                self._comuni(row),
            )
            return self._operator(row)

    def set_language(self, username: str, language: str) -> Operator:
        """The operator's own choice of the UI's language (not audited: it changes no access)."""
        with Session(self.engine) as session, session.begin():
            row = self._operator_row(session, username)
            row.language = language
            return self._operator(row)

    def reset_password(self, username: str, temporary_password: str, audit: AuditEntry) -> Operator:
        password_hash = self._hash(temporary_password)
        with Session(self.engine) as session, session.begin():
            row = self._operator_row(session, username)
            row.password_hash = password_hash
            row.credentials_version += 1
            row.must_change_password = True
            self._audit(session, audit, "operator", username, self._comuni(row))
            return self._operator(row)

    def set_operator_active(self, username: str, active: bool, audit: AuditEntry) -> Operator:
        with Session(self.engine) as session, session.begin():
            row = self._operator_row(session, username)
            if row.active and not active:
                row.credentials_version += 1  # its sessions end now, for good
            row.active = active
            self._audit(session, audit, "operator", username, self._comuni(row))
            return self._operator(row)

    def list_operators(self) -> list[Operator]:
        with Session(self.engine) as session:
            rows = session.scalars(select(OperatorRow).order_by(OperatorRow.username))
            return [self._operator(row) for row in rows]

    # -- API clients ----------------------------------------------------------------------
    def save_client(
        self,
        client_id: str,
        secret: str | None,
        name: str,
        comuni,
        audit: AuditEntry | None = None,
        partner_code: str | None = None,
    ) -> ApiClient:
        """Create or update an API client (the CLI's and the demo's way); a new secret makes
        the tokens issued under the old one stop working. ``partner_code``: a partner's system."""
        comuni = self._check_client(client_id, comuni, partner_code)
        with Session(self.engine) as session, session.begin():
            row = session.get(ApiClientRow, client_id)
            if row is None:
                if not secret:
                    raise ValueError("a new API client needs a secret")
                row = ApiClientRow(
                    client_id=client_id, secret_hash=self._hash(secret), credentials_version=1
                )
                session.add(row)
                action = "client_created"
            else:
                action = "client_updated"
                if secret and not self._matches(row.secret_hash, secret):
                    row.secret_hash = self._hash(secret)
                    row.credentials_version += 1
                    action = "client_secret_rotated"
            row.name, row.active, row.partner_code = name, True, partner_code
            row.comuni_json = json.dumps(list(comuni))
            self._audit(
                session, audit and AuditEntry(audit.actor, action), "client", client_id, comuni
            )
            return self._client(row)

    def create_client(
        self,
        client_id: str,
        secret: str,
        name: str,
        comuni,
        audit: AuditEntry,
        partner_code: str | None = None,
    ) -> ApiClient:
        comuni = self._check_client(client_id, comuni, partner_code)
        secret_hash = self._hash(secret)
        with Session(self.engine) as session, session.begin():
            if session.get(ApiClientRow, client_id) is not None:
                raise AccountExists(f"API client {client_id} exists")
            row = ApiClientRow(
                client_id=client_id,
                secret_hash=secret_hash,
                name=name,
                comuni_json=json.dumps(list(comuni)),
                active=True,
                credentials_version=1,
                partner_code=partner_code,
            )
            session.add(row)
            self._audit(session, audit, "client", client_id, comuni)
            return self._client(row)

    def rotate_client_secret(self, client_id: str, secret: str, audit: AuditEntry) -> ApiClient:
        secret_hash = self._hash(secret)
        with Session(self.engine) as session, session.begin():
            row = self._client_row(session, client_id)
            row.secret_hash = secret_hash
            row.credentials_version += 1
            self._audit(session, audit, "client", client_id, self._comuni(row))
            return self._client(row)

    def set_client_active(self, client_id: str, active: bool, audit: AuditEntry) -> ApiClient:
        with Session(self.engine) as session, session.begin():
            row = self._client_row(session, client_id)
            if row.active and not active:
                row.credentials_version += 1
            row.active = active
            self._audit(session, audit, "client", client_id, self._comuni(row))
            return self._client(row)

    def get_client(self, client_id: str, include_inactive: bool = False) -> ApiClient | None:
        with Session(self.engine) as session:
            row = session.get(ApiClientRow, client_id)
            if row is None or not (row.active or include_inactive):
                return None
            return self._client(row)

    def authenticate_client(
        self, client_id: str, secret: str, now: datetime | None = None
    ) -> ApiClient | None:
        with Session(self.engine) as session, session.begin():
            row = session.get(ApiClientRow, client_id) if client_id else None
            if row is None or not row.active:
                self._matches(self._dummy_hash, secret or "")
                return None
            if not self._matches(row.secret_hash, secret or ""):
                return None
            if self.hasher.check_needs_rehash(row.secret_hash):
                row.secret_hash = self._hash(secret)
            row.last_used_at = now or utcnow()
            return self._client(row)

    def client_used(self, client_id: str, now: datetime) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(ApiClientRow, client_id)
            if row is not None:
                row.last_used_at = now

    def list_clients(self) -> list[ApiClient]:
        with Session(self.engine) as session:
            rows = session.scalars(select(ApiClientRow).order_by(ApiClientRow.client_id))
            return [self._client(row) for row in rows]

    # -- the audit ------------------------------------------------------------------------
    def audit_records(self, limit: int = 200) -> list[AuditRecord]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(AccountAuditRow).order_by(AccountAuditRow.id.desc()).limit(limit)
            )
            return [
                AuditRecord(
                    at=row.at,
                    actor=row.actor,
                    action=row.action,
                    target_kind=row.target_kind,
                    target_id=row.target_id,
                    comuni=tuple(json.loads(row.comuni_json or "[]")),
                )
                for row in rows
            ]

    @staticmethod
    def _audit(session: Session, entry: AuditEntry | None, kind: str, target: str, comuni):
        if entry is not None:
            session.add(
                AccountAuditRow(
                    at=utcnow(),
                    actor=entry.actor,
                    action=entry.action,
                    target_kind=kind,
                    target_id=target,
                    comuni_json=json.dumps(list(comuni)),
                )
            )

    # -- helpers --------------------------------------------------------------------------
    @contextmanager
    def _hashing(self):
        if not self._slots.acquire(timeout=self._wait_seconds):
            raise HasherBusy()
        try:
            yield
        finally:
            self._slots.release()

    def _hash(self, secret: str) -> str:
        with self._hashing():
            return self.hasher.hash(secret)

    def _matches(self, hashed: str, secret: str) -> bool:
        with self._hashing():
            try:
                return self.hasher.verify(hashed, secret)
            except (VerificationError, InvalidHashError):
                return False

    @staticmethod
    def _check_operator(username: str, role: str, comuni) -> tuple[str, ...]:
        if not USERNAME.match(username or ""):
            raise ValueError("username: 2-63 lowercase letters, digits, '.', '_' or '-'")
        if role not in OPERATOR_ROLES:
            raise ValueError(f"role must be one of {', '.join(OPERATOR_ROLES)}")
        return validate_comuni(comuni)

    @staticmethod
    def _check_client(client_id: str, comuni, partner_code: str | None) -> tuple[str, ...]:
        if not CLIENT_ID.match(client_id or ""):
            raise ValueError("client_id: 2-63 letters, digits, '.', '_' or '-'")
        if partner_code is not None and not PARTNER_CODE.match(partner_code):
            raise ValueError("partner_code: 2-32 capital letters, digits or '_' (e.g. FWA)")
        comuni = validate_comuni(comuni)
        if not comuni:
            raise ValueError("an API client needs at least one comune")
        return comuni

    @staticmethod
    def _operator_row(session: Session, username: str) -> OperatorRow:
        row = session.get(OperatorRow, username)
        if row is None:
            raise LookupError(username)
        return row

    @staticmethod
    def _client_row(session: Session, client_id: str) -> ApiClientRow:
        row = session.get(ApiClientRow, client_id)
        if row is None:
            raise LookupError(client_id)
        return row

    @staticmethod
    def _comuni(row) -> tuple[str, ...]:
        return tuple(json.loads(row.comuni_json or "[]"))

    @classmethod
    def _operator(cls, row: OperatorRow) -> Operator:
        return Operator(
            username=row.username,
            display_name=row.display_name,
            role=row.role,
            comuni=cls._comuni(row),
            active=row.active,
            credentials_version=row.credentials_version or 1,
            must_change_password=bool(row.must_change_password),
            last_login_at=row.last_login_at,
            language=row.language,
        )

    @classmethod
    def _client(cls, row: ApiClientRow) -> ApiClient:
        return ApiClient(
            client_id=row.client_id,
            name=row.name,
            comuni=cls._comuni(row),
            active=row.active,
            credentials_version=row.credentials_version or 1,
            last_used_at=row.last_used_at,
            partner_code=row.partner_code,
        )
