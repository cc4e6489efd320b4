from abitare_chassis.migrate import run_migrations
from funds.adapters.models import metadata

run_migrations(metadata)
