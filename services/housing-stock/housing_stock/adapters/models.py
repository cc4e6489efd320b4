"""The housing_stock database as SQLAlchemy 2 ORM models; the chassis outbox/inbox and audit trail
join the same ``metadata`` so the Alembic migrations see them too."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, MetaData, String
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


class Dwelling(Base):
    """A dwelling of the inventory (SAP, temporary apartment, private vacancy) and its state."""

    __tablename__ = "dwelling"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    tenure: Mapped[str] = mapped_column(String(20))  # domain.matching.UNIT_KINDS
    owner: Mapped[str] = mapped_column(String(120))
    comune_istat: Mapped[str] = mapped_column(String(6), index=True)
    comune_name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    bedrooms: Mapped[int] = mapped_column(Integer)
    area_m2: Mapped[int] = mapped_column(Integer)
    floor: Mapped[int | None] = mapped_column(Integer)
    lift: Mapped[bool] = mapped_column(Boolean)
    step_free: Mapped[bool] = mapped_column(Boolean)
    monthly_rent_cents: Mapped[int] = mapped_column(Integer)
    monthly_charges_cents: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(30))  # domain.dwellings.STATES
    state_since: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300))  # e.g. who the apartment hosts
    # a temporary apartment's capacity and admission rules (domain.capacity); None: one household
    capacity_rules: Mapped[list | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)  # +1 on every placement and exit
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Placement(Base):
    """A household placed in a dwelling (inserimento), from its start to its exit."""

    __tablename__ = "placement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dwelling_id: Mapped[int] = mapped_column(ForeignKey("dwelling.id"), index=True)
    referral_id: Mapped[str] = mapped_column(String(36), index=True)
    household_size: Mapped[int] = mapped_column(Integer)
    household_type: Mapped[str | None] = mapped_column(String(20))  # domain.capacity types
    starts_on: Mapped[date] = mapped_column(Date)
    max_end_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    exit_destination: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class SapTenancy(Base):
    """The assignment of a SAP dwelling to a household: its rents, from start to end."""

    __tablename__ = "sap_tenancy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dwelling_id: Mapped[int] = mapped_column(ForeignKey("dwelling.id"), index=True)
    referral_id: Mapped[str | None] = mapped_column(String(36), index=True)  # when a case exists
    canone_applicato_cents: Mapped[int] = mapped_column(Integer)
    monthly_services_cents: Mapped[int] = mapped_column(Integer)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TenancyEntry(Base):
    """A charge (rent and services due) or a payment on a SAP tenancy, in integer cents."""

    __tablename__ = "tenancy_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenancy_id: Mapped[int] = mapped_column(ForeignKey("sap_tenancy.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "addebito" or "pagamento"
    booked_on: Mapped[date] = mapped_column(Date)  # due date of a charge, day of a payment
    amount_cents: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


add_chassis_tables(metadata)
add_audit_table(metadata)
