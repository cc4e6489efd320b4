"""Who a temporary apartment may host: its capacity and admission rules are data (a list of
rules kept with the apartment), evaluated here over the households already placed and the one
to place. Each rule that refuses says why, in Italian (issue 11, seed 004).

A household is its people: sex (``F``/``M``) and age in years on the day of the placement. Its
type follows from them: ``uomo_solo`` / ``donna_sola`` (one adult), ``donna_con_figli`` (one
adult woman with minors only), ``altro`` otherwise.

Rules (``{"rule": <kind>, ...}``):

- ``beds``: ``{"max": n}`` — people in the apartment at most ``n``;
- ``sex``: ``{"allowed": ["M"]}`` — every adult of that sex (minors are not counted);
- ``age``: ``{"min": 18, "max": 65}`` — every person within the ages, both inclusive;
- ``household_types``: ``{"allowed": [...]}``;
- ``arrangements``: ``{"options": [{"donna_con_figli": 3}, {"donna_con_figli": 2,
  "donna_sola": 3}]}`` — after the placement, the count of each household type fits at least
  one option (a type not named in an option counts 0 there).

The two apartments of the Distretto Sociale Est Milano (seed 004) are :data:`PIOLTELLO` (4 adult
men aged 18–65) and :data:`SEGRATE` (single adult women and/or women with children: 3
households if only women with children, or 2 of them with 2–3 single women).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .inputs import Problems

ADULT_AGE = 18

SINGLE_MAN = "uomo_solo"
SINGLE_WOMAN = "donna_sola"
WOMAN_WITH_CHILDREN = "donna_con_figli"
OTHER = "altro"
HOUSEHOLD_TYPES = (SINGLE_MAN, SINGLE_WOMAN, WOMAN_WITH_CHILDREN, OTHER)
TYPE_LABELS = {
    SINGLE_MAN: "uomo solo",
    SINGLE_WOMAN: "donna sola",
    WOMAN_WITH_CHILDREN: "donna con figli",
    OTHER: "altro nucleo",
}
TYPE_PLURALS = {
    SINGLE_MAN: "uomini soli",
    SINGLE_WOMAN: "donne sole",
    WOMAN_WITH_CHILDREN: "nuclei di donne con figli",
    OTHER: "altri nuclei",
}
SEX_LABELS = {"F": "donne adulte", "M": "uomini adulti"}
RULE_KINDS = ("beds", "sex", "age", "household_types", "arrangements")

PIOLTELLO: tuple[dict, ...] = (
    {"rule": "beds", "max": 4},
    {"rule": "sex", "allowed": ["M"]},
    {"rule": "age", "min": 18, "max": 65},
    {"rule": "household_types", "allowed": [SINGLE_MAN]},
)
SEGRATE: tuple[dict, ...] = (
    {"rule": "beds", "max": 9},
    {"rule": "sex", "allowed": ["F"]},
    {"rule": "household_types", "allowed": [SINGLE_WOMAN, WOMAN_WITH_CHILDREN]},
    {
        "rule": "arrangements",
        "options": [{WOMAN_WITH_CHILDREN: 3}, {WOMAN_WITH_CHILDREN: 2, SINGLE_WOMAN: 3}],
    },
)


@dataclass(frozen=True)
class Person:
    sex: str  # "F" or "M"
    age: int  # years, on the day of the placement


@dataclass(frozen=True)
class Placed:
    """A household already in the apartment: all the rules need of it (no ages kept)."""

    household_type: str
    people: int


def placed_of(people: tuple[Person, ...]) -> Placed:
    return Placed(household_type(people), len(people))


@dataclass(frozen=True)
class CapacityCheck:
    admitted: bool
    refusals: tuple[tuple[str, str], ...]  # (rule kind, Italian reason), one per broken rule
    household_type: str


def household_type(people: tuple[Person, ...]) -> str:
    adults = [p for p in people if p.age >= ADULT_AGE]
    minors = [p for p in people if p.age < ADULT_AGE]
    if len(adults) != 1:
        return OTHER
    adult = adults[0]
    if not minors:
        return SINGLE_WOMAN if adult.sex == "F" else SINGLE_MAN
    return WOMAN_WITH_CHILDREN if adult.sex == "F" else OTHER


def _validate(rules, candidate) -> None:
    problems = Problems()
    for i, rule in enumerate(rules):
        problems.one_of(f"rules.{i}.rule", rule.get("rule"), RULE_KINDS)
    if not candidate:
        problems.add("people", {"code": "required"})
    for p, person in enumerate(candidate):
        problems.one_of(f"people.{p}.sex", person.sex, ("F", "M"))
        problems.at_least(f"people.{p}.age", person.age, 0)
    problems.raise_any()


def check_capacity(
    rules: tuple[dict, ...] | list[dict],
    placed: list[Placed],
    candidate: tuple[Person, ...],
) -> CapacityCheck:
    """May ``candidate`` join the households ``placed`` under ``rules``?"""
    _validate(rules, candidate)
    kind = household_type(candidate)
    after = [*placed, placed_of(candidate)]
    refusals: list[tuple[str, str]] = []
    for rule in rules:
        reason = _CHECKS[rule["rule"]](rule, candidate, kind, after)
        if reason:
            refusals.append((rule["rule"], reason))
    return CapacityCheck(not refusals, tuple(refusals), kind)


def _beds(rule, candidate, kind, after) -> str | None:
    people = sum(h.people for h in after)
    if people > rule["max"]:
        return (
            f"Posti letto insufficienti: con questo nucleo ({len(candidate)} persone) "
            f"l'alloggio ospiterebbe {people} persone su {rule['max']} posti."
        )
    return None


def _sex(rule, candidate, kind, after) -> str | None:
    allowed = rule["allowed"]
    wrong = [p for p in candidate if p.age >= ADULT_AGE and p.sex not in allowed]
    if wrong:
        who = " e ".join(SEX_LABELS[s] for s in allowed)
        return f"L'alloggio accoglie solo {who}: il nucleo comprende un adulto di altro sesso."
    return None


def _age(rule, candidate, kind, after) -> str | None:
    low, high = rule.get("min", 0), rule.get("max", 200)
    outside = sorted({p.age for p in candidate if not low <= p.age <= high})
    if outside:
        ages = ", ".join(str(a) for a in outside)
        return f"L'alloggio accoglie persone tra i {low} e i {high} anni: età fuori limite {ages}."
    return None


def _types(rule, candidate, kind, after) -> str | None:
    if kind not in rule["allowed"]:
        allowed = ", ".join(TYPE_LABELS[t] for t in rule["allowed"])
        return f"L'alloggio accoglie solo: {allowed}; il nucleo è «{TYPE_LABELS[kind]}»."
    return None


def _arrangements(rule, candidate, kind, after) -> str | None:
    counts = Counter(h.household_type for h in after)
    for option in rule["options"]:
        if all(n <= option.get(t, 0) for t, n in counts.items()):
            return None
    described = " oppure ".join(
        " e ".join(f"{n} {TYPE_PLURALS[t]}" for t, n in option.items())
        for option in rule["options"]
    )
    now = ", ".join(f"{n} {TYPE_PLURALS[t]}" for t, n in sorted(counts.items()))
    return f"Con questo nucleo l'alloggio ospiterebbe {now}: ammessi al massimo {described}."


_CHECKS = {
    "beds": _beds,
    "sex": _sex,
    "age": _age,
    "household_types": _types,
    "arrangements": _arrangements,
}
