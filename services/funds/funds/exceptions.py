"""Errors of the funds service; the gateway maps them by class name."""
from abitare_chassis.errors import InvalidInput, NotFound


class FundsFileNotFound(NotFound):
    """No funds file for this referral, or not in the actor's comuni (same answer on purpose)."""


class ReferralEventInvalid(InvalidInput):
    """A referral event lacks what a funds file needs (it is retried, then dead-lettered)."""
