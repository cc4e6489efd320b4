"""Errors of the funds service. Each has a stable ``code`` the gateway translates; the message
is English, for logs only."""

from abitare_chassis.errors import Conflict, Forbidden, InvalidInput, NotFound


class FundsFileNotFound(NotFound):
    """No funds file for this referral, or not in the actor's comuni (same answer on purpose)."""

    code = "funds_file_not_found"


class FundsForbidden(Forbidden):
    """The actor's role may not do this on funds files (``domain.permissions``)."""

    code = "funds_forbidden"


class ReferralEventInvalid(InvalidInput):
    """A referral event lacks what a funds file needs (parked at once: retrying cannot fix it)."""

    code = "funds_referral_event_invalid"


# -- affitto: Fondo Affitto di Ambito -----------------------------------------------------------
class RegulationNotFound(NotFound):
    """No such Fondo Affitto regulation, or none covering the actor's comuni."""

    code = "rent_fund_regulation_not_found"


class WindowNotFound(NotFound):
    """No such window (bando), or none covering the actor's comuni."""

    code = "rent_fund_window_not_found"


class ApplicationNotFound(NotFound):
    """No such application, or not in the actor's comuni."""

    code = "rent_fund_application_not_found"


class RegulationInvalid(InvalidInput):
    """A regulation version with impossible values (coded field errors)."""

    code = "rent_fund_regulation_invalid"


class WindowInvalid(InvalidInput):
    """A window with impossible dates or budget, or outside its regulation's validity."""

    code = "rent_fund_window_invalid"


class ApplicationInvalid(InvalidInput):
    """An application with impossible figures (negative or fractional cents...)."""

    code = "rent_fund_application_invalid"


class WindowNotOpen(Conflict):
    """The window does not accept applications today (not yet open, closed, or ranked)."""

    code = "rent_fund_window_not_open"


class RegulationClosed(Conflict):
    """The window's regulation is no longer (or not yet) in force."""

    code = "rent_fund_regulation_closed"


class ApplicationNotDraft(Conflict):
    """The application was already submitted: it cannot be submitted or changed again."""

    code = "rent_fund_application_not_draft"


class ApplicationIdempotencyKeyReused(Conflict):
    """The same Idempotency-Key was sent before with a different application."""

    code = "rent_fund_idempotency_key_reused"


class RankingNotAllowed(Conflict):
    """The window cannot be ranked or approved in its current state."""

    code = "rent_fund_ranking_not_allowed"


class PaymentInvalid(Conflict):
    """A payment the application cannot take (not approved, above what was approved)."""

    code = "rent_fund_payment_invalid"
