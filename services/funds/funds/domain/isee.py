"""ISEE aid: an *estimate* of ISE and ISEE from the DSU figures an operator enters, with every
intermediate value (domain_rules.md §1.8), and the choice of the ISEE that applies to a household
on a day (a certified one when valid, else the estimate).

The estimate is never a certified ISEE: only INPS certifies one (attestazione with its DSU
protocol number); the agency records a certified ISEE separately. Every coefficient, threshold
and deduction is a dated parameter (:data:`.parameters.ISEE_PARAMETERS`) chosen on the
estimate's reference date and regime ("ordinario" for housing measures; the 2026 family
measures of L. 199/2025 have their own franchigia casa and maggiorazioni).

Money is integer cents. Rounding: every product of an amount and a rate or fraction (20%
deductions, reddito figurativo, 2/3 of the home's excess, 20% of ISP) and ISEE = ISE / scala is
rounded half-up to the cent as soon as it is computed.

Formula (DPCM 159/2013):

- per member: income (IRPEF, exempt, maintenance received, foreign; disability benefits are
  left out by the operator) − min(20% employment income, 3.000) − min(20% pensions, 1.000) −
  maintenance paid, floored at 0;
- ISR = Σ members + reddito figurativo (financial assets other than deposits, excluding the
  state bonds' exempt part) − rent of a registered lease up to 7.000 (+500 per child after the
  second), floored at 0;
- ISP = real estate (IMU value − mortgage per property, floored at 0; the home the nucleo lives
  in counts for 2/3 of what exceeds the franchigia) + financial assets (max of year-end and
  average balances of deposits + other assets − state bonds up to 50.000 − franchigia);
- ISE = ISR + 20% ISP; scala = base(n) + maggiorazioni; ISEE = ISE / scala.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from ..errors import IseeInputInvalid
from .parameters import ORDINARY, IseeParameter, isee_parameter_on

ESTIMATED = "stimato"
CERTIFIED = "certificato"

# member relations in the nucleo
PARENT, CHILD, OTHER = "genitore", "figlio", "altro"
RELATIONS = (PARENT, CHILD, OTHER)
# disability levels; every level but "nessuna" adds 0,5 to the scala (DL 42/2016)
NO_DISABILITY = "nessuna"
DISABILITIES = (NO_DISABILITY, "media", "grave", "non_autosufficienza")
# types of a certified ISEE (INPS attestazione)
CERTIFIED_TYPES = (
    "ordinario",
    "corrente",
    "minorenni",
    "universitario",
    "sociosanitario",
    "sociosanitario_residenziale",
)
# cadastral category -> IMU multiplier group
_CATEGORY_GROUPS = {"A/10": "A10", "D/5": "D5", "C/1": "C1"}
_CATEGORY_GROUPS.update({f"C/{n}": "C2_C6_C7" for n in (2, 6, 7)})
_CATEGORY_GROUPS.update({f"C/{n}": "C3_C4_C5" for n in (3, 4, 5)})
CADASTRAL_CATEGORIES = (
    *(f"A/{n}" for n in range(1, 12)),
    *(f"B/{n}" for n in range(1, 9)),
    *(f"C/{n}" for n in range(1, 8)),
    *(f"D/{n}" for n in range(1, 11)),
)

MEMBER_INCOMES = (
    "employment_income_cents",
    "pension_income_cents",
    "other_income_cents",
    "exempt_income_cents",
    "maintenance_received_cents",
    "foreign_income_cents",
)


def imu_group(category: str) -> str:
    """``"A/2"`` -> ``"A"``; ``"C/6"`` -> ``"C2_C6_C7"``..."""
    return _CATEGORY_GROUPS.get(category, category.split("/", 1)[0])


def _round(value) -> int:
    """Half-up to the cent (``value`` in cents, an exact int, Fraction or Decimal)."""
    value = Fraction(value)
    rounded = math.floor(abs(value) + Fraction(1, 2))
    return rounded if value >= 0 else -rounded


def _exact(p: IseeParameter) -> Fraction:
    return Fraction(p.value) / p.denominator


class _Parameters:
    """The parameters of one estimate (its date and regime); remembers which it used."""

    def __init__(self, on: date, regime: str):
        self.on, self.regime = on, regime
        self.used: dict[str, IseeParameter] = {}

    def __call__(self, name: str) -> Fraction:
        found = isee_parameter_on(name, self.on, self.regime)
        if found is None:
            return Fraction(0)  # not in force on that day (e.g. the state-bond exclusion)
        self.used[name] = found
        return _exact(found)

    def cents(self, name: str) -> int:
        return int(self(name))

    def records(self) -> list[dict]:
        return [p.as_record() for p in self.used.values()]


@dataclass(frozen=True)
class Nucleo:
    size: int
    children: int  # children in the nucleo (figli conviventi)
    minors: int
    under_3: bool
    parents: int
    working_parents: int
    disabled: int


def nucleo_facts(members: list[dict]) -> Nucleo:
    children = [m for m in members if m["relation"] == CHILD]
    parents = [m for m in members if m["relation"] == PARENT]
    return Nucleo(
        size=len(members),
        children=len(children),
        minors=sum(1 for m in children if m.get("minor")),
        under_3=any(m.get("under_3") for m in children),
        parents=len(parents),
        working_parents=sum(1 for m in parents if m.get("worked_6_months")),
        disabled=sum(1 for m in members if m.get("disability", NO_DISABILITY) != NO_DISABILITY),
    )


def check_dsu(dsu: dict) -> None:
    """What the field checks cannot see (impossible together): :class:`IseeInputInvalid`."""
    errors: dict[str, list[dict]] = {}
    members = dsu["members"]
    for i, m in enumerate(members):
        if m.get("under_3") and not m.get("minor"):
            errors.setdefault(f"members.{i}.under_3", []).append({"code": "isee_under_3_not_minor"})
        if (m.get("minor") or m.get("under_3")) and m["relation"] != CHILD:
            errors.setdefault(f"members.{i}.minor", []).append({"code": "isee_minor_not_child"})
    if not any(m["relation"] != CHILD or not m.get("minor") for m in members):
        errors.setdefault("members", []).append({"code": "isee_no_adult"})
    homes = [i for i, p in enumerate(dsu.get("properties") or []) if p.get("main_home")]
    for i in homes[1:]:
        errors.setdefault(f"properties.{i}.main_home", []).append({"code": "isee_two_homes"})
    for i, p in enumerate(dsu.get("properties") or []):
        if p.get("imu_value_cents") is None and p.get("rendita_cents") is None:
            errors.setdefault(f"properties.{i}.imu_value_cents", []).append(
                {"code": "isee_property_value_missing"}
            )
        if p.get("rendita_cents") is not None and p.get("imu_value_cents") is None:
            if not p.get("category"):
                errors.setdefault(f"properties.{i}.category", []).append({"code": "required"})
    rent = dsu.get("rent") or {}
    if rent.get("registered") and rent.get("annual_rent_cents") is None:
        errors.setdefault("rent.annual_rent_cents", []).append({"code": "required"})
    if errors:
        raise IseeInputInvalid(errors)


def estimate_isee(dsu: dict, on: date, regime: str = ORDINARY) -> dict:
    """The estimate of ``dsu`` (as :class:`funds.schemas.DsuIn` loads it) with the parameters
    valid on ``on`` for ``regime``: every intermediate value, the parameters used (with their
    sources and "da verificare" flags), ISE and ISEE in cents."""
    check_dsu(dsu)
    p = _Parameters(on, regime)
    members = dsu["members"]
    nucleo = nucleo_facts(members)
    isr = _isr(dsu, nucleo, p)
    isp = _isp(dsu, nucleo, p)
    patrimony_share = _round(isp["isp_cents"] * p("isee_patrimony_share"))
    ise = isr["isr_cents"] + patrimony_share
    scale = _scale(nucleo, p)
    isee = _round(Fraction(ise) / Fraction(Decimal(scale["total"])))
    return {
        "kind": ESTIMATED,
        "reference_date": on,
        "regime": regime,
        "nucleo": {
            "size": nucleo.size,
            "children": nucleo.children,
            "minors": nucleo.minors,
            "under_3": nucleo.under_3,
            "parents": nucleo.parents,
            "working_parents": nucleo.working_parents,
            "disabled": nucleo.disabled,
        },
        "isr": isr,
        "isp": isp,
        "patrimony_share_cents": patrimony_share,
        "ise_cents": ise,
        "scale": scale,
        "isee_cents": isee,
        "parameters": p.records(),
        "to_verify": any(r["to_verify"] for r in p.records()),
    }


def _isr(dsu: dict, nucleo: Nucleo, p: _Parameters) -> dict:
    lines = []
    for i, m in enumerate(dsu["members"]):
        gross = sum(m.get(k) or 0 for k in MEMBER_INCOMES)
        employment = min(
            _round(m.get("employment_income_cents", 0) * p("isee_employment_deduction_rate")),
            p.cents("isee_employment_deduction_cap_cents"),
        )
        pension = min(
            _round(m.get("pension_income_cents", 0) * p("isee_pension_deduction_rate")),
            p.cents("isee_pension_deduction_cap_cents"),
        )
        paid = m.get("maintenance_paid_cents", 0)
        lines.append(
            {
                "member": i,
                "gross_cents": gross,
                "employment_deduction_cents": employment,
                "pension_deduction_cents": pension,
                "maintenance_paid_cents": paid,
                "net_cents": max(gross - employment - pension - paid, 0),
            }
        )
    financial = dsu.get("financial") or {}
    bonds = financial.get("state_bonds_cents", 0)
    bonds_counted = max(bonds - p.cents("isee_state_bonds_exclusion_cents"), 0)
    yielding = financial.get("other_financial_cents", 0) + bonds_counted
    figurative = _round(yielding * p("isee_figurative_yield")) if yielding else 0
    members_total = sum(line["net_cents"] for line in lines)
    rent = dsu.get("rent") or {}
    rent_cap = p.cents("isee_rent_deduction_cap_cents") + p.cents(
        "isee_rent_deduction_per_child_after_second_cents"
    ) * max(0, nucleo.children - 2)
    rent_deduction = (
        min(rent.get("annual_rent_cents") or 0, rent_cap) if rent.get("registered") else 0
    )
    return {
        "members": lines,
        "members_total_cents": members_total,
        "figurative_base_cents": yielding,
        "figurative_income_cents": figurative,
        "rent_cap_cents": rent_cap if rent.get("registered") else None,
        "rent_deduction_cents": rent_deduction,
        "isr_cents": max(members_total + figurative - rent_deduction, 0),
    }


def property_value(prop: dict, p: _Parameters) -> int:
    """The IMU value of a property: as entered, or rendita × 1,05 × the category's multiplier."""
    if prop.get("imu_value_cents") is not None:
        return prop["imu_value_cents"]
    group = imu_group(prop["category"])
    return _round(prop["rendita_cents"] * p("imu_revaluation") * p(f"imu_multiplier_{group}"))


