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
    assert [p["code"] for p in partners] == [
        "AFOL",
        "AGENZIA1",
        "ALER",
        "CAF",
        "EUREKA",
        "FUORILUOGHI",
        "FWA",
        "LIBERACOMPAGNIA",
        "MM",
    ]
    assert all(p["active"] for p in partners)
    assert set(conventions) == {p["code"] for p in partners}
    for code, row in conventions.items():
        assert (row["code"], row["version"], row["status"]) == (f"{code}-2024", 1, "attiva")
        assert str(row["valid_from"]) == "2024-01-01" and row["valid_to"] is None
        assert row["services"] and row["channels"] and row["response_days"] > 0
        assert "partners.partner_referral_created.v1" in row["grants"]
    referral = "intake.referral_received.v1"
    # the three conventions of 0001 keep what they delivered, now as the grant of that event
    assert "economics.monthly_rent_cents" in conventions["FWA"]["grants"][referral]["fields"]
    assert conventions["AFOL"]["grants"][referral]["fields"][-1] == "household.size"
    assert "eviction_date" in conventions["ALER"]["grants"][referral]["fields"]
    assert referral not in conventions["MM"]["grants"]
    assert conventions["MM"]["comuni"] == ["015146"]
    assert subscriptions == []
