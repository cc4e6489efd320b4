"""The funds database as SQLAlchemy 2 ORM models; the chassis outbox/inbox and audit trail join
the same ``metadata`` so the Alembic migrations see them too."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
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


class FundsFile(Base):
    """The funds file of one referral, with its first affordability check."""

    __tablename__ = "funds_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(String(36), unique=True)
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    household_size: Mapped[int | None] = mapped_column(Integer)
    monthly_net_income_cents: Mapped[int | None] = mapped_column(Integer)
    monthly_rent_cents: Mapped[int | None] = mapped_column(Integer)
    referral_received_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # the affordability check; decimals as text ("0.2500") so they stay exact on every database
    assessed_on: Mapped[date] = mapped_column(Date)
    rent_to_income_ratio: Mapped[str | None] = mapped_column(String(16))
    threshold: Mapped[str | None] = mapped_column(String(16))
    threshold_valid_from: Mapped[date | None] = mapped_column(Date)
    threshold_source: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text)
    source_event_id: Mapped[str] = mapped_column(String(36))
    # intake.case_pseudonymised.v1: amounts and explanation removed, outcome and ratio kept
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


# -- affitto: Fondo Affitto di Ambito (regulations, windows, applications, payments) ----------
class RentFundRegulation(Base):
    """One version of an ambito's Fondo Affitto regulation; decimals as text, money in cents."""

    __tablename__ = "rent_fund_regulation"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    comuni: Mapped[list] = mapped_column(JSON)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(300))  # the act that approved it
    isee_ceiling_cents: Mapped[int] = mapped_column(Integer)
    rent_burden_threshold: Mapped[str | None] = mapped_column(String(16))
    min_lease_months: Mapped[int] = mapped_column(Integer)
    residence_required: Mapped[bool] = mapped_column(Boolean)
    excluded_tenures: Mapped[list] = mapped_column(JSON)
    exclude_eviction_procedure: Mapped[bool] = mapped_column(Boolean)
    exclude_adequate_dwelling: Mapped[bool] = mapped_column(Boolean)
    grant_share: Mapped[str] = mapped_column(String(16))
    grant_months: Mapped[int] = mapped_column(Integer)
    grant_cap_cents: Mapped[int] = mapped_column(Integer)
    paid_to: Mapped[str] = mapped_column(String(20))
    required_documents: Mapped[list] = mapped_column(JSON)
    ranking: Mapped[list] = mapped_column(JSON)
    legal_references: Mapped[dict] = mapped_column(JSON)
    unverified: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class RentFundWindow(Base):
    """A window (bando) of a regulation version: dates, budget, and its ranking's progress."""

    __tablename__ = "rent_fund_window"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    regulation_id: Mapped[str] = mapped_column(ForeignKey("rent_fund_regulation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    budget_cents: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))  # aperto chiuso graduatoria approvato
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ranking_state: Mapped[str | None] = mapped_column(String(20))  # in_corso completata
    ranking_total: Mapped[int | None] = mapped_column(Integer)
    ranking_done: Mapped[int | None] = mapped_column(Integer)
    ranking_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ranking_requested_by: Mapped[str | None] = mapped_column(String(200))
    ranking_finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    funded_count: Mapped[int | None] = mapped_column(Integer)
    funded_cents: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    # ledger (merge): what the approval committed on the budget line; see usecases.rent_fund
    committed_cents: Mapped[int | None] = mapped_column(Integer)


class RentFundApplication(Base):
    """One household's application to a window: the facts, the check, the grant, the
    ranking's place and the decision."""

    __tablename__ = "rent_fund_application"
    __table_args__ = (
        UniqueConstraint("created_by", "idempotency_key"),
        Index("ix_rent_fund_application_window_state", "window_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(String(36), index=True)
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    window_id: Mapped[str | None] = mapped_column(ForeignKey("rent_fund_window.id"))
    regulation_id: Mapped[str | None] = mapped_column(String(36))
    action_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    state: Mapped[str] = mapped_column(String(20))
    household_size: Mapped[int | None] = mapped_column(Integer)
    isee_cents: Mapped[int | None] = mapped_column(Integer)
    isee_kind: Mapped[str | None] = mapped_column(String(20))
    isee_protocol: Mapped[str | None] = mapped_column(String(60))
    monthly_rent_cents: Mapped[int | None] = mapped_column(Integer)
    monthly_net_income_cents: Mapped[int | None] = mapped_column(Integer)
    resident: Mapped[bool | None] = mapped_column(Boolean)
    lease_registered: Mapped[bool | None] = mapped_column(Boolean)
    lease_start: Mapped[date | None] = mapped_column(Date)
    tenure: Mapped[str | None] = mapped_column(String(20))
    eviction_procedure: Mapped[bool | None] = mapped_column(Boolean)
    owns_adequate_dwelling: Mapped[bool | None] = mapped_column(Boolean)
    documents: Mapped[list] = mapped_column(JSON, default=list)
    casa_grade: Mapped[int | None] = mapped_column(Integer)
    criteria: Mapped[list | None] = mapped_column(JSON)
    eligibility: Mapped[str | None] = mapped_column(String(20))
    grant: Mapped[dict | None] = mapped_column(JSON)
    grant_cents: Mapped[int | None] = mapped_column(Integer)
    checked_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    idempotency_hash: Mapped[str | None] = mapped_column(String(64))
    rank_position: Mapped[int | None] = mapped_column(Integer)
    rank_outcome: Mapped[str | None] = mapped_column(String(30))
    approved_cents: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    paid_cents: Mapped[int] = mapped_column(Integer, default=0)
    source_event_id: Mapped[str | None] = mapped_column(String(36))
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RentFundPayment(Base):
    """A payment (erogato) of an approved application; append-only."""

    __tablename__ = "rent_fund_payment"
    __table_args__ = (
        Index("ux_rent_fund_payment_key", "recorded_by", "idempotency_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("rent_fund_application.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date] = mapped_column(Date)
    paid_to: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))


# -- ledger: the budget ledger (domain/ledger.py) ----------------------------------------------


class LedgerLine(Base):
    """A budget line: one fund, year and funding source of a comune (or ambito, by its lead
    comune), with running totals that are the sum of its movements. The database refuses totals
    that break ``0 <= paid <= committed <= allocated <= programmed``, whoever writes them."""

    __tablename__ = "ledger_line"
    __table_args__ = (
        CheckConstraint("allocated_cents >= 0", name="ck_ledger_line_allocated"),
        CheckConstraint("committed_cents >= 0", name="ck_ledger_line_committed"),
        CheckConstraint("paid_cents >= 0", name="ck_ledger_line_paid"),
        CheckConstraint("committed_cents <= allocated_cents", name="ck_ledger_line_available"),
        CheckConstraint("paid_cents <= committed_cents", name="ck_ledger_line_paid_committed"),
        CheckConstraint(
            "allocated_cents <= programmed_cents", name="ck_ledger_line_allocated_programmed"
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    fund: Mapped[str] = mapped_column(String(40))
    action: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(40))
    source_act: Mapped[str | None] = mapped_column(String(300))  # the act funding it (DGR...)
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    programmed_cents: Mapped[int] = mapped_column(Integer)  # programmato
    allocated_cents: Mapped[int] = mapped_column(Integer)  # ammesso a finanziamento
    committed_cents: Mapped[int] = mapped_column(Integer)
    paid_cents: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)  # raised by every movement (the row lock)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_by: Mapped[str] = mapped_column(String(200))


class LedgerMovement(Base):
    """One movement of a line, append-only (triggers refuse UPDATE and DELETE): its kind, its
    amount and signed effect on the totals, who, when, why, and the measure it serves."""

    __tablename__ = "ledger_movement"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="ck_ledger_movement_amount"),
        Index("ix_ledger_movement_line", "line_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    movement_id: Mapped[str] = mapped_column(String(36), unique=True)
    line_id: Mapped[str] = mapped_column(ForeignKey("ledger_line.id"))
    kind: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(Integer)
    programmed_delta_cents: Mapped[int] = mapped_column(Integer)
    allocated_delta_cents: Mapped[int] = mapped_column(Integer)
    committed_delta_cents: Mapped[int] = mapped_column(Integer)
    paid_delta_cents: Mapped[int] = mapped_column(Integer)
    commitment_id: Mapped[str | None] = mapped_column(String(36), index=True)  # a payment's
    corrects_id: Mapped[str | None] = mapped_column(String(36), index=True)  # a correction's
    related_id: Mapped[str | None] = mapped_column(String(36))  # the other half of a move
    source_kind: Mapped[str | None] = mapped_column(String(40))  # rent_fund_application...
    source_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    request_hash: Mapped[str | None] = mapped_column(String(64))


# -- isee: certified ISEE attestations and the agency's estimates --------------------------
class CertifiedIsee(Base):
    """An ISEE certified by INPS (attestazione) for a household, as an operator recorded it."""

    __tablename__ = "isee_certified"
    __table_args__ = (UniqueConstraint("referral_id", "protocol"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(String(36), index=True)
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    # INPS-ISEE-...; None once pseudonymised
    protocol: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(30))  # ordinario corrente minorenni ...
    regime: Mapped[str] = mapped_column(String(30))
    isee_cents: Mapped[int] = mapped_column(Integer)
    ise_cents: Mapped[int | None] = mapped_column(Integer)
    isr_cents: Mapped[int | None] = mapped_column(Integer)
    isp_cents: Mapped[int | None] = mapped_column(Integer)
    scale: Mapped[str | None] = mapped_column(String(8))  # "2.66"
    dsu_date: Mapped[date] = mapped_column(Date)  # the DSU's date: valid from it
    valid_until: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class IseeEstimate(Base):
    """An ISEE estimate ("stimato") with what it was computed from: the DSU figures entered,
    the result with every intermediate value, and the parameters used (value, validity,
    source, to_verify), as computed then, so it reads back identically later."""

    __tablename__ = "isee_estimate"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(String(36), index=True)
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    computed_on: Mapped[date] = mapped_column(Date)  # the date the parameters were chosen for
    regime: Mapped[str] = mapped_column(String(30))
    dsu: Mapped[dict | None] = mapped_column(JSON)  # None once pseudonymised
    result: Mapped[dict | None] = mapped_column(JSON)  # estimate_isee's answer without parameters
    parameters: Mapped[list] = mapped_column(JSON)
    to_verify: Mapped[bool] = mapped_column(Boolean)
    isee_cents: Mapped[int] = mapped_column(Integer)
    ise_cents: Mapped[int | None] = mapped_column(Integer)
    isr_cents: Mapped[int | None] = mapped_column(Integer)
    isp_cents: Mapped[int | None] = mapped_column(Integer)
    scale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


# -- morosità incolpevole: the eviction file, its stages, the contribution requests ------------
class ArrearsFile(Base):
    """A household's arrears (morosità incolpevole) file: where its eviction stands (the last
    stage, and the date it waits for: the worklist reads these), the cause of the income loss,
    the facts of the access criteria and their last check."""

    __tablename__ = "arrears_file"
    __table_args__ = (Index("ix_arrears_file_comune_due", "comune_istat", "due_on"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(String(36), unique=True)
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    stage: Mapped[str] = mapped_column(String(30))
    stage_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    due_kind: Mapped[str | None] = mapped_column(String(20))
    cause: Mapped[str | None] = mapped_column(String(40))
    cause_note: Mapped[str | None] = mapped_column(Text)
    income_loss_on: Mapped[date | None] = mapped_column(Date)
    facts: Mapped[dict] = mapped_column(JSON)  # the criteria's facts, dates as ISO text
    criteria: Mapped[dict | None] = mapped_column(JSON)  # the last Assessment.as_record()
    eligibility: Mapped[str | None] = mapped_column(String(20))
    checked_on: Mapped[date | None] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # intake.case_pseudonymised.v1: facts, notes and amounts removed; stages and outcome kept
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ArrearsStage(Base):
    """One stage of an eviction file, append-only, in the order recorded."""

    __tablename__ = "arrears_stage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    arrears_file_id: Mapped[str] = mapped_column(ForeignKey("arrears_file.id"), index=True)
    stage: Mapped[str] = mapped_column(String(30))
    happened_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    hardship: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))


class ArrearsContribution(Base):
    """A computed contribution request (lines a–d, DM 30/3/2016 art. 5) of an arrears file."""

    __tablename__ = "arrears_contribution"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    arrears_file_id: Mapped[str] = mapped_column(ForeignKey("arrears_file.id"), index=True)
    request: Mapped[dict | None] = mapped_column(JSON)  # the amounts asked, dates as ISO text
    computation: Mapped[dict | None] = mapped_column(JSON)  # Contribution.as_record()
    total_cents: Mapped[int] = mapped_column(Integer)
    to_verify: Mapped[bool] = mapped_column(Boolean)
    computed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


# -- garanzia: the landlord guarantee fund (domain/guarantee.py) -------------------------------
class GuaranteeCover(Base):
    """A canone concordato contract enrolled in the guarantee fund for one case (``referral_id``,
    as the funds file names it): the contract, the entry check that admitted it and the terms'
    parameters it was checked with (``DatedParameter.as_record()``), so it keeps the rule that
    applied. Only eligible contracts are stored (a refusal stores nothing)."""

    __tablename__ = "guarantee_cover"
    __table_args__ = (UniqueConstraint("created_by", "idempotency_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(String(36), index=True)
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    landlord_name: Mapped[str | None] = mapped_column(String(200))  # None once pseudonymised
    dwelling_address: Mapped[str | None] = mapped_column(String(300))
    monthly_rent_cents: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    duration_months: Mapped[int] = mapped_column(Integer)
    ends_on: Mapped[date] = mapped_column(Date)  # inclusive
    attestazione: Mapped[bool] = mapped_column(Boolean)
    gross_annual_income_cents: Mapped[int | None] = mapped_column(Integer)
    eligible: Mapped[bool] = mapped_column(Boolean)
    rent_to_gross_income: Mapped[str | None] = mapped_column(String(16))  # "0.2571"
    cover_cap_cents: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list] = mapped_column(JSON)
    parameters: Mapped[list] = mapped_column(JSON)
    paid_cents: Mapped[int] = mapped_column(Integer, default=0)  # claims paid on this cover
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    idempotency_hash: Mapped[str | None] = mapped_column(String(64))
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class GuaranteeClaim(Base):
    """A landlord's claim on a cover: the figures, the documents, the assessment, the status
    (filed, paid, refused)."""

    __tablename__ = "guarantee_claim"
    __table_args__ = (UniqueConstraint("filed_by", "idempotency_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cover_id: Mapped[str] = mapped_column(ForeignKey("guarantee_cover.id"), index=True)
    referral_id: Mapped[str] = mapped_column(String(36), index=True)
    comune_istat: Mapped[str] = mapped_column(String(6))
    arrears_from: Mapped[date] = mapped_column(Date)
    dwelling_recovered_on: Mapped[date] = mapped_column(Date)
    filed_on: Mapped[date] = mapped_column(Date)
    unpaid_rent_cents: Mapped[int] = mapped_column(Integer)
    legal_costs_cents: Mapped[int] = mapped_column(Integer)
    recovered_cents: Mapped[int] = mapped_column(Integer)
    deposit_kept_cents: Mapped[int] = mapped_column(Integer)
    documents: Mapped[list] = mapped_column(JSON)
    owed_cents: Mapped[int] = mapped_column(Integer)
    cap_cents: Mapped[int] = mapped_column(Integer)
    payable_cents: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[list] = mapped_column(JSON)
    parameters: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))  # filed paid refused
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    filed_by: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    idempotency_hash: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    paid_cents: Mapped[int | None] = mapped_column(Integer)
    paid_on: Mapped[date | None] = mapped_column(Date)
    refusal_reason: Mapped[str | None] = mapped_column(Text)


class GuaranteeInstalment(Base):
    """One instalment of the tenant's plan to repay what the fund paid on a claim, and its mark
    (due, paid, missed)."""

    __tablename__ = "guarantee_instalment"
    __table_args__ = (UniqueConstraint("claim_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("guarantee_claim.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))  # due paid missed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    marked_on: Mapped[date | None] = mapped_column(Date)
    marked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    marked_by: Mapped[str | None] = mapped_column(String(200))


add_chassis_tables(metadata)
add_audit_table(metadata)
