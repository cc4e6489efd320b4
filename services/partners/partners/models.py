"""Tables of the partners database (plus the chassis outbox/inbox)."""
from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Integer, MetaData, String, Table,
                        UniqueConstraint)

from abitare_chassis.tables import add_chassis_tables
from abitare_chassis.types import UtcDateTime

metadata = MetaData()

partner = Table(
    "partner", metadata,
    Column("code", String(20), primary_key=True),          # "FWA"
    Column("name", String(200), nullable=False),
    Column("kind", String(60), nullable=False),            # "microcredito", ...
    Column("active", Boolean, nullable=False),
)

convention = Table(
    "convention", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partner_code", String(20), ForeignKey("partner.code"), nullable=False, index=True),
    Column("allowed_event_types", JSON, nullable=False),   # ["intake.referral_received.v1"]
    Column("allowed_fields", JSON, nullable=False),        # ["referral_id", "household.size"]
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=True),
    Column("reference", String(300), nullable=False),
)

subscription = Table(
    "subscription", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partner_code", String(20), ForeignKey("partner.code"), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(200), nullable=False),
    UniqueConstraint("partner_code", "event_type", name="uq_subscription_partner_event"),
)

delivery = Table(
    "delivery", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),   # the event the partner gets
    Column("source_event_id", String(36), nullable=False),         # the event it was made from
    Column("partner_code", String(20), ForeignKey("partner.code"), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("referral_id", String(36), nullable=True, index=True),
    Column("subject", String(200), nullable=True),
    Column("comune_istat", String(6), nullable=False, index=True),
    Column("fields", JSON, nullable=False),                        # dotted paths delivered
    Column("queued_at", UtcDateTime(), nullable=False),
    UniqueConstraint("source_event_id", "partner_code", name="uq_delivery_source_partner"),
)

add_chassis_tables(metadata)
