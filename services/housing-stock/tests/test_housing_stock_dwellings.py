"""The inventory use cases on a real database (SQLite, PostgreSQL) through a chassis Db, no
broker: the demo stock of migration 0005, registration with coded errors and nothing changed,
state transitions, proposals ranked by the housing rules, placements (two at once into one free
dwelling: exactly one succeeds) and the exit."""

import threading
from datetime import date

import pytest

from abitare_chassis.actor import Actor
from housing_stock.errors import (
    DwellingChanged,
    DwellingExists,
    DwellingInvalid,
    DwellingNotAvailable,
    DwellingNotFound,
    HousingForbidden,
    PlacementNotFound,
    PlacementRefused,
)
from housing_stock.usecases import dwellings

PIOLTELLO, SEGRATE, RODANO, VIMODRONE = "015175", "015205", "015185", "015242"
SGM, SAN_DONATO = "015195", "015192"
EST = (PIOLTELLO, SEGRATE, RODANO, VIMODRONE)
OPERATOR = Actor(sub="operator:est", role="agency_operator", comuni=EST)
COORDINATOR = Actor(sub="coord:sgm", role="coordinator", comuni=(SGM, SAN_DONATO))
SEGRATE_CLIENT = Actor(sub="client:segrate", role="municipal_client", comuni=(SEGRATE,))
ON = date(2026, 12, 2)
REFERRAL = "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00"


def codes(rows):
    return [row["code"] for row in rows]


def test_the_demo_stock_is_there_and_each_actor_sees_its_comuni_only(db):
    est = dwellings.list_dwellings(db, OPERATOR)
    assert codes(est) == [
        "PIO-HS-01",
        "PIO-TMP-01",
        "PIO-TMP-02",
        "ROD-TMP-01",
        "SEG-HS-01",
        "SEG-TMP-01",
        "VIM-TMP-01",
    ]
    assert {row["state"] for row in est} == {"disponibile"}
    assert codes(dwellings.list_dwellings(db, SEGRATE_CLIENT)) == ["SEG-HS-01", "SEG-TMP-01"]
    sgm = dwellings.list_dwellings(db, COORDINATOR, tenure="sfitto_privato", min_bedrooms=2)
    assert codes(sgm) == ["SDM-PRV-01", "SGM-PRV-01"]  # by comune: 015192 before 015195
    assert codes(dwellings.list_dwellings(db, OPERATOR, comune_istat=RODANO)) == ["ROD-TMP-01"]
    assert "PIO-TMP-02" not in codes(dwellings.list_dwellings(db, OPERATOR, step_free=True))
    with pytest.raises(DwellingNotFound):  # outside the scope: it does not exist for the actor
        dwellings.get_dwelling(db, SEGRATE_CLIENT, "PIO-HS-01")


def test_a_municipal_client_sees_the_stock_but_no_household(db):
    dwellings.place(db, OPERATOR, "SEG-TMP-01", REFERRAL, 2, ON)
    seen = dwellings.get_dwelling(db, SEGRATE_CLIENT, "SEG-TMP-01")
    assert seen["state"] == "occupata" and "placements" not in seen
    assert dwellings.get_dwelling(db, OPERATOR, "SEG-TMP-01")["placements"][0]["referral_id"]
    with pytest.raises(HousingForbidden):
        dwellings.place(db, SEGRATE_CLIENT, "SEG-HS-01", REFERRAL, 1, ON)


def test_registering_a_dwelling_and_bad_rows_change_nothing(db):
    data = {
        "code": "VIM-PRV-01",
        "tenure": "sfitto_privato",
        "owner": "Proprietario privato",
        "comune_istat": VIMODRONE,
        "comune_name": "Vimodrone",
        "bedrooms": 2,
        "area_m2": 64,
        "monthly_rent_cents": 45_000,
    }
    record = dwellings.register_dwelling(db, OPERATOR, data, ON)
    assert record["state"] == "disponibile" and record["monthly_charges_cents"] == 0
    with pytest.raises(DwellingExists) as exists:
        dwellings.register_dwelling(db, OPERATOR, data, ON)
    assert exists.value.code == "housing_dwelling_exists"
    bad = data | {"code": "X", "area_m2": -3, "tenure": "castello", "comune_istat": SGM}
    with pytest.raises(DwellingInvalid) as invalid:
        dwellings.register_dwelling(db, OPERATOR, bad, ON)
    assert set(invalid.value.errors) == {"area_m2", "tenure", "comune_istat"}
    assert invalid.value.errors["comune_istat"] == [{"code": "dwelling_comune_out_of_scope"}]
    assert len(dwellings.list_dwellings(db, OPERATOR)) == 8  # 7 of the demo + 1


