from abitare_chassis.migrate import run_migrations
from partners.adapters.models import metadata

run_migrations(metadata)
