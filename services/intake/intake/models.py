"""intake's tables. The chassis outbox/inbox tables join the same metadata at import, so the
Alembic migrations see them too."""
from __future__ import annotations

from datetime import date, datetime

from abitare_chassis.tables import add_chassis_tables
from sqlalchemy import (BigInteger, Date, DateTime, ForeignKey, Index, Integer, MetaData, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
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

    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="referral", cascade="all, delete-orphan",
        order_by="HouseholdMember.position", lazy="raise")

    __table_args__ = (
        UniqueConstraint("submitted_by", "idempotency_key"),
        # Scoped lists: WHERE comune_istat IN (...) ORDER BY received_at DESC, id DESC.
        Index("ix_referral_comune_istat_received_at", "comune_istat", "received_at", "id"),
        Index("ix_referral_received_at", "received_at", "id"),
    )


class HouseholdMember(Base):
    """A member of the referral's household, in the order given."""
    __tablename__ = "household_member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    codice_fiscale: Mapped[str] = mapped_column(String(16), index=True)   # uppercase
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    relation: Mapped[str] = mapped_column(String(30))

    referral: Mapped[Referral] = relationship(back_populates="members")


metadata = Base.metadata
outbox_table, inbox_table = add_chassis_tables(metadata)
