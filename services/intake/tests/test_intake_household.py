"""Household composition and rules, counted on the day the referral was received."""

from datetime import date

import pytest

from intake.domain.household import Member, age_on, composition, head, head_name, problems


def member(cf, birth, relation="figlio", first="Anna", last="Verdi"):
    return Member(
        codice_fiscale=cf, first_name=first, last_name=last, birth_date=birth, relation=relation
    )


@pytest.mark.parametrize(
    "birth, day, age",
    [
        (date(2000, 5, 10), date(2018, 5, 9), 17),
        (date(2000, 5, 10), date(2018, 5, 10), 18),
        (date(2004, 2, 29), date(2022, 2, 28), 17),
        (date(2004, 2, 29), date(2022, 3, 1), 18),
        (date(2020, 1, 1), date(2020, 1, 1), 0),
    ],
)
def test_age_on(birth, day, age):
    assert age_on(birth, day) == age


def test_composition_counts_minors_and_over_65_on_received_day():
    received = date(2025, 6, 1)
    members = [
        member("A", date(1990, 1, 1), "intestatario"),
        member("B", date(2007, 6, 2)),  # 17 until tomorrow: minor
        member("C", date(2007, 6, 1)),  # 18 today: adult
        member("D", date(1960, 6, 1), "genitore"),  # 65 today: over 65
        member("E", date(1960, 6, 2), "genitore"),  # 64
    ]
    counts = composition(members, received)
    assert (counts.size, counts.minors, counts.over_65) == (5, 1, 1)


def test_head_and_head_name():
    members = [
        member("A", date(2010, 1, 1)),
        member("B", date(1980, 1, 1), "intestatario", first="Mario", last="Rossi"),
    ]
    assert head(members).codice_fiscale == "B"
    assert head_name("Rossi", "Mario") == "Rossi Mario"
    assert head_name(None, None) == ""


def test_valid_household_has_no_problems():
    members = [member("A", date(1980, 1, 1), "intestatario"), member("B", date(2015, 1, 1))]
    assert problems(members, date(2025, 1, 1)) == {}


def test_exactly_one_head():
    none = [member("A", date(1980, 1, 1), "coniuge")]
    two = [
        member("A", date(1980, 1, 1), "intestatario"),
        member("B", date(1981, 1, 1), "intestatario"),
    ]
    assert problems(none, date(2025, 1, 1))["household"] == [
        {"code": "household_head_count", "relation": "intestatario", "found": 0}
    ]
    assert problems(two, date(2025, 1, 1))["household"][0]["found"] == 2


def test_duplicate_codice_fiscale_points_at_the_second_member():
    members = [member("A", date(1980, 1, 1), "intestatario"), member("A", date(2015, 1, 1))]
    assert problems(members, date(2025, 1, 1)) == {
        "household.1.codice_fiscale": [{"code": "codice_fiscale_duplicate"}]
    }


def test_birth_dates_in_the_future_or_too_old():
    members = [
        member("A", date(1980, 1, 1), "intestatario"),
        member("B", date(2025, 1, 2)),
        member("C", date(1899, 12, 31), "genitore"),
    ]
    errors = problems(members, date(2025, 1, 1))
    assert errors == {
        "household.1.birth_date": [{"code": "birth_date_in_future"}],
        "household.2.birth_date": [{"code": "birth_date_too_old", "min_year": 1900}],
    }


def test_size_limits():
    assert "household" in problems([], date(2025, 1, 1))
    many = [member("A", date(1980, 1, 1), "intestatario")] + [
        member(str(i), date(2010, 1, 1)) for i in range(20)
    ]
    assert problems(many, date(2025, 1, 1))["household"] == [
        {"code": "length", "min": 1, "max": 20}
    ]
