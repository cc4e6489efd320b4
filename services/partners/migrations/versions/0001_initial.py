"""Initial partners schema: partners, conventions, subscriptions, deliveries, the chassis outbox
and inbox; seeds the partners FWA, AFOL and ALER with their conventions (no subscriptions).

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

REFERRAL_RECEIVED = "intake.referral_received.v1"
DEMO_REFERENCE = (
    "Convenzione Agenzia per l'abitare – {name} (dati dimostrativi: "
    "riportare gli estremi dell'atto)"
)

PARTNERS = [
    {
        "code": "FWA",
        "name": "Fondazione Welfare Ambrosiano",
        "kind": "microcredito",
        "active": True,
    },
    {"code": "AFOL", "name": "AFOL Metropolitana", "kind": "orientamento_lavoro", "active": True},
    {"code": "ALER", "name": "ALER Milano", "kind": "edilizia_pubblica", "active": True},
]

ALLOWED_FIELDS = {
    "FWA": [
        "referral_id",
        "comune_istat",
        "comune_name",
        "received_at",
        "problem_reported",
        "housing_situation",
        "household.size",
        "household.minors",
        "economics.monthly_net_income_cents",
        "economics.monthly_rent_cents",
    ],
    "AFOL": ["referral_id", "comune_istat", "comune_name", "received_at", "household.size"],
    "ALER": [
        "referral_id",
        "comune_istat",
        "comune_name",
        "received_at",
        "housing_situation",
        "eviction_date",
        "household.size",
        "household.minors",
        "household.over_65",
    ],
}


def upgrade():
    partner = op.create_table(
        "partner",
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    convention = op.create_table(
        "convention",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "partner_code", sa.String(20), sa.ForeignKey("partner.code"), nullable=False, index=True
        ),
        sa.Column("allowed_event_types", sa.JSON, nullable=False),
        sa.Column("allowed_fields", sa.JSON, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=True),
        sa.Column("reference", sa.String(300), nullable=False),
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("partner_code", sa.String(20), sa.ForeignKey("partner.code"), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("partner_code", "event_type", name="uq_subscription_partner_event"),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("source_event_id", sa.String(36), nullable=False),
        sa.Column("partner_code", sa.String(20), sa.ForeignKey("partner.code"), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("referral_id", sa.String(36), nullable=True, index=True),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("source_event_id", "partner_code", name="uq_delivery_source_partner"),
    )
    create_chassis_tables()
    op.bulk_insert(partner, PARTNERS)
    op.bulk_insert(
        convention,
        [
            {
                "partner_code": p["code"],
                "allowed_event_types": [REFERRAL_RECEIVED],
                "allowed_fields": ALLOWED_FIELDS[p["code"]],
                "valid_from": date(2024, 1, 1),
                "valid_to": None,
                "reference": DEMO_REFERENCE.format(name=p["name"]),
            }
            for p in PARTNERS
        ],
    )


def downgrade():
    for table in (
        "inbox_message",
        "outbox_message",
        "delivery",
        "subscription",
        "convention",
        "partner",
    ):
        op.drop_table(table)


def create_chassis_tables():
    """The chassis outbox/inbox as of this revision (abitare_chassis.tables)."""
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("exchange", sa.String(200), nullable=False),
        sa.Column("routing_key", sa.String(200), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("handler", sa.String(200), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("event_id", "handler", name="uq_inbox_event_handler"),
    )