def _isp(dsu: dict, nucleo: Nucleo, p: _Parameters) -> dict:
    lines = []
    real_estate = 0
    home_line = None
    for i, prop in enumerate(dsu.get("properties") or []):
        value = property_value(prop, p)
        net = max(value - (prop.get("mortgage_cents") or 0), 0)
        line = {
            "property": i,
            "main_home": bool(prop.get("main_home")),
            "value_cents": value,
            "mortgage_cents": prop.get("mortgage_cents") or 0,
            "net_cents": net,
            "counted_cents": net,
        }
        if prop.get("main_home"):
            home_line = line
            franchise = _home_franchise(dsu, nucleo, p)
            line["franchise_cents"] = franchise
            line["counted_cents"] = _round(max(net - franchise, 0) * p("isee_home_excess_share"))
        real_estate += line["counted_cents"]
        lines.append(line)
    financial = dsu.get("financial") or {}
    deposits = max(
        financial.get("deposits_balance_cents", 0), financial.get("deposits_average_cents", 0)
    )
    bonds = financial.get("state_bonds_cents", 0)
    bonds_excluded = min(bonds, p.cents("isee_state_bonds_exclusion_cents"))
    movable_gross = deposits + financial.get("other_financial_cents", 0) + bonds - bonds_excluded
    franchise = min(
        p.cents("isee_movable_franchise_cents")
        + p.cents("isee_movable_franchise_per_member_cents") * (nucleo.size - 1),
        p.cents("isee_movable_franchise_max_cents"),
    ) + p.cents("isee_movable_franchise_per_child_after_second_cents") * max(0, nucleo.children - 2)
    movable = max(movable_gross - franchise, 0)
    return {
        "properties": lines,
        "home": home_line,
        "real_estate_cents": real_estate,
        "deposits_cents": deposits,
        "state_bonds_cents": bonds,
        "state_bonds_excluded_cents": bonds_excluded,
        "movable_gross_cents": movable_gross,
        "movable_franchise_cents": franchise,
        "movable_cents": movable,
        "isp_cents": real_estate + movable,
    }


