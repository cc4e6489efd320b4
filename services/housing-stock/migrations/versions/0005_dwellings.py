"""The inventory: dwellings (SAP, temporary apartments, private vacancies) with their state, the
placements of households in them, SAP tenancies with their charges and payments; with the demo
stock of the seeds (the two housing-sociale apartments of the Distretto Sociale Est Milano, five
units the operator rents for temporary stays, private vacancies found by C.A.S.A. in the Ambito
di San Giuliano Milanese, one SAP unit).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PIOLTELLO, SEGRATE, RODANO, VIMODRONE = "015175", "015205", "015185", "015242"
SGM, SAN_DONATO = "015195", "015192"
OPERATOR_RENTED = "Privato, locato dall'operatore del servizio"
SINCE = date(2026, 11, 1)
REGISTERED = datetime(2026, 12, 2, tzinfo=UTC)

# the two housing-sociale apartments' rules (seed 004), as housing_stock.domain.capacity reads
# them: Pioltello 4 adult men aged 18-65; Segrate single adult women and/or women with children
# (3 households of women with children, or 2 of them and 2-3 single women)
RULES = {
    "PIO-HS-01": [
        {"rule": "beds", "max": 4},
        {"rule": "sex", "allowed": ["M"]},
        {"rule": "age", "min": 18, "max": 65},
        {"rule": "household_types", "allowed": ["uomo_solo"]},
    ],
    "SEG-HS-01": [
        {"rule": "beds", "max": 9},
        {"rule": "sex", "allowed": ["F"]},
        {"rule": "household_types", "allowed": ["donna_sola", "donna_con_figli"]},
        {
            "rule": "arrangements",
            "options": [{"donna_con_figli": 3}, {"donna_con_figli": 2, "donna_sola": 3}],
        },
    ],
}

# code, tenure, owner, comune, name, address, bedrooms, m², floor, lift, step free, rent, charges,
# note
DEMO = (
    ("PIO-HS-01", "temporaneo", "Comune di Pioltello", PIOLTELLO, "Pioltello",
     "Via Roma 12", 2, 70, 1, False, False, 0, 0,
     "Housing sociale: 4 uomini adulti di età tra 18 e 65 anni"),
    ("SEG-HS-01", "temporaneo", "In comodato al Comune di Pioltello", SEGRATE, "Segrate",
     "Via Cassanese 40", 3, 95, 0, False, True, 0, 0,
     "Housing sociale: donne sole adulte e/o donne con bambini (3 nuclei di donne con bambini, "
     "oppure 2 nuclei e 2-3 donne sole)"),
    ("PIO-TMP-01", "temporaneo", OPERATOR_RENTED, PIOLTELLO, "Pioltello",
     "Via Mantova 3", 1, 48, 2, True, True, 8_000, 4_000, "Accoglienza temporanea"),
    ("PIO-TMP-02", "temporaneo", OPERATOR_RENTED, PIOLTELLO, "Pioltello",
     "Via Milano 88", 2, 62, 3, False, False, 10_000, 5_000, "Accoglienza temporanea"),
    ("ROD-TMP-01", "temporaneo", OPERATOR_RENTED, RODANO, "Rodano",
     "Via Turati 5", 2, 66, 0, False, True, 10_000, 5_000, "Accoglienza temporanea"),
    ("SEG-TMP-01", "temporaneo", OPERATOR_RENTED, SEGRATE, "Segrate",
     "Via Morandi 21", 3, 82, 1, True, True, 12_000, 6_000, "Accoglienza temporanea"),
    ("VIM-TMP-01", "temporaneo", OPERATOR_RENTED, VIMODRONE, "Vimodrone",
     "Via Piave 7", 1, 46, 2, False, False, 8_000, 4_000, "Accoglienza temporanea"),
    ("SGM-PRV-01", "sfitto_privato", "Proprietario privato", SGM, "San Giuliano Milanese",
     "Via Giuseppe Di Vittorio 15", 2, 68, 2, True, True, 52_000, 9_000,
     "Canone concordato, proprietario aderente all'agenzia"),
    ("SGM-PRV-02", "sfitto_privato", "Proprietario privato", SGM, "San Giuliano Milanese",
     "Via Emilia 101", 1, 50, 4, True, True, 43_000, 7_000, "Canone concordato"),
    ("SDM-PRV-01", "sfitto_privato", "Proprietario privato", SAN_DONATO, "San Donato Milanese",
     "Via Martiri di Cefalonia 9", 3, 88, 1, False, False, 68_000, 11_000, "Canone concordato"),
    ("SGM-SAP-01", "sap", "Comune di San Giuliano Milanese", SGM, "San Giuliano Milanese",
     "Via Trieste 2", 2, 61, 0, False, True, 15_000, 6_500, None),
)  # fmt: skip


def upgrade():
    dwelling = op.create_table(
        "dwelling",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("tenure", sa.String(20), nullable=False),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
        sa.Column("comune_name", sa.String(100), nullable=False),
        sa.Column("address", sa.String(200), nullable=True),
        sa.Column("bedrooms", sa.Integer, nullable=False),
        sa.Column("area_m2", sa.Integer, nullable=False),
        sa.Column("floor", sa.Integer, nullable=True),
        sa.Column("lift", sa.Boolean, nullable=False),
        sa.Column("step_free", sa.Boolean, nullable=False),
        sa.Column("monthly_rent_cents", sa.Integer, nullable=False),
        sa.Column("monthly_charges_cents", sa.Integer, nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("state_since", sa.Date, nullable=False),
        sa.Column("note", sa.String(300), nullable=True),
        sa.Column("capacity_rules", sa.JSON, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "placement",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dwelling_id", sa.Integer, sa.ForeignKey("dwelling.id"), nullable=False),
        sa.Column("referral_id", sa.String(36), nullable=False),
        sa.Column("household_size", sa.Integer, nullable=False),
        sa.Column("household_type", sa.String(20), nullable=True),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("max_end_on", sa.Date, nullable=True),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.Column("exit_destination", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_placement_dwelling_id", "placement", ["dwelling_id"])
    op.create_table(
        "sap_tenancy",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dwelling_id", sa.Integer, sa.ForeignKey("dwelling.id"), nullable=False),
        sa.Column("referral_id", sa.String(36), nullable=True),
        sa.Column("canone_applicato_cents", sa.Integer, nullable=False),
        sa.Column("monthly_services_cents", sa.Integer, nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sap_tenancy_dwelling_id", "sap_tenancy", ["dwelling_id"])
    op.create_index("ix_sap_tenancy_referral_id", "sap_tenancy", ["referral_id"])
    op.create_table(
        "tenancy_entry",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenancy_id", sa.Integer, sa.ForeignKey("sap_tenancy.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("booked_on", sa.Date, nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tenancy_entry_tenancy_id", "tenancy_entry", ["tenancy_id"])
    op.create_index("ix_placement_referral_id", "placement", ["referral_id"])
    names = (
        "code tenure owner comune_istat comune_name address bedrooms area_m2 floor lift "
        "step_free monthly_rent_cents monthly_charges_cents note"
    ).split()
    op.bulk_insert(
        dwelling,
        [
            {
                **dict(zip(names, row, strict=True)),
                "capacity_rules": RULES.get(row[0]),
                "version": 0,
                "state": "disponibile",
                "state_since": SINCE,
                "registered_at": REGISTERED,
            }
            for row in DEMO
        ],
    )


def downgrade():
    op.drop_table("tenancy_entry")
    op.drop_table("sap_tenancy")
    op.drop_table("placement")
    op.drop_table("dwelling")
