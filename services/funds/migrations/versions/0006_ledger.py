"""ledger: the budget ledger (``ledger_line`` with CHECKed running totals, ``ledger_movement``
append-only by trigger on SQLite and PostgreSQL), and the demo lines: the seeds' three projects
to the cent and a demo 2026 Misura unica line of the San Giuliano ambito.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

APPEND_ONLY = "ledger_movement is append-only: record a correction instead"
NO_DELETE = "ledger_line is never deleted"

SEEDED_AT = datetime(2026, 12, 2, tzinfo=UTC)
SEEDED_BY = "system:demo"
DEMO_NAMESPACE = uuid.UUID("1ed9e000-0000-4000-8000-000000000000")

# (id, code, name, fund, action, year, source, source_act, comune, programmed, allocated,
#  committed, paid, where the figures come from)
DEMO_LINES = (
    (
        "1ed9e000-0000-4000-8000-000000000001",
        "sgm-2026-misura-unica-regione",
        "Misura unica affitto 2026 – Ambito di San Giuliano Milanese",
        "misura_unica",
        None,
        2026,
        "regione_lombardia",
        "Schema DGR Lombardia XI/6970 del 19/9/2022 (Misura unica affitto); riparto 2026 da "
        "verificare",
        "015195",
        18_000_000,
        18_000_000,
        0,
        0,
        "Dato dimostrativo: € 180.000,00 non vengono da un atto (riparto 2026 da verificare).",
    ),
    (
        "1ed9e000-0000-4000-8000-000000000002",
        "mi-pon-metro-mi4-aslm",
        "Agenzia Sociale per la Locazione Metropolitana",
        "progetto",
        "PON Metro MI4",
        2016,
        "pon_metro",
        "PON Metro 2014-2020, scheda progettuale MI4 (1/7/2016 – 31/10/2020)",
        "015146",
        151_464_844,
        151_464_844,
        132_698_000,
        44_964_643,
        "Seed 000, Avanzamento finanziario: programmato € 1.514.648,44, ammesso € 1.514.648,44, "
        "giuridicamente vincolante € 1.326.980,00, erogato € 449.646,43.",
    ),
    (
        "1ed9e000-0000-4000-8000-000000000003",
        "mi-pon-metro-hub-ospitalita",
        "Hub cittadino per l'ospitalità temporanea – Accompagnamento sociale",
        "progetto",
        "PON Metro",
        2017,
        "pon_metro",
        "PON Metro 2014-2020 (1/7/2017 – 31/12/2019); scheda da verificare",
        "015146",
        42_187_500,
        0,
        0,
        0,
        "Seed 002, Avanzamento finanziario: programmato € 421.875,00, ammesso € 0,00.",
    ),
    (
        "1ed9e000-0000-4000-8000-000000000004",
        "pioltello-sistema-unificato-azione-1",
        "Sistema unificato di sostegno all'abitare – Azione 1: governance",
        "progetto",
        "Azione 1",
        2018,
        "comune",
        "Bando di co-progettazione CIG 7336058293 (Pioltello, Rodano, Segrate, Vimodrone); "
        "fonte e anno da verificare",
        "015175",
        13_200_000,
        13_200_000,
        0,
        0,
        "Seed 004, Budget IVA esclusa: Azione 1 € 132.000,00.",
    ),
    (
        "1ed9e000-0000-4000-8000-000000000005",
        "pioltello-sistema-unificato-azione-2",
        "Sistema unificato di sostegno all'abitare – Azione 2",
        "progetto",
        "Azione 2",
        2018,
        "comune",
        "Bando di co-progettazione CIG 7336058293; fonte e anno da verificare",
        "015175",
        5_000_000,
        5_000_000,
        0,
        0,
        "Seed 004, Budget IVA esclusa: Azione 2 € 50.000,00.",
    ),
    (
        "1ed9e000-0000-4000-8000-000000000006",
        "pioltello-sistema-unificato-azione-3",
        "Sistema unificato di sostegno all'abitare – Azione 3 (fino a esaurimento del fondo)",
        "progetto",
        "Azione 3",
        2018,
        "comune",
        "Bando di co-progettazione CIG 7336058293; fonte e anno da verificare",
        "015175",
        10_952_761,
        10_952_761,
        0,
        0,
        "Seed 004, Budget IVA esclusa: Azione 3 € 109.527,61 (totale € 291.527,61).",
    ),
)


def demo_rows():
    """The lines and the movements whose sums they are (one per nonzero total)."""
    lines, movements = [], []
    for (
        line_id,
        code,
        name,
        fund,
        action,
        year,
        source,
        source_act,
        comune,
        programmed,
        allocated,
        committed,
        paid,
        origin,
    ) in DEMO_LINES:
        lines.append(
            {
                "id": line_id,
                "code": code,
                "name": name,
                "fund": fund,
                "action": action,
                "year": year,
                "source": source,
                "source_act": source_act,
                "comune_istat": comune,
                "programmed_cents": programmed,
                "allocated_cents": allocated,
                "committed_cents": committed,
                "paid_cents": paid,
                "version": 1,
                "opened_at": SEEDED_AT,
                "opened_by": SEEDED_BY,
            }
        )
        commitment_id = str(uuid.uuid5(DEMO_NAMESPACE, f"{code}:commitment"))
        for kind, amount, deltas in (
            ("programming", programmed, (programmed, 0, 0, 0)),
            ("allocation", allocated, (0, allocated, 0, 0)),
            ("commitment", committed, (0, 0, committed, 0)),
            ("payment", paid, (0, 0, 0, paid)),
        ):
            if not amount:
                continue
            movement_id = str(uuid.uuid5(DEMO_NAMESPACE, f"{code}:{kind}"))
            movements.append(
                {
                    "movement_id": movement_id,
                    "line_id": line_id,
                    "kind": kind,
                    "amount_cents": amount,
                    "programmed_delta_cents": deltas[0],
                    "allocated_delta_cents": deltas[1],
                    "committed_delta_cents": deltas[2],
                    "paid_delta_cents": deltas[3],
                    "commitment_id": commitment_id if kind == "payment" else None,
                    "corrects_id": None,
                    "related_id": None,
                    "source_kind": "demo",
                    "source_id": None,
                    "reason": origin,
                    "actor": SEEDED_BY,
                    "recorded_at": SEEDED_AT,
                    "idempotency_key": f"demo:{code}:{kind}",
                    "request_hash": None,
                }
            )
    return lines, movements


def upgrade():
    line = op.create_table(
        "ledger_line",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(80), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("fund", sa.String(40), nullable=False),
        sa.Column("action", sa.String(200), nullable=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("source_act", sa.String(300), nullable=True),
        sa.Column("comune_istat", sa.String(6), nullable=False, index=True),
        sa.Column("programmed_cents", sa.Integer, nullable=False),
        sa.Column("allocated_cents", sa.Integer, nullable=False),
        sa.Column("committed_cents", sa.Integer, nullable=False),
        sa.Column("paid_cents", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.CheckConstraint("allocated_cents >= 0", name="ck_ledger_line_allocated"),
        sa.CheckConstraint("committed_cents >= 0", name="ck_ledger_line_committed"),
        sa.CheckConstraint("paid_cents >= 0", name="ck_ledger_line_paid"),
        sa.CheckConstraint("committed_cents <= allocated_cents", name="ck_ledger_line_available"),
        sa.CheckConstraint("paid_cents <= committed_cents", name="ck_ledger_line_paid_committed"),
        sa.CheckConstraint(
            "allocated_cents <= programmed_cents", name="ck_ledger_line_allocated_programmed"
        ),
    )
    movement = op.create_table(
        "ledger_movement",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("movement_id", sa.String(36), nullable=False, unique=True),
        sa.Column("line_id", sa.String(36), sa.ForeignKey("ledger_line.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount_cents", sa.Integer, nullable=False),
        sa.Column("programmed_delta_cents", sa.Integer, nullable=False),
        sa.Column("allocated_delta_cents", sa.Integer, nullable=False),
        sa.Column("committed_delta_cents", sa.Integer, nullable=False),
        sa.Column("paid_delta_cents", sa.Integer, nullable=False),
        sa.Column("commitment_id", sa.String(36), nullable=True, index=True),
        sa.Column("corrects_id", sa.String(36), nullable=True, index=True),
        sa.Column("related_id", sa.String(36), nullable=True),
        sa.Column("source_kind", sa.String(40), nullable=True),
        sa.Column("source_id", sa.String(36), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=True, unique=True),
        sa.Column("request_hash", sa.String(64), nullable=True),
        sa.CheckConstraint("amount_cents > 0", name="ck_ledger_movement_amount"),
    )
    op.create_index("ix_ledger_movement_line", "ledger_movement", ["line_id", "id"])
    _install_append_only()
    lines, movements = demo_rows()
    op.bulk_insert(line, lines)
    op.bulk_insert(movement, movements)


def _install_append_only():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER ledger_movement_no_update BEFORE UPDATE ON ledger_movement "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )
        op.execute(
            "CREATE TRIGGER ledger_movement_no_delete BEFORE DELETE ON ledger_movement "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )
        op.execute(
            "CREATE TRIGGER ledger_line_no_delete BEFORE DELETE ON ledger_line "
            f"BEGIN SELECT RAISE(ABORT, '{NO_DELETE}'); END"
        )
    elif dialect == "postgresql":
        for table, message in (("ledger_movement", APPEND_ONLY), ("ledger_line", NO_DELETE)):
            op.execute(
                f"CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                f"RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege'; "
                "END $$"
            )
        op.execute(
            "CREATE TRIGGER ledger_movement_no_update_delete BEFORE UPDATE OR DELETE ON "
            "ledger_movement FOR EACH ROW EXECUTE FUNCTION ledger_movement_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER ledger_movement_no_truncate BEFORE TRUNCATE ON ledger_movement "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_movement_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER ledger_line_no_delete BEFORE DELETE ON ledger_line "
            "FOR EACH ROW EXECUTE FUNCTION ledger_line_refuse_change()"
        )
    else:
        raise NotImplementedError(f"append-only ledger not implemented for {dialect}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("ledger_movement_no_update", "ledger_movement_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TRIGGER IF EXISTS ledger_line_no_delete")
    elif dialect == "postgresql":
        for trigger in ("ledger_movement_no_update_delete", "ledger_movement_no_truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON ledger_movement")
        op.execute("DROP TRIGGER IF EXISTS ledger_line_no_delete ON ledger_line")
        op.execute("DROP FUNCTION IF EXISTS ledger_movement_refuse_change()")
        op.execute("DROP FUNCTION IF EXISTS ledger_line_refuse_change()")
    op.drop_index("ix_ledger_movement_line", "ledger_movement")
    op.drop_table("ledger_movement")
    op.drop_table("ledger_line")
