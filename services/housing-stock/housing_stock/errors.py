"""Errors of the housing_stock service. Each has a stable ``code`` the gateway translates; the
message is English, for logs only."""

from abitare_chassis.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion


class HousingNeedNotFound(NotFound):
    """No housing need for this referral, or not in the actor's comuni (same answer on purpose)."""

    code = "housing_need_not_found"


class HousingForbidden(Forbidden):
    """The actor's role may not do this on housing needs (``domain.permissions``)."""

    code = "housing_forbidden"


class ReferralEventInvalid(InvalidInput):
    """A referral event lacks what a housing need needs (parked at once: retrying cannot fix it)."""

    code = "housing_referral_event_invalid"


# -- the housing rules (domain/: SAP access, SAT, occupancy, matching, arrears) ----------------
class HousingRuleInputInvalid(InvalidInput):
    """Figures a housing rule cannot assess (negative cents or m², a household of no one, dates
    out of order): coded field errors, nothing computed."""

    code = "housing_rule_input_invalid"


class HousingParameterNotInForce(NotFound):
    """No value of a housing parameter is in force on the day a rule is applied to."""

    code = "housing_parameter_not_in_force"


# -- the inventory: dwellings and placements (usecases/dwellings.py) ---------------------------
class DwellingNotFound(NotFound):
    """No dwelling with this code, or not in the actor's comuni (same answer on purpose)."""

    code = "housing_dwelling_not_found"


class DwellingInvalid(InvalidInput):
    """A dwelling, a state change or a placement that cannot be: coded field errors, nothing
    changed."""

    code = "housing_dwelling_invalid"


class DwellingExists(Conflict):
    """A dwelling with this code is already in the inventory."""

    code = "housing_dwelling_exists"


class DwellingNotAvailable(Conflict):
    """The dwelling is not free (another placement took it first, or it is not available)."""

    code = "housing_dwelling_not_available"


class PlacementNotFound(NotFound):
    """No open placement with this id in the actor's comuni."""

    code = "housing_placement_not_found"


class PlacementRefused(Conflict):
    """The placement breaks the apartment's capacity or admission rules (``reasons``, Italian,
    one per rule broken): nothing changed."""

    code = "housing_placement_refused"


class DwellingChanged(StaleVersion):
    """Another placement or exit changed the dwelling while this one was checked: reload and
    retry (the rules are checked again on the new state)."""

    code = "housing_dwelling_changed"


class TenancyNotFound(NotFound):
    """No SAP tenancy with this id in the actor's comuni."""

    code = "housing_tenancy_not_found"
