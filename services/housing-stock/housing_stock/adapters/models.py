"""The housing_stock database as SQLAlchemy 2 ORM models; the chassis outbox/inbox and audit trail
join the same ``metadata`` so the Alembic migrations see them too."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from abitare_chassis.audit import add_audit_table
from abitare_chassis.tables import add_chassis_tables
from abitare_chassis.types import UtcDateTime


class Base(DeclarativeBase):
    metadata = MetaData()


metadata = Base.metadata


class HousingNeed(Base):
    """The housing need of one referred household."""

    __tablename__ = "housing_need"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(String(36), unique=True)
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    comune_name: Mapped[str | None] = mapped_column(String(100))
    household_size: Mapped[int | None] = mapped_column(Integer)
    minors: Mapped[int | None] = mapped_column(Integer)
    over_65: Mapped[int | None] = mapped_column(Integer)
    housing_situation: Mapped[str | None] = mapped_column(String(60))
    eviction_date: Mapped[date | None] = mapped_column(Date)
    min_bedrooms: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source_event_id: Mapped[str] = mapped_column(String(36))
    # intake.case_pseudonymised.v1: the eviction date reduced to its month
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


add_chassis_tables(metadata)
add_audit_table(metadata)