def test_state_transitions_follow_the_rules(db):
    works = dwellings.change_state(db, OPERATOR, "ROD-TMP-01", "in_ristrutturazione", ON)
    assert works["state"] == "in_ristrutturazione" and works["state_since"] == ON
    dwellings.change_state(db, OPERATOR, "ROD-TMP-01", "dismessa", ON)
    with pytest.raises(DwellingInvalid) as final:
        dwellings.change_state(db, OPERATOR, "ROD-TMP-01", "disponibile", ON)
    (error,) = final.value.errors["state"]
    assert error["code"] == "dwelling_transition_not_allowed" and error["allowed"] == []
    dwellings.place(db, OPERATOR, "PIO-TMP-01", REFERRAL, 1, ON)
    with pytest.raises(DwellingInvalid) as occupied:  # no works without the exit first
        dwellings.change_state(db, OPERATOR, "PIO-TMP-01", "in_ristrutturazione", ON)
    assert occupied.value.errors["state"] == [{"code": "dwelling_state_by_placement"}]
    assert dwellings.get_dwelling(db, OPERATOR, "PIO-TMP-01")["state"] == "occupata"


def test_proposals_rank_the_fitting_affordable_dwellings_with_reasons(db):
    household = {
        "size": 2,
        "monthly_net_income_cents": 40_000,
        "comune_istat": PIOLTELLO,
        "needs_step_free": True,
    }
    proposal = dwellings.propose_dwellings(db, OPERATOR, household, ON)
    ranked = [(r["code"], r["rank"]) for r in proposal["ranked"]]
    # step-free, at least 1 bedroom and 45 m², rent within 30% of € 400: Pioltello (20%) first,
    # then the lower burden: Segrate's free housing sociale (0%), Rodano (25%), Segrate (30%)
    assert ranked == [("PIO-TMP-01", 1), ("SEG-HS-01", 2), ("ROD-TMP-01", 3), ("SEG-TMP-01", 4)]
    assert any("20,00%" in reason for reason in proposal["ranked"][0]["reasons"])
    excluded = {r["code"]: " ".join(r["reasons"]) for r in proposal["excluded"]}
    assert "senza barriere" in excluded["PIO-HS-01"] and "senza barriere" in excluded["VIM-TMP-01"]
    dwellings.place(db, OPERATOR, "PIO-TMP-01", REFERRAL, 2, ON)
    again = dwellings.propose_dwellings(db, OPERATOR, household, ON)
    assert again["ranked"][0]["code"] == "SEG-HS-01"
    assert "Non è disponibile" in " ".join(
        r["reasons"][1] for r in again["excluded"] if r["code"] == "PIO-TMP-01"
    )


def test_a_placement_and_its_exit_free_the_dwelling(db):
    placed = dwellings.place(db, OPERATOR, "SEG-TMP-01", REFERRAL, 3, ON, date(2027, 12, 1))
    with pytest.raises(DwellingNotAvailable) as taken:
        dwellings.place(db, OPERATOR, "SEG-TMP-01", "another", 1, ON)
    assert taken.value.details == {"code": "SEG-TMP-01", "state": "occupata"}
    with pytest.raises(DwellingInvalid) as bad:
        dwellings.end_placement(db, OPERATOR, placed["id"], date(2026, 1, 1), "altrove")
    assert set(bad.value.errors) == {"destination", "ended_on"}
    ended = dwellings.end_placement(db, OPERATOR, placed["id"], date(2027, 6, 30), "sap_assegnato")
    assert (ended["ended_on"], ended["exit_destination"]) == (date(2027, 6, 30), "sap_assegnato")
    assert dwellings.get_dwelling(db, OPERATOR, "SEG-TMP-01")["state"] == "disponibile"
    with pytest.raises(PlacementNotFound):  # already ended
        dwellings.end_placement(db, OPERATOR, placed["id"], date(2027, 7, 1), "sap_assegnato")
    with pytest.raises(DwellingInvalid):
        dwellings.place(db, OPERATOR, "SEG-TMP-01", REFERRAL, 0, ON)