def _home_franchise(dsu: dict, nucleo: Nucleo, p: _Parameters) -> int:
    if dsu.get("home_in_capoluogo") and isee_parameter_on(
        "isee_home_franchise_capoluogo_cents", p.on, p.regime
    ):
        base = p.cents("isee_home_franchise_capoluogo_cents")
    else:
        base = p.cents("isee_home_franchise_cents")
    free = int(p("isee_home_franchise_children_without_increment"))
    return base + p.cents("isee_home_franchise_per_child_cents") * max(0, nucleo.children - free)


def _scale(nucleo: Nucleo, p: _Parameters) -> dict:
    n = nucleo.size
    base = p(f"isee_scale_{min(n, 5)}") + p("isee_scale_each_further") * max(0, n - 5)
    children = p(f"isee_scale_children_{min(nucleo.children, 5)}") if nucleo.children >= 2 else 0
    # lett. b/c: minor children, and every parent worked >= 6 months (or a lone parent)
    lone_parent = nucleo.parents == 1 and n == 1 + nucleo.children == 1 + nucleo.minors
    working = Fraction(0)
    if (
        nucleo.minors
        and nucleo.parents
        and (nucleo.working_parents == nucleo.parents or lone_parent)
    ):
        working = p("isee_scale_child_under_3" if nucleo.under_3 else "isee_scale_working_parents")
    disability = p("isee_scale_disability") * nucleo.disabled if nucleo.disabled else 0
    total = base + children + working + disability
    return {
        "base": _decimal(base),
        "children_increment": _decimal(children),
        "working_parents_increment": _decimal(working),
        "disability_increment": _decimal(disability),
        "total": _decimal(total),
    }


