from abitare_chassis.migrate import run_migrations
from housing_stock.adapters.models import metadata

run_migrations(metadata)
