"""Errors of the housing_stock service. Each has a stable ``code`` the gateway translates; the
message is English, for logs only."""

from abitare_chassis.errors import Forbidden, InvalidInput, NotFound


class HousingNeedNotFound(NotFound):
    """No housing need for this referral, or not in the actor's comuni (same answer on purpose)."""

    code = "housing_need_not_found"


class HousingForbidden(Forbidden):
    """The actor's role may not do this on housing needs (``domain.permissions``)."""

    code = "housing_forbidden"


class ReferralEventInvalid(InvalidInput):
    """A referral event lacks what a housing need needs (parked at once: retrying cannot fix it)."""

    code = "housing_referral_event_invalid"
