"""The partners database as SQLAlchemy 2 ORM models; the chassis outbox/inbox and audit trail
join the same ``metadata`` so the Alembic migrations see them too."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from abitare_chassis.audit import add_audit_table
from abitare_chassis.tables import add_chassis_tables
from abitare_chassis.types import UtcDateTime


class Base(DeclarativeBase):
    metadata = MetaData()


metadata = Base.metadata


class Partner(Base):
    __tablename__ = "partner"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)  # "FWA"
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(60))  # "microcredito", ...
    active: Mapped[bool] = mapped_column(Boolean)
    # the partner's own secret: its deliveries are signed (HMAC-SHA256) with it, never with a key
    # of the suite; issued (and rotated) by ``catalogue.issue_delivery_key``. Set on every row by
    # the migration and by ``subscribe``; a delivery without one is refused (adapters.events).
    delivery_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    delivery_key_issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ConventionRow(Base):
    """A stored convention; the rules read it as ``partners.domain.conventions.Convention``."""

    __tablename__ = "convention"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_code: Mapped[str] = mapped_column(String(20), ForeignKey("partner.code"), index=True)
    allowed_event_types: Mapped[list] = mapped_column(JSON)  # ["intake.referral_received.v1"]
    allowed_fields: Mapped[list] = mapped_column(JSON)  # ["referral_id", "household.size"]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(300))


class Subscription(Base):
    __tablename__ = "subscription"
    __table_args__ = (
        UniqueConstraint("partner_code", "event_type", name="uq_subscription_partner_event"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_code: Mapped[str] = mapped_column(String(20), ForeignKey("partner.code"))
    event_type: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class Delivery(Base):
    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("source_event_id", "partner_code", name="uq_delivery_source_partner"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)  # the event the partner gets
    source_event_id: Mapped[str] = mapped_column(String(36))  # the event it was made from
    partner_code: Mapped[str] = mapped_column(String(20), ForeignKey("partner.code"))
    event_type: Mapped[str] = mapped_column(String(200))
    referral_id: Mapped[str | None] = mapped_column(String(36), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    fields: Mapped[list] = mapped_column(JSON)  # dotted paths delivered
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # intake.case_pseudonymised.v1: the copy published to the partner forgotten (outbox row)
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebhookEndpoint(Base):
    """A partner's webhook: where its copies are POSTed, signed with ``secret`` (and, for a while
    after a rotation, ``previous_secret`` too). Disabled by a 410 Gone or a run of failures;
    its messages wait (nothing is dropped) until a coordinator enables it again."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    partner_code: Mapped[str] = mapped_column(String(20), ForeignKey("partner.code"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    enabled: Mapped[bool] = mapped_column(Boolean)
    disabled_reason: Mapped[str | None] = mapped_column(String(20))  # "gone" | "failures"
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class WebhookMessage(Base):
    """One copy to POST to one endpoint: written in the transaction of its ``Delivery`` row, so
    it survives a crash; ``body`` is the exact JSON sent (the CloudEvent of the partner's queue).
    ``next_attempt_at`` is when the dispatcher may take it (also its lease while in flight)."""

    __tablename__ = "webhook_message"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id", name="uq_webhook_message_event_endpoint"),
        Index("ix_webhook_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)  # = webhook-id, Delivery.event_id
    endpoint_id: Mapped[str] = mapped_column(String(36), ForeignKey("webhook_endpoint.id"))
    partner_code: Mapped[str] = mapped_column(String(20), ForeignKey("partner.code"))
    referral_id: Mapped[str | None] = mapped_column(String(36), index=True)
    body: Mapped[str | None] = mapped_column(Text)  # None once pseudonymised
    status: Mapped[str] = mapped_column(String(20))  # pending | delivered | failed | forgotten
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # in the log, over every round
    round_attempts: Mapped[int] = mapped_column(Integer, default=0)  # since queued or replayed
    round_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebhookAttempt(Base):
    """The delivery log: one row per attempt. No request or response body, only a short,
    printable excerpt of the response."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(Integer, ForeignKey("webhook_message.id"))
    event_id: Mapped[str] = mapped_column(String(36))
    endpoint_id: Mapped[str] = mapped_column(String(36), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    latency_ms: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))  # delivered | failed | redirect | gone
    status_code: Mapped[int | None] = mapped_column(Integer)
    error_class: Mapped[str | None] = mapped_column(String(60))  # "timeout", "refused", ...
    excerpt: Mapped[str | None] = mapped_column(String(200))


add_chassis_tables(metadata)
add_audit_table(metadata)
