"""The household (nucleo familiare) of a referral: who is in it and what it is made of.

Ages are counted on the day the referral was received: a member is a minor below 18 and
"over 65" from the 65th birthday on (ISTAT's "65 anni e più").
"""
from __future__ import annotations

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
    return Composition(size=len(members),
                       minors=sum(age < ADULT_AGE for age in ages),
                       over_65=sum(age >= ELDERLY_AGE for age in ages))


def head(members: Sequence[Member]) -> Member:
    return next(m for m in members if m.relation == HEAD_OF_HOUSEHOLD)


def head_name(last_name: str | None, first_name: str | None) -> str:
    """How operators name a household: "Cognome Nome"."""
    return " ".join(part for part in (last_name, first_name) if part)


def problems(members: Sequence[Member], received_on: date) -> dict[str, list[str]]:
    """What is wrong with the household, by field path (``household``,
    ``household.<i>.<field>``); empty if nothing is."""
    errors: dict[str, list[str]] = {}
    if not 1 <= len(members) <= MAX_MEMBERS:
        errors["household"] = [f"A household has 1 to {MAX_MEMBERS} members."]
    heads = sum(m.relation == HEAD_OF_HOUSEHOLD for m in members)
    if heads != 1:
        errors.setdefault("household", []).append(
            f"Exactly one member must have relation '{HEAD_OF_HOUSEHOLD}' (found {heads}).")
    seen: set[str] = set()
    for index, member in enumerate(members):
        if member.codice_fiscale in seen:
            errors[f"household.{index}.codice_fiscale"] = [
                "Duplicate codice fiscale in the household."]
        seen.add(member.codice_fiscale)
        if member.birth_date > received_on:
            errors[f"household.{index}.birth_date"] = ["Birth date is in the future."]
        elif member.birth_date.year < OLDEST_BIRTH_YEAR:
            errors[f"household.{index}.birth_date"] = [f"Birth date is before {OLDEST_BIRTH_YEAR}."]
    return errors
