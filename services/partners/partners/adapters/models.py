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
    """One version of a convention; the rules read it as ``partners.domain.conventions.Convention``.
    An edit adds a row with the same ``code`` and ``version`` + 1: rows are never updated."""

    __tablename__ = "convention"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_convention_code_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_code: Mapped[str] = mapped_column(String(20), ForeignKey("partner.code"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # "FWA-2024": the convention across versions
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))  # domain.conventions.KINDS
    title: Mapped[str] = mapped_column(String(300))
    # event type -> {"fields": [dotted paths], "purpose": "why the partner gets them"}
    grants: Mapped[dict] = mapped_column(JSON)
    services: Mapped[list] = mapped_column(JSON)  # domain.offers codes
    comuni: Mapped[list] = mapped_column(JSON)  # ISTAT codes; [] = every comune of the agency
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # "attiva" | "sospesa"
    status_reason: Mapped[str | None] = mapped_column(String(300))
    response_days: Mapped[int] = mapped_column(Integer)
    channels: Mapped[list] = mapped_column(JSON)  # ["amqp"], ["amqp", "webhook"]
    reference: Mapped[str] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))


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
    # the convention version that allowed it (None: the erasure notice, owed whatever the
    # convention says)
    convention_code: Mapped[str | None] = mapped_column(String(40))
    convention_version: Mapped[int | None] = mapped_column(Integer)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # intake.case_pseudonymised.v1: the copy published to the partner forgotten (outbox row)
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoanRow(Base):
    """A loan a lending partner (FWA) granted to a household the agency sent to it, as the
    partner reports it: known by the partner's own reference and the partner referral it
    answers; its state is what ``domain.lending`` makes of the reports so far (the history in
    ``lender_status``). The agency is never the lender: it only records what the partner says."""

    __tablename__ = "loan"
    __table_args__ = (UniqueConstraint("partner_code", "loan_ref", name="uq_loan_partner_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_code: Mapped[str] = mapped_column(String(20), ForeignKey("partner.code"))
    loan_ref: Mapped[str] = mapped_column(String(64))  # the partner's own reference
    partner_referral_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("partner_referral.id"), index=True
    )
    product: Mapped[str] = mapped_column(String(40))  # domain.lending.PRODUCTS
    state: Mapped[str] = mapped_column(String(20))  # approved | disbursed | repaid | written_off
    amount_cents: Mapped[int] = mapped_column(Integer)
    disbursed_cents: Mapped[int] = mapped_column(Integer)
    repaid_cents: Mapped[int] = mapped_column(Integer)
    instalments: Mapped[int] = mapped_column(Integer)
    instalment_cents: Mapped[int] = mapped_column(Integer)
    first_due_on: Mapped[date] = mapped_column(Date)
    plan: Mapped[int] = mapped_column(Integer)  # 1, + 1 at each rescheduling
    paid: Mapped[list] = mapped_column(JSON)  # instalment numbers paid under this plan
    missed: Mapped[list] = mapped_column(JSON)
    last_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LenderStatusRow(Base):
    """One status the partner reported (accepted ones only: a refused report changes nothing),
    under the partner's own ``status_id``: a retry with the same id finds this row."""

    __tablename__ = "lender_status"
    __table_args__ = (
        UniqueConstraint("partner_code", "status_id", name="uq_lender_status_partner_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(Integer, ForeignKey("loan.id"), index=True)
    partner_code: Mapped[str] = mapped_column(String(20))
    status_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(30))  # domain.lending.STATUSES
    occurred_on: Mapped[date] = mapped_column(Date)
    # the report as given (the values its status uses; the others null)
    report: Mapped[dict] = mapped_column(JSON)
    state_after: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(36))  # partners.lender_status_reported.v1
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reported_by: Mapped[str] = mapped_column(String(200))  # the actor's sub: partner:FWA


class ConsentRow(Base):
    """A household's consent to share its data with a partner for one service
    (``domain.consent``). Withdrawal sets the ``withdrawn_*`` columns; nothing else changes."""

    __tablename__ = "consent"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(String(36), index=True)  # the case (intake's id)
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    partner_code: Mapped[str] = mapped_column(String(20), ForeignKey("partner.code"))
    service: Mapped[str] = mapped_column(String(60))
    categories: Mapped[list] = mapped_column(JSON)  # domain.consent.CATEGORIES codes
    given_by: Mapped[str] = mapped_column(String(200))  # the member, name as given
    given_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))  # the operator (actor sub)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))  # who asked (name as given)
    withdrawn_recorded_by: Mapped[str | None] = mapped_column(String(200))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PartnerReferral(Base):
    """A household sent to a partner for one service (``domain.referrals``): its current state;
    every change is a ``PartnerReferralStep``."""

    __tablename__ = "partner_referral"
    __table_args__ = (UniqueConstraint("action_id", name="uq_partner_referral_action"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(String(36), index=True)  # the case (intake's id)
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    # None: a project action named a partner that does not exist (state non_inviato)
    partner_code: Mapped[str | None] = mapped_column(
        String(20), ForeignKey("partner.code"), index=True
    )
    service: Mapped[str] = mapped_column(String(60))
    household_ref: Mapped[str] = mapped_column(String(40))
    action_id: Mapped[str | None] = mapped_column(String(36))  # the project action, if any
    convention_code: Mapped[str | None] = mapped_column(String(40))
    convention_version: Mapped[int | None] = mapped_column(Integer)
    consent_id: Mapped[str | None] = mapped_column(String(36))
    fields: Mapped[list] = mapped_column(JSON)  # dotted paths sent to the partner
    # exactly what the partner got (filtered): what its API client reads; emptied on
    # intake.case_pseudonymised.v1
    shared: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))
    refusal: Mapped[dict | None] = mapped_column(JSON)  # non_inviato: {"code", ...}
    outcome: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(String(1000))  # the operator's words to the partner
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_by: Mapped[str] = mapped_column(String(200))
    respond_by: Mapped[date | None] = mapped_column(Date)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PartnerReferralStep(Base):
    """One change of a partner referral: who (actor sub), when, to which state, with what."""

    __tablename__ = "partner_referral_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_referral_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("partner_referral.id"), index=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))
    update: Mapped[str] = mapped_column(String(20))  # created, accept, decline, outcome, withdraw
    outcome: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str | None] = mapped_column(String(1000))


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
