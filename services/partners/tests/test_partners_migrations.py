"""The Alembic migrations build exactly the tables models.py describes and seed the partners."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from abitare_chassis import migrate
from abitare_chassis.database import make_engine
from partners.adapters.models import ConventionRow, Partner, Subscription, metadata
from partners.service import PartnersService


def test_migrations_match_the_models_and_seed_the_partners(db_url):
    migrate.upgrade(PartnersService.migrations_dir, db_url)
    migrate.upgrade(PartnersService.migrations_dir, db_url)  # a second run changes nothing
    partner, convention, subscription = (
        Partner.__table__,
        ConventionRow.__table__,
        Subscription.__table__,
    )
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
            partners = conn.execute(select(partner).order_by(partner.c.code)).mappings().all()
            conventions = {
                r["partner_code"]: r for r in conn.execute(select(convention)).mappings()
            }
            subscriptions = conn.execute(select(subscription)).all()
    finally:
        engine.dispose()
    assert [(p["code"], p["name"], p["active"]) for p in partners] == [
        ("AFOL", "AFOL Metropolitana", True),
        ("ALER", "ALER Milano", True),
        ("FWA", "Fondazione Welfare Ambrosiano", True),
    ]
    assert set(conventions) == {"AFOL", "ALER", "FWA"}
    for row in conventions.values():
        assert row["allowed_event_types"] == ["intake.referral_received.v1"]
        assert str(row["valid_from"]) == "2024-01-01" and row["valid_to"] is None
    assert "economics.monthly_rent_cents" in conventions["FWA"]["allowed_fields"]
    assert conventions["AFOL"]["allowed_fields"][-1] == "household.size"
    assert "eviction_date" in conventions["ALER"]["allowed_fields"]
    assert subscriptions == []
