"""intake's tables. The chassis outbox/inbox tables join the same metadata at import, so the
Alembic migrations see them too."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from abitare_chassis.audit import add_audit_table
from abitare_chassis.tables import add_chassis_tables
from abitare_chassis.types import UtcDateTime

ANOMALOUS = "codice_fiscale_warnings IS NOT NULL"  # the members in the Anomalie list
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Referral(Base):
    """A scheda di attivazione as received."""

    __tablename__ = "referral"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    comune_istat: Mapped[str] = mapped_column(String(6))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(30))
    referring_body: Mapped[str] = mapped_column(String(40))
    referring_body_name: Mapped[str | None] = mapped_column(String(200))
    problem_reported: Mapped[str] = mapped_column(String(60))
    housing_situation: Mapped[str] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)
    eviction_date: Mapped[date | None] = mapped_column(Date)
    monthly_net_income_cents: Mapped[int | None] = mapped_column(BigInteger)
    monthly_rent_cents: Mapped[int | None] = mapped_column(BigInteger)
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    # Composition on the day received, kept so lists need no join or aggregate.
    household_size: Mapped[int] = mapped_column(Integer)
    minors: Mapped[int] = mapped_column(Integer)
    over_65: Mapped[int] = mapped_column(Integer)
    submitted_by: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    # SHA-256 of the canonical payload sent with the key: the same key with another payload is
    # refused (null for referrals stored before it was kept: their key answers as before).
    idempotency_payload_hash: Mapped[str | None] = mapped_column(String(64))
    # The case (issue 3): denormalised here so lists, the worklist and the Fotografia count with
    # one GROUP BY over referral and no join.
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    household_composition: Mapped[str | None] = mapped_column(String(40))
    assigned_to: Mapped[str | None] = mapped_column(String(200))
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    assigned_by: Mapped[str | None] = mapped_column(String(200))
    current_grade: Mapped[int | None] = mapped_column(Integer)
    documents_expiring_on: Mapped[date | None] = mapped_column(Date)
    closure_outcome: Mapped[str | None] = mapped_column(String(40))
    # Retention (domain.retention): when the household's identifying data were replaced, and the
    # legal hold that stops it (a coordinator's, with the reason; set and lift are audited).
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)
    legal_hold_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    legal_hold_by: Mapped[str | None] = mapped_column(String(200))

    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="referral",
        cascade="all, delete-orphan",
        order_by="HouseholdMember.position",
        lazy="raise",
    )

    __table_args__ = (
        UniqueConstraint("submitted_by", "idempotency_key"),
        # Scoped lists: WHERE comune_istat IN (...) ORDER BY received_at DESC, id DESC.
        Index("ix_referral_comune_istat_received_at", "comune_istat", "received_at", "id"),
        Index("ix_referral_received_at", "received_at", "id"),
        # Worklist: open cases by status, evictions coming up.
        Index("ix_referral_status_comune_istat", "status", "comune_istat"),
        Index("ix_referral_eviction_date", "eviction_date"),
        # Search (issue 8): a comune's cases of one status / grade, newest first; one operator's.
        Index(
            "ix_referral_comune_istat_status_received_at", "comune_istat", "status", "received_at"
        ),
        Index(
            "ix_referral_comune_istat_current_grade_received_at",
            "comune_istat",
            "current_grade",
            "received_at",
        ),
        Index("ix_referral_assigned_to_received_at", "assigned_to", "received_at"),
        Index("ix_referral_documents_expiring_on", "documents_expiring_on"),
    )


class HouseholdMember(Base):
    """A member of the referral's household, in the order given."""

    __tablename__ = "household_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    codice_fiscale: Mapped[str] = mapped_column(String(16), index=True)  # uppercase
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    relation: Mapped[str] = mapped_column(String(30))
    # household.search_key of the names: a search by name is a range on these indexes.
    last_name_key: Mapped[str] = mapped_column(String(100))
    first_name_key: Mapped[str] = mapped_column(String(100))
    # codice_fiscale.coherence of the member, stored when the member is written; NULL when the
    # code agrees with the member. The coordinator's Anomalie list reads the partial index.
    codice_fiscale_warnings: Mapped[list | None] = mapped_column(JSON(none_as_null=True))

    referral: Mapped[Referral] = relationship(back_populates="members")

    __table_args__ = (
        Index("ix_household_member_last_name_key", "last_name_key", "referral_id"),
        Index("ix_household_member_first_name_key", "first_name_key", "referral_id"),
        Index(
            "ix_household_member_anomalies",
            "referral_id",
            sqlite_where=text(ANOMALOUS),
            postgresql_where=text(ANOMALOUS),
        ),
    )


