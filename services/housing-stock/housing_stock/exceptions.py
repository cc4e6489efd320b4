"""Errors of the housing_stock service; the gateway maps them by class name."""
from abitare_chassis.errors import InvalidInput, NotFound


class HousingNeedNotFound(NotFound):
    """No housing need for this referral, or not in the actor's comuni (same answer on purpose)."""


class ReferralEventInvalid(InvalidInput):
    """A referral event lacks what a housing need needs (it is retried, then dead-lettered)."""
