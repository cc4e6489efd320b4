"""Errors of the partners service. Each has a stable ``code`` the gateway translates; the message
is English, for logs only."""

from abitare_chassis.errors import Conflict, Forbidden, InvalidInput, NotFound


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
