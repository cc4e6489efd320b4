"""The funds database as SQLAlchemy 2 ORM models; the chassis outbox/inbox and audit trail join
the same ``metadata`` so the Alembic migrations see them too."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, MetaData, String, Text
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


add_chassis_tables(metadata)
add_audit_table(metadata)
