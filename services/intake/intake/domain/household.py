"""The household (nucleo familiare) of a referral: who is in it and what it is made of.

Ages are counted on the day the referral was received: a member is a minor below 18 and
"over 65" from the 65th birthday on (ISTAT's "65 anni e più").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .vocabulary import HEAD_OF_HOUSEHOLD

MAX_MEMBERS = 20
ADULT_AGE = 18
ELDERLY_AGE = 65
OLDEST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class Member:
    codice_fiscale: str
    first_name: str
    last_name: str
    birth_date: date
    relation: str


@dataclass(frozen=True)
class Composition:
    size: int
    minors: int
    over_65: int


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day`` (someone born on 29 February turns a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def composition(members: Sequence[Member], received_on: date) -> Composition:
    ages = [age_on(m.birth_date, received_on) for m in members]
    return Composition(
        size=len(members),
        minors=sum(age < ADULT_AGE for age in ages),
        over_65=sum(age >= ELDERLY_AGE for age in ages),
    )


def head(members: Sequence[Member]) -> Member:
    return next(m for m in members if m.relation == HEAD_OF_HOUSEHOLD)


def head_name(last_name: str | None, first_name: str | None) -> str:
    """How operators name a household: "Cognome Nome"."""
    return " ".join(part for part in (last_name, first_name) if part)


def search_key(name: str | None) -> str:
    """A name as searched: lower case, without accents, spaces or apostrophes ("D'Àngelo" and
    "dangelo" are the same key), so a search is a range on one indexed column."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())


def problems(members: Sequence[Member], received_on: date) -> dict[str, list[dict]]:
    """What is wrong with the household, as coded errors by field path (``household``,
    ``household.<i>.<field>``); empty if nothing is."""
    errors: dict[str, list[dict]] = {}
    if not 1 <= len(members) <= MAX_MEMBERS:
        errors["household"] = [{"code": "length", "min": 1, "max": MAX_MEMBERS}]
    heads = sum(m.relation == HEAD_OF_HOUSEHOLD for m in members)
    if heads != 1:
        errors.setdefault("household", []).append(
            {"code": "household_head_count", "relation": HEAD_OF_HOUSEHOLD, "found": heads}
        )
    seen: set[str] = set()
    for index, member in enumerate(members):
        if member.codice_fiscale in seen:
            errors[f"household.{index}.codice_fiscale"] = [{"code": "codice_fiscale_duplicate"}]
        seen.add(member.codice_fiscale)
        if member.birth_date > received_on:
            errors[f"household.{index}.birth_date"] = [{"code": "birth_date_in_future"}]
        elif member.birth_date.year < OLDEST_BIRTH_YEAR:
            errors[f"household.{index}.birth_date"] = [
                {"code": "birth_date_too_old", "min_year": OLDEST_BIRTH_YEAR}
            ]
    return errors


# -- composition of the household, as in the C.A.S.A. "Fotografia" (seeds/003) --------------
PARTNER_RELATIONS = ("coniuge", "convivente")
CHILD_RELATION = "figlio"
NEW_ADULT_UNTIL = 21  # "neomaggiorenne": 18, 19 or 20 years old

# What the Fotografia counts for a referral whose composition was not classified.
NOT_CLASSIFIED = "non_classificato"
COMPOSITIONS = {
    "coppia_con_figli_minori": "Coppia genitoriale con figli minori",
    "madre_sola_con_figli_minori": "Madre sola con figli minori",
    "padre_solo_con_figli_minori": "Padre solo con figli minori",
    "adulto_solo": "Adulto solo",
    "genitore_con_figlio_neomaggiorenne": "Genitore con figlio neomaggiorenne",
    "adulto_con_over_65": "Adulto con adulto over 65",
    "coppia_con_figli_minori_e_over_65": "Coppia genitoriale con figli minori e adulto over 65",
    "coppia_senza_figli": "Coppia senza figli",
    "altro": "Altra composizione",
}


def classify(members: Sequence[Member], received_on: date, head_sex: str | None) -> str:
    """The composition label of a household on ``received_on``. ``head_sex`` ("F"/"M", from the
    codice fiscale) tells a mother from a father when the head is a parent alone.

    Partners are ``coniuge``/``convivente`` of the head; children are ``figlio`` members; an
    "over 65" is any other member aged 65 or more (a grandparent living with the family)."""
    if not members:
        return "altro"
    ages = {id(m): age_on(m.birth_date, received_on) for m in members}
    the_head = next((m for m in members if m.relation == HEAD_OF_HOUSEHOLD), members[0])
    partners = [m for m in members if m.relation in PARTNER_RELATIONS]
    children = [m for m in members if m.relation == CHILD_RELATION]
    others = [m for m in members if m is not the_head and m not in partners and m not in children]
    minor_children = [m for m in children if ages[id(m)] < ADULT_AGE]
    new_adult_children = [m for m in children if ADULT_AGE <= ages[id(m)] < NEW_ADULT_UNTIL]
    elderly_others = [m for m in others if ages[id(m)] >= ELDERLY_AGE]
    head_is_adult = ages[id(the_head)] >= ADULT_AGE

    if len(members) == 1:
        return "adulto_solo" if head_is_adult else "altro"
    if len(partners) == 1:
        if not children and not others:
            return "coppia_senza_figli"
        if minor_children and others and len(elderly_others) == len(others):
            return "coppia_con_figli_minori_e_over_65"
        if minor_children and not others:
            return "coppia_con_figli_minori"
        return "altro"
    if partners or not head_is_adult:
        return "altro"
    if children and not others and minor_children:
        if head_sex == "F":
            return "madre_sola_con_figli_minori"
        if head_sex == "M":
            return "padre_solo_con_figli_minori"
        return "altro"
    if (
        len(members) == 2
        and all(age >= ADULT_AGE for age in ages.values())
        and any(age >= ELDERLY_AGE for age in ages.values())
    ):
        return "adulto_con_over_65"
    if children and not others and len(new_adult_children) == len(children):
        return "genitore_con_figlio_neomaggiorenne"
    return "altro"
