"""Errors intake raises on purpose; nameko carries their class names to the caller."""
from abitare_chassis.errors import Forbidden, NotFound


class ReferralNotFound(NotFound):
    """No such referral, or not in the actor's comuni (same answer on purpose)."""


class ReferralForbidden(Forbidden):
    """The actor may not submit a referral for this comune."""
