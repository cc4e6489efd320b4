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


# -- isee: the ISEE aid ------------------------------------------------------------------------
class IseeInputInvalid(InvalidInput):
    """DSU figures that are impossible together (a child under 3 not a minor, two main homes, a
    property with no value...): coded field errors, nothing stored."""

    code = "isee_input_invalid"


class CertifiedIseeInvalid(InvalidInput):
    """A certified ISEE record that cannot be (expiry before issue, unknown type...)."""

    code = "certified_isee_invalid"


class CertifiedIseeDuplicate(InvalidInput):
    """The same INPS DSU protocol number is already recorded for this household."""

    code = "certified_isee_duplicate"


# -- garanzia: the landlord guarantee fund -----------------------------------------------------
class GuaranteeEntryRefused(InvalidInput):
    """The contract does not meet the guarantee fund's entry conditions; ``reasons`` says why,
    condition by condition (Italian). Nothing is stored."""

    code = "guarantee_entry_condition_not_met"

    def __init__(self, reasons, rent_to_gross_income: str | None = None):
        super().__init__(
            {},
            "the contract does not meet the guarantee fund's entry conditions",
            reasons=list(reasons),
            rent_to_gross_income=rent_to_gross_income,
        )


class GuaranteeInputInvalid(InvalidInput):
    """An enrolment, claim, plan or instalment mark that cannot be (a claim outside the cover,
    no terms in force on the date, a plan too short...): coded field errors, nothing stored."""

    code = "guarantee_input_invalid"


class GuaranteeCoverNotFound(NotFound):
    """No such cover on this case, or not in the actor's comuni (same answer on purpose)."""

    code = "guarantee_cover_not_found"


class GuaranteeClaimNotFound(NotFound):
    """No such claim on this case, or not in the actor's comuni (same answer on purpose)."""

    code = "guarantee_claim_not_found"


class GuaranteeClaimNotPayable(Conflict):
    """The claim is not filed any more (paid or refused), or its plan exists already."""

    code = "guarantee_claim_not_payable"


class GuaranteeIdempotencyKeyReused(InvalidInput):
    """The idempotency key was already used by this actor with a different request."""

    code = "guarantee_idempotency_key_reused"
