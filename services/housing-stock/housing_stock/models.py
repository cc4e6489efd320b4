"""Tables of the housing_stock database (plus the chassis outbox/inbox)."""
from sqlalchemy import Column, Date, Integer, MetaData, String, Table

from abitare_chassis.tables import add_chassis_tables
from abitare_chassis.types import UtcDateTime

metadata = MetaData()

housing_need = Table(
    "housing_need", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("referral_id", String(36), nullable=False, unique=True),
    Column("comune_istat", String(6), nullable=False, index=True),
    Column("comune_name", String(100), nullable=True),
    Column("household_size", Integer, nullable=True),
    Column("minors", Integer, nullable=True),
    Column("over_65", Integer, nullable=True),
    Column("housing_situation", String(60), nullable=True),
    Column("eviction_date", Date, nullable=True),
    Column("min_bedrooms", Integer, nullable=True),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("source_event_id", String(36), nullable=False),
)

add_chassis_tables(metadata)
