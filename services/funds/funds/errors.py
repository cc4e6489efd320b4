"""Errors of the funds service. Each has a stable ``code`` the gateway translates; the message
is English, for logs only."""

from abitare_chassis.errors import Forbidden, InvalidInput, NotFound


class FundsFileNotFound(NotFound):
    """No funds file for this referral, or not in the actor's comuni (same answer on purpose)."""

    code = "funds_file_not_found"


class FundsForbidden(Forbidden):
    """The actor's role may not do this on funds files (``domain.permissions``)."""

    code = "funds_forbidden"


class ReferralEventInvalid(InvalidInput):
    """A referral event lacks what a funds file needs (parked at once: retrying cannot fix it)."""

    code = "funds_referral_event_invalid"
