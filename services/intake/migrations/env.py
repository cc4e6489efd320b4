"""Alembic environment of intake: its tables plus the chassis outbox/inbox."""

from abitare_chassis.migrate import run_migrations
from intake.adapters.models import metadata

run_migrations(metadata)
