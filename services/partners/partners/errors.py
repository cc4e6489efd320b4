"""Errors of the partners service. Each has a stable ``code`` the gateway translates; the message
is English, for logs only."""

from abitare_chassis.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion


class PartnerNotFound(NotFound):
    """No partner with this code."""

    code = "partner_not_found"


class PartnerForbidden(Forbidden):
    """The actor's role may not do this (``domain.permissions``): only coordinators and the system
    manage partner subscriptions."""

    code = "partner_forbidden"


class SubscriptionInvalid(InvalidInput):
    """The subscription is not allowed: the partner is inactive, or no convention in force
    provides for that event type. The field error's code says which."""

    code = "subscription_invalid"


class ReferralEventInvalid(InvalidInput):
    """A referral event lacks what a delivery needs (parked at once: retrying cannot fix it)."""

    code = "partners_referral_event_invalid"


class ConventionNotFound(NotFound):
    """No convention with this code."""

    code = "convention_not_found"


class ConventionVersionConflict(StaleVersion):
    """The convention changed since the caller read it: ``expected_version`` is not the current
    version (``current_version``). Reload and edit again."""

    code = "convention_version_conflict"


class ConventionStatusConflict(Conflict):
    """Suspending a suspended convention, or resuming one that is not suspended."""

    code = "convention_status_conflict"


class ConventionUnchanged(Conflict):
    """The edit changes nothing of the current version: no new version is recorded."""

    code = "convention_unchanged"


class ConventionInvalid(InvalidInput):
    """The edit is not a valid convention: the field errors say which column and why (unknown
    service, event type or field, validity the wrong way round, ...)."""

    code = "convention_invalid"
