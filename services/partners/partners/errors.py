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


# -- lender status (domain.lending) ------------------------------------------------------------
class LoanNotFound(NotFound):
    """No loan with this reference reported by this partner (a first report must be
    ``approved``)."""

    code = "loan_not_found"


class LoanExists(Conflict):
    """The loan was approved already: a new plan is ``rescheduled``."""

    code = "loan_exists"


class LoanClosed(Conflict):
    """The loan is repaid or written off: nothing follows."""

    code = "loan_closed"


class LenderStatusNotAllowed(Conflict):
    """The status does not follow from the loan's current state (``details``: state, status)."""

    code = "lender_status_not_allowed"


class LenderStatusIdReused(Conflict):
    """The partner's ``status_id`` names another report already stored."""

    code = "lender_status_id_reused"


class LenderStatusInvalid(InvalidInput):
    """The report's values break a rule of the loan or of its product (the field says which)."""

    code = "lender_status_invalid"


class LendingNotInConvention(Forbidden):
    """The partner has no convention in force offering this lending product."""

    code = "lending_not_in_convention"


class ConsentInvalid(InvalidInput):
    """The consent cannot be recorded or withdrawn as given (field errors say why)."""

    code = "consent_invalid"


class ConsentNotFound(NotFound):
    """No such consent, or not in the actor's comuni."""

    code = "consent_not_found"


class PartnerReferralRefused(InvalidInput):
    """The referral cannot be sent: the field error's code says why (partner unknown, convention
    not in force, service not offered, comune not covered, consent missing/withdrawn/expired).
    Nothing changes and nothing leaves the agency."""

    code = "partner_referral_refused"


class PartnerReferralNotFound(NotFound):
    """No such partner referral, or not the actor's (another partner's, another comune's)."""

    code = "partner_referral_not_found"


class PartnerReferralUpdateInvalid(InvalidInput):
    """The update is not possible in the referral's state, or the outcome is not one of its
    service (field errors say why). Nothing changes."""

    code = "partner_referral_update_invalid"


class ActionRequestInvalid(InvalidInput):
    """An ``intake.action_requested.v1`` lacks what a partner referral needs (parked at once)."""

    code = "partners_action_request_invalid"


class WebhookUrlInvalid(InvalidInput):
    """A webhook URL the agency will not call: not HTTPS, credentials in it, a host written as
    an ambiguous number, unresolvable, or on a private, loopback, link-local, multicast, reserved
    or unspecified address (SSRF). The field error's code says which (``domain.webhooks``)."""

    code = "webhook_url_invalid"


class WebhookEndpointNotFound(NotFound):
    """No webhook endpoint with this id for this partner."""

    code = "webhook_endpoint_not_found"


class WebhookEndpointExists(Conflict):
    """The partner already has a webhook endpoint at this URL (rotate its secret instead)."""

    code = "webhook_endpoint_exists"


class WebhookReplayInvalid(InvalidInput):
    """A replay names neither a time window (``from`` before ``to``) nor event ids."""

    code = "webhook_replay_invalid"
