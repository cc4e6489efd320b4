"""Tables of the funds database (plus the chassis outbox/inbox)."""
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Text

from abitare_chassis.tables import add_chassis_tables
from abitare_chassis.types import UtcDateTime

metadata = MetaData()

funds_file = Table(
    "funds_file", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("referral_id", String(36), nullable=False, unique=True),
    Column("comune_istat", String(6), nullable=False, index=True),
    Column("household_size", Integer, nullable=True),
    Column("monthly_net_income_cents", Integer, nullable=True),
    Column("monthly_rent_cents", Integer, nullable=True),
    Column("referral_received_at", UtcDateTime(), nullable=True),
    Column("opened_at", UtcDateTime(), nullable=False),
    # affordability check; decimals as text ("0.2500") so they stay exact on every database
    Column("assessed_on", Date, nullable=False),
    Column("rent_to_income_ratio", String(16), nullable=True),
    Column("threshold", String(16), nullable=True),
    Column("threshold_valid_from", Date, nullable=True),
    Column("threshold_source", String(300), nullable=True),
    Column("outcome", String(20), nullable=False),
    Column("explanation", Text, nullable=False),
    Column("source_event_id", String(36), nullable=False),
)

add_chassis_tables(metadata)
