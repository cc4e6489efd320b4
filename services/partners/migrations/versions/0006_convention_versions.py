"""conventions as versions (code + version), with their kind, services, comuni covered, status,
response time, delivery channels, and per event type the fields allowed and their purpose
(``grants``, replacing the single ``allowed_event_types``/``allowed_fields`` pair); seeds the rest
of the demo network (MM, a CAF, three cooperatives, an accredited estate agency) and gives the
three partners of 0001 their services.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

REFERRAL_RECEIVED = "intake.referral_received.v1"
PARTNER_REFERRAL_CREATED = "partners.partner_referral_created.v1"
PARTNER_REFERRAL_WITHDRAWN = "partners.partner_referral_withdrawn.v1"
CASE_OPENED = "intake.case_opened.v1"
CASE_CLOSED = "intake.case_closed.v1"
DEMO_REFERENCE = (
    "Convenzione Agenzia per l'abitare – {name} (dati dimostrativi: "
    "riportare gli estremi dell'atto; da verificare)"
)
SEEDED_AT = datetime(2026, 12, 2, tzinfo=UTC)

# What every partner that takes referrals receives of one (the referral's own ids and dates,
# the service, the household's counts); the personal fields are added per convention below.
REFERRAL_BASE = [
    "partner_referral_id",
    "household_ref",
    "service",
    "comune_istat",
    "comune_name",
    "sent_at",
    "respond_by",
    "household.size",
    "household.minors",
    "household.over_65",
]
PERSONAL = ["household.members", "contact.phone"]
ECONOMICS = ["economics.monthly_net_income_cents", "economics.monthly_rent_cents"]
CASE_STATUS = ["household_ref", "comune_istat", "status", "at"]
WITHDRAWN = ["partner_referral_id", "household_ref", "service", "withdrawn_at", "reason"]


def referral_grants(extra: list[str], purpose: str) -> dict:
    return {
        PARTNER_REFERRAL_CREATED: {"fields": REFERRAL_BASE + extra, "purpose": purpose},
        PARTNER_REFERRAL_WITHDRAWN: {"fields": WITHDRAWN, "purpose": purpose},
        CASE_OPENED: {"fields": CASE_STATUS, "purpose": "sapere che il nucleo è in carico"},
        CASE_CLOSED: {"fields": CASE_STATUS, "purpose": "chiudere il percorso a fine progetto"},
    }


# partner code -> (name, kind) for the partners this revision adds
NEW_PARTNERS = {
    "MM": ("MM S.p.A. – Servizi abitativi del Comune di Milano", "edilizia_pubblica"),
    "CAF": ("CAF convenzionato (dimostrativo)", "caf"),
    "EUREKA": ("Eureka! Cooperativa sociale", "cooperativa_sociale"),
    "FUORILUOGHI": ("Fuoriluoghi Cooperativa sociale", "cooperativa_sociale"),
    "LIBERACOMPAGNIA": (
        "Libera Compagnia di Arti & Mestieri Sociali Cooperativa sociale",
        "cooperativa_sociale",
    ),
    "AGENZIA1": ("Agenzia immobiliare accreditata (dimostrativa)", "agenzia_immobiliare"),
}

# partner code -> the convention's columns besides the ids (version 1 of "<code>-2024")
CONVENTIONS = {
    "FWA": {
        "kind": "convenzione",
        "title": "Microcredito, anticipazione sociale, consulenza sul debito, mutua sanitaria",
        "services": [
            "microcredito",
            "anticipazione_sociale",
            "consulenza_debiti",
            "mutua_sanitaria",
        ],
        "comuni": [],
        "response_days": 10,
        "channels": ["amqp", "webhook"],
        "extra_grants": PERSONAL + ECONOMICS,
        "purpose": "istruire la richiesta di microcredito o di anticipazione sociale",
    },
    "AFOL": {
        "kind": "accordo_art15",
        "title": "Orientamento al lavoro e formazione",
        "services": ["orientamento_lavoro", "formazione"],
        "comuni": [],
        "response_days": 15,
        "channels": ["amqp"],
        "extra_grants": PERSONAL,
        "purpose": "fissare il colloquio di orientamento al lavoro",
    },
    "ALER": {
        "kind": "accordo_art15",
        "title": "Alloggi dei servizi abitativi pubblici",
        "services": ["alloggio_sap"],
        "comuni": [],
        "response_days": 30,
        "channels": ["amqp"],
        "extra_grants": PERSONAL + ECONOMICS,
        "purpose": "istruire l'assegnazione di un alloggio SAP",
    },
    "MM": {
        "kind": "convenzione",
        "title": "Alloggi dei servizi abitativi pubblici del Comune di Milano",
        "services": ["alloggio_sap"],
        "comuni": ["015146"],
        "response_days": 30,
        "channels": ["amqp"],
        "extra_grants": PERSONAL + ECONOMICS,
        "purpose": "istruire l'assegnazione di un alloggio SAP a Milano",
    },
    "CAF": {
        "kind": "convenzione",
        "title": "Pratiche ISEE e assistenza sui contratti a canone concordato",
        "services": ["pratica_isee", "assistenza_legale"],
        "comuni": [],
        "response_days": 10,
        "channels": ["amqp", "webhook"],
        "extra_grants": PERSONAL + ECONOMICS,
        "purpose": "preparare la DSU per l'ISEE o il contratto a canone concordato",
    },
    "EUREKA": {
        "kind": "protocollo_intesa",
        "title": "Equipe Trasversale per l'Autonomia: accompagnamento e mediazione",
        "services": ["accompagnamento_autonomia", "mediazione"],
        "comuni": [],
        "response_days": 15,
        "channels": ["amqp"],
        "extra_grants": PERSONAL,
        "purpose": "accompagnare il nucleo verso l'autonomia abitativa",
    },
    "FUORILUOGHI": {
        "kind": "protocollo_intesa",
        "title": "Equipe Trasversale per l'Autonomia: accompagnamento",
        "services": ["accompagnamento_autonomia"],
        "comuni": [],
        "response_days": 15,
        "channels": ["amqp"],
        "extra_grants": PERSONAL,
        "purpose": "accompagnare il nucleo verso l'autonomia abitativa",
    },
    "LIBERACOMPAGNIA": {
        "kind": "protocollo_intesa",
        "title": "Equipe Trasversale per l'Autonomia: accompagnamento e mediazione",
        "services": ["accompagnamento_autonomia", "mediazione"],
        "comuni": [],
        "response_days": 15,
        "channels": ["amqp"],
        "extra_grants": PERSONAL,
        "purpose": "accompagnare il nucleo verso l'autonomia abitativa",
    },
    "AGENZIA1": {
        "kind": "protocollo_intesa",
        "title": "Ricerca di alloggi sul mercato privato a canone concordato",
        "services": ["ricerca_alloggio"],
        "comuni": ["015195", "015192", "015050"],
        "response_days": 20,
        "channels": ["webhook"],
        "extra_grants": ["contact.phone"],
        "purpose": "proporre alloggi in locazione al nucleo",
    },
}


def upgrade():
    with op.batch_alter_table("convention") as batch:
        batch.add_column(sa.Column("code", sa.String(40), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer, nullable=True))
        batch.add_column(sa.Column("kind", sa.String(30), nullable=True))
        batch.add_column(sa.Column("title", sa.String(300), nullable=True))
        batch.add_column(sa.Column("grants", sa.JSON, nullable=True))
        batch.add_column(sa.Column("services", sa.JSON, nullable=True))
        batch.add_column(sa.Column("comuni", sa.JSON, nullable=True))
        batch.add_column(sa.Column("status", sa.String(20), nullable=True))
        batch.add_column(sa.Column("status_reason", sa.String(300), nullable=True))
        batch.add_column(sa.Column("response_days", sa.Integer, nullable=True))
        batch.add_column(sa.Column("channels", sa.JSON, nullable=True))
        batch.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("recorded_by", sa.String(200), nullable=True))

    conn = op.get_bind()
    convention = sa.table(
        "convention",
        *(
            sa.column(name, kind)
            for name, kind in (
                ("id", sa.Integer),
                ("partner_code", sa.String),
                ("allowed_event_types", sa.JSON),
                ("allowed_fields", sa.JSON),
                ("code", sa.String),
                ("version", sa.Integer),
                ("kind", sa.String),
                ("title", sa.String),
                ("grants", sa.JSON),
                ("services", sa.JSON),
                ("comuni", sa.JSON),
                ("status", sa.String),
                ("status_reason", sa.String),
                ("response_days", sa.Integer),
                ("channels", sa.JSON),
                ("recorded_at", sa.DateTime),
                ("recorded_by", sa.String),
                ("valid_from", sa.Date),
                ("valid_to", sa.Date),
                ("reference", sa.String),
            )
        ),
    )
    partner = sa.table(
        "partner",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("active", sa.Boolean),
    )
    existing = conn.execute(
        sa.select(
            convention.c.id,
            convention.c.partner_code,
            convention.c.allowed_event_types,
            convention.c.allowed_fields,
        ).order_by(convention.c.id)
    ).all()
    seen: dict[str, int] = {}
    for row_id, code, event_types, fields in existing:
        seen[code] = seen.get(code, 0) + 1
        spec = CONVENTIONS.get(code, {})
        grants = {t: {"fields": list(fields), "purpose": ""} for t in event_types}
        if spec:
            grants.update(referral_grants(spec["extra_grants"], spec["purpose"]))
            grants[REFERRAL_RECEIVED]["purpose"] = "conoscere le nuove segnalazioni del territorio"
        conn.execute(
            convention.update()
            .where(convention.c.id == row_id)
            .values(
                code=f"{code}-2024" if seen[code] == 1 else f"{code}-2024-{seen[code]}",
                version=1,
                kind=spec.get("kind", "convenzione"),
                title=spec.get("title", ""),
                grants=grants,
                services=spec.get("services", []),
                comuni=spec.get("comuni", []),
                status="attiva",
                response_days=spec.get("response_days", 15),
                channels=spec.get("channels", ["amqp"]),
                recorded_at=SEEDED_AT,
                recorded_by="system:migration",
            )
        )

    present = set(conn.scalars(sa.select(partner.c.code)))
    for code, (name, kind) in NEW_PARTNERS.items():
        if code in present:
            continue
        conn.execute(partner.insert().values(code=code, name=name, kind=kind, active=True))
        spec = CONVENTIONS[code]
        conn.execute(
            convention.insert().values(
                partner_code=code,
                allowed_event_types=[],  # dropped below
                allowed_fields=[],
                code=f"{code}-2024",
                version=1,
                kind=spec["kind"],
                title=spec["title"],
                grants=referral_grants(spec["extra_grants"], spec["purpose"]),
                services=spec["services"],
                comuni=spec["comuni"],
                status="attiva",
                response_days=spec["response_days"],
                channels=spec["channels"],
                valid_from=date(2024, 1, 1),
                valid_to=None,
                reference=DEMO_REFERENCE.format(name=name),
                recorded_at=SEEDED_AT,
                recorded_by="system:migration",
            )
        )

    with op.batch_alter_table("convention") as batch:
        for name in ("code", "version", "kind", "title", "grants", "services", "comuni"):
            batch.alter_column(name, nullable=False)
        for name in ("status", "response_days", "channels", "recorded_at", "recorded_by"):
            batch.alter_column(name, nullable=False)
        batch.drop_column("allowed_event_types")
        batch.drop_column("allowed_fields")
        batch.create_unique_constraint("uq_convention_code_version", ["code", "version"])


def downgrade():
    raise NotImplementedError("conventions cannot go back to one field list for every event")