def race(db, code, people=None) -> list[str]:
    """Two operators placing into ``code`` at the same moment: what each of them got."""
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(referral_id):
        start.wait()
        try:
            dwellings.place(db, OPERATOR, code, referral_id, 1, ON, people=people)
            outcomes.append("placed")
        except (DwellingNotAvailable, DwellingChanged):
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt, args=(f"{code}-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_two_operators_placing_into_the_same_free_dwelling_at_once_exactly_one_succeeds(db):
    assert race(db, "VIM-TMP-01") == ["placed", "refused"]
    assert len(dwellings.get_dwelling(db, OPERATOR, "VIM-TMP-01")["placements"]) == 1


MAN = {"sex": "M", "age": 40}


def test_pioltello_admits_by_its_rules_and_fills_its_four_beds(db):
    with pytest.raises(DwellingInvalid) as nobody:
        dwellings.place(db, OPERATOR, "PIO-HS-01", REFERRAL, None, ON)
    assert nobody.value.errors == {"people": [{"code": "required"}]}
    for age in (17, 66):
        with pytest.raises(PlacementRefused) as young_or_old:
            person = MAN | {"age": age}
            dwellings.place(db, OPERATOR, "PIO-HS-01", REFERRAL, None, ON, people=[person])
        assert "age" in young_or_old.value.details["rules"]
    with pytest.raises(PlacementRefused) as woman:
        woman_alone = [{"sex": "F", "age": 30}]
        dwellings.place(db, OPERATOR, "PIO-HS-01", REFERRAL, None, ON, people=woman_alone)
    assert "sex" in woman.value.details["rules"]
    assert "solo uomini adulti" in " ".join(woman.value.details["reasons"])
    for n in range(3):
        placed = dwellings.place(db, OPERATOR, "PIO-HS-01", f"r{n}", None, ON, people=[MAN])
        assert placed["household_type"] == "uomo_solo"
    assert dwellings.get_dwelling(db, OPERATOR, "PIO-HS-01")["state"] == "disponibile"
    last = dwellings.place(db, OPERATOR, "PIO-HS-01", "r3", None, ON, people=[MAN])
    assert dwellings.get_dwelling(db, OPERATOR, "PIO-HS-01")["state"] == "occupata"  # 4 of 4
    with pytest.raises(DwellingNotAvailable):
        dwellings.place(db, OPERATOR, "PIO-HS-01", "r4", None, ON, people=[MAN])
    dwellings.end_placement(db, OPERATOR, last["id"], ON, "rientro_in_famiglia")
    assert dwellings.get_dwelling(db, OPERATOR, "PIO-HS-01")["state"] == "disponibile"


def test_segrate_refuses_a_fourth_household_of_women_with_children(db):
    mother = [{"sex": "F", "age": 30}, {"sex": "M", "age": 4}]
    for n in range(3):
        dwellings.place(db, OPERATOR, "SEG-HS-01", f"m{n}", None, ON, people=mother)
    with pytest.raises(PlacementRefused) as fourth:
        dwellings.place(db, OPERATOR, "SEG-HS-01", "m3", None, ON, people=mother)
    assert fourth.value.details["rules"] == ["arrangements"]
    assert len(dwellings.get_dwelling(db, OPERATOR, "SEG-HS-01")["placements"]) == 3


def test_two_operators_placing_into_the_last_bed_at_once_exactly_one_succeeds(db):
    for n in range(3):
        dwellings.place(db, OPERATOR, "PIO-HS-01", f"r{n}", None, ON, people=[MAN])
    assert race(db, "PIO-HS-01", people=[MAN]) == ["placed", "refused"]
    stays = dwellings.get_dwelling(db, OPERATOR, "PIO-HS-01")["placements"]
    assert len([stay for stay in stays if not stay["ended_on"]]) == 4


def test_a_placement_and_its_exit_are_announced_by_events_valid_against_their_schemas(db):
    import json
    from pathlib import Path

    from jsonschema import Draft202012Validator, FormatChecker
    from sqlalchemy import select

    placed = dwellings.place(db, OPERATOR, "PIO-HS-01", REFERRAL, None, ON, people=[MAN])
    dwellings.end_placement(db, OPERATOR, placed["id"], date(2027, 1, 31), "sap_assegnato")
    with db.session() as session:
        bodies = session.scalars(select(db.outbox.c.body).order_by(db.outbox.c.id)).all()
    assert [b["type"] for b in bodies] == [
        "housing_stock.placement_started.v1",
        "housing_stock.placement_ended.v1",
    ]
    contracts = Path(__file__).resolve().parents[3] / "infra" / "contracts" / "events"
    for body in bodies:
        schema = json.loads((contracts / f"{body['type']}.json").read_text())
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(body["data"])
        assert body["subject"] == REFERRAL and body["tenant"] == PIOLTELLO
    assert bodies[1]["data"]["exit_destination"] == "sap_assegnato"
    assert bodies[0]["data"]["household_type"] == "uomo_solo"


def test_a_shared_flat_with_households_is_not_retired_and_an_exit_revives_no_closed_flat(db):
    """PIO-HS-01 keeps its "disponibile" state while beds are left: it cannot be retired or
    closed for works with a household in it; after the exit it can, and stays so."""
    placed = dwellings.place(db, OPERATOR, "PIO-HS-01", "r-retire", None, ON, people=[MAN])
    with pytest.raises(DwellingInvalid) as caught:
        dwellings.change_state(db, OPERATOR, "PIO-HS-01", "dismessa", ON)
    assert caught.value.errors["state"][0]["code"] == "dwelling_state_by_placement"
    dwellings.end_placement(db, OPERATOR, placed["id"], ON, "rientro_in_famiglia")
    assert dwellings.change_state(db, OPERATOR, "PIO-HS-01", "dismessa", ON)["state"] == "dismessa"
    assert dwellings.get_dwelling(db, OPERATOR, "PIO-HS-01")["state"] == "dismessa"