def _decimal(value) -> str:
    """A scala figure with two decimals, as the law writes it (``"2.66"``)."""
    value = Fraction(value)
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01")))


# -- which ISEE applies ----------------------------------------------------------------------
def certified_valid_on(record: dict, on: date) -> bool:
    return record["issued_on"] <= on <= record["valid_until"]


def choose_applicable(certified: list[dict], estimates: list[dict], on: date) -> dict | None:
    """The ISEE of a household on ``on``: the most recently issued certified ISEE valid that day,
    else the latest estimate made by then; None if neither. ``{"kind": "certificato" |
    "stimato", "label": "ISEE certificato" | "ISEE stimato", "isee_cents", "record"}``."""
    valid = [c for c in certified if certified_valid_on(c, on) and c.get("isee_cents") is not None]
    if valid:
        best = max(valid, key=lambda c: (c["issued_on"], c["id"]))
        return {
            "kind": CERTIFIED,
            "label": "ISEE certificato",
            "isee_cents": best["isee_cents"],
            "record": best,
        }
    usable = [e for e in estimates if e["computed_on"] <= on and e.get("isee_cents") is not None]
    if usable:
        best = max(usable, key=lambda e: (e["computed_on"], e["id"]))
        return {
            "kind": ESTIMATED,
            "label": "ISEE stimato",
            "isee_cents": best["isee_cents"],
            "record": best,
        }
    return None