class TriageDecision(Base):
    """Every triage of a referral (a request for information is followed by another)."""

    __tablename__ = "triage_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    duplicates_acknowledged: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    by: Mapped[str] = mapped_column(String(200))


class DiaryEntry(Base):
    """The case diary (diario degli interventi): append-only."""

    __tablename__ = "diary_entry"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    text: Mapped[str] = mapped_column(Text)
    confidential: Mapped[bool] = mapped_column(Boolean)
    author: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str | None] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(30))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    interview: Mapped[dict | None] = mapped_column(JSON)  # {scheduled_at, location, participants}
    # The operator the case was assigned to when the entry was written: with the author, the
    # only reader of a confidential entry (a later assignee does not read older ones).
    case_assignee: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_diary_entry_referral_id_occurred_at", "referral_id", "occurred_at"),
    )


class Assessment(Base):
    """Every assessment of the grade (history kept; the referral holds the current grade)."""

    __tablename__ = "assessment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"))
    indicators: Mapped[dict] = mapped_column(JSON)
    pis_situation: Mapped[str | None] = mapped_column(String(40))
    suggested_grade: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[list] = mapped_column(JSON)
    grade: Mapped[int] = mapped_column(Integer)
    overridden: Mapped[bool] = mapped_column(Boolean)
    override_reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_assessment_referral_id_at", "referral_id", "at"),)


class Project(Base):
    """The current version of a case's individual project (PEI/PAI). ``version`` guards
    concurrent saves: UPDATE ... WHERE version = expected."""

    __tablename__ = "project"

    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer)
    objectives: Mapped[list] = mapped_column(JSON)
    actions: Mapped[list] = mapped_column(JSON)
    agreed_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(200))


class ProjectVersion(Base):
    """Every saved version of a project, as saved."""

    __tablename__ = "project_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    objectives: Mapped[list] = mapped_column(JSON)
    actions: Mapped[list] = mapped_column(JSON)
    agreed_on: Mapped[date | None] = mapped_column(Date)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    saved_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("referral_id", "version"),)


class ProjectAction(Base):
    """The actions of the current project version, one row each, for the worklist's query of
    overdue actions."""

    __tablename__ = "project_action"

    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True
    )
    action_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20))


class CaseClosure(Base):
    """Each closure of a case, and its reopening if any."""

    __tablename__ = "case_closure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)
    restitution_date: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_by: Mapped[str] = mapped_column(String(200))
    reopened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reopened_by: Mapped[str | None] = mapped_column(String(200))
    reopen_reason: Mapped[str | None] = mapped_column(Text)


class CommissionMeeting(Base):
    __tablename__ = "commission_meeting"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    location: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    minutes_by: Mapped[str | None] = mapped_column(String(200))


class CommissionMeetingComune(Base):
    """The comuni a meeting is for: it is visible to (and run by) coordinators whose scope
    covers all of them, and only cases of these comuni are proposed to it."""

    __tablename__ = "commission_meeting_comune"

    meeting_id: Mapped[str] = mapped_column(
        ForeignKey("commission_meeting.id", ondelete="CASCADE"), primary_key=True
    )
    comune_istat: Mapped[str] = mapped_column(String(6), primary_key=True)


class CaseAssignment(Base):
    """Every assignment of a case, in order: the referral holds the current one."""

    __tablename__ = "case_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    assigned_to: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    assigned_by: Mapped[str] = mapped_column(String(200))


class DuplicateCheck(Base):
    """One row per look for possible duplicates of a referral by an operator: the hourly limit
    counts them here, so it holds across processes."""

    __tablename__ = "duplicate_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor_sub: Mapped[str] = mapped_column(String(200))
    referral_id: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_duplicate_check_actor_sub_at", "actor_sub", "at"),)


class CommissionProposal(Base):
    __tablename__ = "commission_proposal"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(
        ForeignKey("commission_meeting.id", ondelete="CASCADE"), index=True
    )
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    comune_istat: Mapped[str] = mapped_column(String(6))
    kind: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    proposed_by: Mapped[str] = mapped_column(String(200))
    decision_notes: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200))


class AuditEvent(Base):
    """Append-only record of who read or touched a case file: no case content here. The table is
    the chassis ``audit_event`` (:mod:`abitare_chassis.audit`), the same in every service."""

    __table__ = add_audit_table(Base.metadata)


metadata = Base.metadata
outbox_table, inbox_table = add_chassis_tables(metadata)
