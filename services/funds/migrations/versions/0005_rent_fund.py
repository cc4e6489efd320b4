"""affitto: Fondo Affitto di Ambito (regulations, windows, applications, payments), and the demo
regulation: the regional "Misura unica affitto" pattern (domain_rules.md §4.7) for the 9 comuni
of the Ambito di San Giuliano Milanese, with its legal references and the values to verify.

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

DGR = "DGR Lombardia XI/6970 del 19/9/2022 (Misura unica affitto)"
DEMO_REGULATION = {
    "id": "5a3b2e1c-0000-4000-8000-000000000001",
    "code": "ambito-sgm",
    "version": 1,
    "name": "Fondo Affitto di Ambito – schema regionale Misura unica affitto",
    "comuni": [
        "015195",
        "015192",
        "015050",
        "015071",
        "015082",
        "015101",
        "015140",
        "015202",
        "015244",
    ],
    "valid_from": date(2026, 1, 1),
    "valid_to": None,
    "approved_by": (
        "Schema dimostrativo dalla " + DGR + ": il regolamento dell'Ambito è da approvare "
        "(Assemblea dei sindaci)"
    ),
    "isee_ceiling_cents": 2_600_000,
    "rent_burden_threshold": "0.30",
    "min_lease_months": 6,
    "residence_required": True,
    "excluded_tenures": ["sap", "sat", "riscatto"],
    "exclude_eviction_procedure": True,
    "exclude_adequate_dwelling": True,
    "grant_share": "1",
    "grant_months": 10,
    "grant_cap_cents": 360_000,
    "paid_to": "proprietario",
    "required_documents": [
        "Attestazione ISEE in corso di validità",
        "Contratto di locazione registrato",
        "Documento d'identità del richiedente",
    ],
    "ranking": ["isee_asc", "grado_desc", "data_asc"],
    "legal_references": {
        "isee_ceiling_cents": DGR + ", requisiti: ISEE ≤ € 26.000",
        "rent_burden_threshold": (
            "C.A.S.A. San Giuliano Milanese, cartella stampa 2025 (canone sostenibile ≤ 30% "
            "del reddito); non previsto dalla DGR"
        ),
        "residence_required": DGR + ", requisiti: residenza nell'alloggio in locazione",
        "min_lease_months": DGR + ", requisiti: contratto registrato da almeno 6 mesi",
        "excluded_tenures": DGR + ": esclusi SAP, SAT e locazioni con patto di riscatto",
        "exclude_eviction_procedure": DGR + ": nessuna procedura di sfratto in corso",
        "exclude_adequate_dwelling": (
            DGR + ": nessun alloggio adeguato in proprietà in Regione Lombardia"
        ),
        "grant_months": DGR + ": fino a 10 mensilità",
        "grant_cap_cents": DGR + ": fino a € 3.600 per alloggio/contratto",
        "paid_to": DGR + ": contributo erogato al proprietario",
        "ranking": "Criterio proposto per il regolamento dell'Ambito (seeds 003)",
        "required_documents": "Criterio proposto per il regolamento dell'Ambito (seeds 003)",
    },
    # [S] in the research, not read in the act itself; the burden threshold and the ranking
    # are the agency's proposal: all shown "da verificare" until the ambito approves its own.
    "unverified": [
        "isee_ceiling_cents",
        "rent_burden_threshold",
        "min_lease_months",
        "grant_months",
        "grant_cap_cents",
        "ranking",
        "required_documents",
    ],
    "created_at": datetime(2026, 12, 2, tzinfo=UTC),
    "created_by": "system:seed",
}


def upgrade():
    regulation = op.create_table(
        "rent_fund_regulation",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("comuni", sa.JSON, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=True),
        sa.Column("approved_by", sa.String(300), nullable=False),
        sa.Column("isee_ceiling_cents", sa.Integer, nullable=False),
        sa.Column("rent_burden_threshold", sa.String(16), nullable=True),
        sa.Column("min_lease_months", sa.Integer, nullable=False),
        sa.Column("residence_required", sa.Boolean, nullable=False),
        sa.Column("excluded_tenures", sa.JSON, nullable=False),
        sa.Column("exclude_eviction_procedure", sa.Boolean, nullable=False),
        sa.Column("exclude_adequate_dwelling", sa.Boolean, nullable=False),
        sa.Column("grant_share", sa.String(16), nullable=False),
        sa.Column("grant_months", sa.Integer, nullable=False),
        sa.Column("grant_cap_cents", sa.Integer, nullable=False),
        sa.Column("paid_to", sa.String(20), nullable=False),
        sa.Column("required_documents", sa.JSON, nullable=False),
        sa.Column("ranking", sa.JSON, nullable=False),
        sa.Column("legal_references", sa.JSON, nullable=False),
        sa.Column("unverified", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("code", "version"),
    )
    op.create_table(
        "rent_fund_window",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "regulation_id",
            sa.String(36),
            sa.ForeignKey("rent_fund_regulation.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("opens_on", sa.Date, nullable=False),
        sa.Column("closes_on", sa.Date, nullable=False),
        sa.Column("budget_cents", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ranking_state", sa.String(20), nullable=True),
        sa.Column("ranking_total", sa.Integer, nullable=True),
        sa.Column("ranking_done", sa.Integer, nullable=True),
        sa.Column("ranking_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ranking_requested_by", sa.String(200), nullable=True),
        sa.Column("ranking_finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("funded_count", sa.Integer, nullable=True),
        sa.Column("funded_cents", sa.Integer, nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(200), nullable=True),
        sa.Column("committed_cents", sa.Integer, nullable=True),
    )
    op.create_table(
        "rent_fund_application",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("referral_id", sa.String(36), nullable=False, index=True),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
        sa.Column("window_id", sa.String(36), sa.ForeignKey("rent_fund_window.id"), nullable=True),
        sa.Column("regulation_id", sa.String(36), nullable=True),
        sa.Column("action_id", sa.String(36), nullable=True, unique=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("household_size", sa.Integer, nullable=True),
        sa.Column("isee_cents", sa.Integer, nullable=True),
        sa.Column("isee_kind", sa.String(20), nullable=True),
        sa.Column("isee_protocol", sa.String(60), nullable=True),
        sa.Column("monthly_rent_cents", sa.Integer, nullable=True),
        sa.Column("monthly_net_income_cents", sa.Integer, nullable=True),
        sa.Column("resident", sa.Boolean, nullable=True),
        sa.Column("lease_registered", sa.Boolean, nullable=True),
        sa.Column("lease_start", sa.Date, nullable=True),
        sa.Column("tenure", sa.String(20), nullable=True),
        sa.Column("eviction_procedure", sa.Boolean, nullable=True),
        sa.Column("owns_adequate_dwelling", sa.Boolean, nullable=True),
        sa.Column("documents", sa.JSON, nullable=False),
        sa.Column("casa_grade", sa.Integer, nullable=True),
        sa.Column("criteria", sa.JSON, nullable=True),
        sa.Column("eligibility", sa.String(20), nullable=True),
        sa.Column("grant", sa.JSON, nullable=True),
        sa.Column("grant_cents", sa.Integer, nullable=True),
        sa.Column("checked_on", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(200), nullable=True),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.Column("idempotency_hash", sa.String(64), nullable=True),
        sa.Column("rank_position", sa.Integer, nullable=True),
        sa.Column("rank_outcome", sa.String(30), nullable=True),
        sa.Column("approved_cents", sa.Integer, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("paid_cents", sa.Integer, nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=True),
        sa.UniqueConstraint("created_by", "idempotency_key"),
    )
    op.create_index(
        "ix_rent_fund_application_window_state", "rent_fund_application", ["window_id", "state"]
    )
    op.create_table(
        "rent_fund_payment",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "application_id",
            sa.String(36),
            sa.ForeignKey("rent_fund_application.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("paid_to", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.bulk_insert(regulation, [DEMO_REGULATION])


def downgrade():
    op.drop_table("rent_fund_payment")
    op.drop_index("ix_rent_fund_application_window_state", "rent_fund_application")
    op.drop_table("rent_fund_application")
    op.drop_table("rent_fund_window")
    op.drop_table("rent_fund_regulation")
