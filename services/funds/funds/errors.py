"""Errors of the funds service. Each has a stable ``code`` the gateway translates; the message
is English, for logs only."""

from abitare_chassis.errors import Conflict, Forbidden, InvalidInput, NotFound


class FundsFileNotFound(NotFound):
    """No funds file for this referral, or not in the actor's comuni (same answer on purpose)."""

    code = "funds_file_not_found"


class FundsForbidden(Forbidden):
    """The actor's role may not do this on funds files (``domain.permissions``)."""

    code = "funds_forbidden"


class FundsFilePseudonymised(Conflict):
    """The case was pseudonymised (retention over): its funds file is kept for the counts and
    takes no new personal data."""

    code = "funds_file_pseudonymised"


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


# -- affitto: Fondo Affitto di Ambito ----------------------------------------------------------
class RentFundWindowNotFound(NotFound):
    """No such regulation or window, or not covering the actor's comuni (same answer)."""

    code = "rent_fund_window_not_found"


class RentFundApplicationNotFound(NotFound):
    """No such application, or not of the actor's comuni (same answer on purpose)."""

    code = "rent_fund_application_not_found"


class RentFundConflict(Conflict):
    """The step does not fit the window's or the application's state (``reason`` says why)."""

    code = "rent_fund_conflict"


class RentFundInvalid(InvalidInput):
    """A window or payment that cannot be (coded field errors), nothing stored."""

    code = "rent_fund_invalid"


class RentFundIdempotencyKeyReused(Conflict):
    """The Idempotency-Key was already used for a different application."""

    code = "rent_fund_idempotency_key_reused"


class ActionRequestInvalid(InvalidInput):
    """An ``intake.action_requested.v1`` funds cannot read (parked at once)."""

    code = "funds_action_request_invalid"


# -- ledger: the budget ledger (domain/ledger.py, usecases/ledger.py) ------------------------


class LedgerAmountInvalid(InvalidInput):
    """An amount that is not a whole positive number of cents within the ceiling."""

    code = "ledger_amount_invalid"


class LedgerLineInvalid(InvalidInput):
    """A budget line that cannot be opened (unknown fund or source, bad year, code taken...)."""

    code = "ledger_line_invalid"


class LedgerLineNotFound(NotFound):
    """No such budget line, or not in the actor's comuni (same answer on purpose)."""

    code = "ledger_line_not_found"


class LedgerMovementNotFound(NotFound):
    """No such movement on this line (the commitment to pay, the movement to correct)."""

    code = "ledger_movement_not_found"


class LedgerOverCommitment(Conflict):
    """A commitment (or a move out) above what the line still has available."""

    code = "ledger_over_commitment"


class LedgerPaymentAboveCommitment(Conflict):
    """A payment above what its commitment still has open (committed, not paid, not
    corrected)."""

    code = "ledger_payment_above_commitment"


class LedgerCorrectionInvalid(Conflict):
    """A correction above what the movement still has to reverse, of a movement that cannot be
    corrected, or that would break the line's totals."""

    code = "ledger_correction_invalid"


class LedgerMoveInvalid(Conflict):
    """A move from a line to itself."""

    code = "ledger_move_invalid"


class LedgerIdempotencyConflict(Conflict):
    """The idempotency key was already used for a different movement."""

    code = "ledger_idempotency_conflict"


class LedgerAboveProgrammed(Conflict):
    """An allocation above what the line's programme still foresees (programmato − ammesso)."""

    code = "ledger_above_programmed"


# -- morosità incolpevole: the eviction file and the contribution ------------------------------
class ArrearsStageTransitionInvalid(Conflict):
    """The eviction file cannot move from its current stage to the one asked (details:
    ``current``, ``requested``, ``allowed``): nothing recorded."""

    code = "arrears_stage_transition_invalid"


class ArrearsInputInvalid(InvalidInput):
    """Dates or amounts of the eviction file or the contribution that cannot be (a stage before
    the previous one, a grace period too long, a negative amount...): coded field errors."""

    code = "arrears_input_invalid"


class ArrearsFileNotFound(NotFound):
    """No arrears file for this referral, or not in the actor's comuni (same answer on
    purpose)."""

    code = "arrears_file_not_found"


class ArrearsFileExists(Conflict):
    """The referral already has an arrears file."""

    code = "arrears_file_exists"


class ArrearsFilePseudonymised(Conflict):
    """The arrears file was pseudonymised (retention over): kept for the counts, never
    written again."""

    code = "arrears_file_pseudonymised"


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
