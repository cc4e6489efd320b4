"""The temporary apartments' capacity rules (seed 004) and their edges: unit tests, no broker, no
database."""

import pytest

from housing_stock.domain.capacity import (
    OTHER,
    PIOLTELLO,
    SEGRATE,
    SINGLE_MAN,
    SINGLE_WOMAN,
    WOMAN_WITH_CHILDREN,
    Person,
    check_capacity,
    household_type,
    placed_of,
)
from housing_stock.errors import HousingRuleInputInvalid

MAN = (Person("M", 40),)
WOMAN = (Person("F", 35),)
MOTHER = (Person("F", 32), Person("F", 6), Person("M", 3))


def assess(rules, placed, candidate):
    return check_capacity(rules, [placed_of(h) for h in placed], candidate)


@pytest.mark.parametrize(
    "people, kind",
    [
        (MAN, SINGLE_MAN),
        (WOMAN, SINGLE_WOMAN),
        (MOTHER, WOMAN_WITH_CHILDREN),
        ((Person("M", 40), Person("M", 5)), OTHER),  # a father with a child
        ((Person("F", 40), Person("M", 42)), OTHER),  # a couple
    ],
)
def test_household_types(people, kind):
    assert household_type(people) == kind


@pytest.mark.parametrize("age", [18, 40, 65])
def test_pioltello_takes_adult_men_aged_18_to_65(age):
    assert assess(PIOLTELLO, [], (Person("M", age),)).admitted


@pytest.mark.parametrize("age", [17, 66])
def test_pioltello_refuses_a_17_or_66_year_old_naming_the_rule(age):
    check = assess(PIOLTELLO, [], (Person("M", age),))
    assert not check.admitted
    refusals = dict(check.refusals)
    assert f"tra i 18 e i 65 anni: età fuori limite {age}" in refusals["age"]
    # a 17-year-old alone is not an adult man's household either
    assert set(refusals) == ({"age", "household_types"} if age == 17 else {"age"})


def test_pioltello_refuses_a_woman():
    check = assess(PIOLTELLO, [], WOMAN)
    assert (
        "sex",
        "L'alloggio accoglie solo uomini adulti: il nucleo comprende un adulto di altro sesso.",
    ) in check.refusals
    assert "household_types" in dict(check.refusals)


def test_pioltello_has_four_beds():
    assert assess(PIOLTELLO, [MAN, MAN, MAN], MAN).admitted
    fifth = assess(PIOLTELLO, [MAN, MAN, MAN, MAN], MAN)
    assert dict(fifth.refusals).keys() == {"beds"}
    assert "5 persone su 4 posti" in dict(fifth.refusals)["beds"]


def test_segrate_takes_three_women_with_children_in_its_nine_beds():
    assert assess(SEGRATE, [MOTHER, MOTHER], MOTHER).admitted  # 9 people, 9 beds


def test_segrate_arrangements():
    small_mother = (Person("F", 30), Person("M", 4))
    # only women with children: 3 households
    assert assess(SEGRATE, [small_mother, small_mother], small_mother).admitted
    fourth = assess(SEGRATE, [small_mother] * 3, WOMAN)
    assert dict(fourth.refusals).keys() == {"arrangements"}
    assert (
        "3 nuclei di donne con figli oppure 2 nuclei di donne con figli e 3 donne sole"
        in (dict(fourth.refusals)["arrangements"])
    )
    # mixed: 2 women with children and up to 3 single women
    assert assess(SEGRATE, [small_mother, small_mother, WOMAN, WOMAN], WOMAN).admitted
    assert not assess(SEGRATE, [small_mother, small_mother, WOMAN, WOMAN, WOMAN], WOMAN).admitted
    # single women alone fit the mixed option
    assert assess(SEGRATE, [WOMAN, WOMAN], WOMAN).admitted


def test_segrate_refuses_a_man_or_a_couple():
    check = assess(SEGRATE, [], MAN)
    assert {"sex", "household_types"} <= dict(check.refusals).keys()
    couple = (Person("F", 30), Person("M", 31))
    assert "household_types" in dict(assess(SEGRATE, [], couple).refusals)


def test_more_people_than_beds_is_refused_whatever_the_arrangement():
    big = (Person("F", 40), *(Person("F", 10) for _ in range(4)))  # 5 people
    check = assess(SEGRATE, [big], big)
    assert (
        "beds" in dict(check.refusals) and "10 persone su 9 posti" in dict(check.refusals)["beds"]
    )


def test_bad_rules_or_people_are_refused():
    with pytest.raises(HousingRuleInputInvalid) as caught:
        check_capacity([{"rule": "oroscopo"}], [], (Person("X", -1),))
    assert set(caught.value.errors) == {"rules.0.rule", "people.0.sex", "people.0.age"}
    with pytest.raises(HousingRuleInputInvalid) as empty:
        check_capacity(PIOLTELLO, [], ())
    assert empty.value.errors == {"people": [{"code": "required"}]}
