from abitare_chassis.migrate import run_migrations

from funds.models import metadata

run_migrations(metadata)
