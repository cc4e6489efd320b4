"""Errors of the partners service; the gateway maps them by class name."""
from abitare_chassis.errors import Forbidden, InvalidInput, NotFound


class PartnerNotFound(NotFound):
    """No partner with this code."""


class PartnerForbidden(Forbidden):
    """The actor may not manage partner subscriptions (coordinators and the system only)."""


class SubscriptionInvalid(InvalidInput):
    """The subscription is not allowed (no convention in force for that event type) or malformed."""


class ReferralEventInvalid(InvalidInput):
    """A referral event lacks what a delivery needs (it is retried, then dead-lettered)."""
