"""Issue 8: codici fiscali that contradict their member (the check before sending, the
coordinator's list), and finding a household for the Commissione's agenda by name or code. On
a real database (SQLite and PostgreSQL), no broker."""

from datetime import date

import pytest
from sqlalchemy import select

from abitare_chassis.actor import Actor
from abitare_chassis.schemas import load
from intake.adapters.models import AuditEvent, HouseholdMember, Referral
from intake.errors import CaseForbidden, InvalidInput, MeetingNotFound
from intake.schemas.cases import ProjectInput, TriageInput
from intake.schemas.referrals import HouseholdCheck, ReferralInput
from intake.usecases import anomalies, commission, projects, referrals, triage

SGM, MELEGNANO, MILANO = "015195", "015140", "015146"
AGENCY = Actor(sub="operator:anna", role="agency_operator", comuni=(SGM, MELEGNANO))
COORDINATOR = Actor(sub="operator:carla", role="coordinator", comuni=(SGM, MELEGNANO))
MILANO_COORDINATOR = Actor(sub="operator:mi", role="coordinator", comuni=(MILANO,))
PROJECT = {"objectives": ["Un alloggio"], "actions": [], "agreed_on": "2026-01-15"}


def submit(db, make_payload, **changes):
    return referrals.submit_referral(db, AGENCY, load(ReferralInput(), make_payload(**changes)))


def in_charge(db, make_payload, **changes) -> str:
    referral_id = submit(db, make_payload, **changes)["id"]
    outcome = {"outcome": "presa_in_carico", "duplicates_acknowledged": True}
    triage.triage_referral(db, AGENCY, referral_id, load(TriageInput(), outcome))
    return referral_id


def household(payload, birth_date=None, last_name=None) -> list[dict]:
    members = [dict(m) for m in payload["household"]]
    changes = {"birth_date": birth_date, "last_name": last_name}
    members[0].update({name: value for name, value in changes.items() if value})
    return members


def audited(db, action) -> list[str]:
    with db.session() as session:
        return list(
            session.scalars(select(AuditEvent.referral_id).where(AuditEvent.action == action))
        )


# -- codici fiscali that contradict their member ---------------------------------------------
def test_the_check_before_sending_warns_without_a_database(payload):
    members = load(HouseholdCheck(), {"household": payload["household"]})["household"]
    assert anomalies.check_household(members) == []
    wrong = household(payload, birth_date="1980-01-02", last_name="Verdi")
    members = load(HouseholdCheck(), {"household": wrong})["household"]
    warnings = anomalies.check_household(members)
    assert [(w["member"], w["code"], w["severity"]) for w in warnings] == [
        (0, "codice_fiscale_birth_date_mismatch", "warning"),
        (0, "codice_fiscale_name_mismatch", "notice"),
    ]
    assert warnings[0]["encoded"] == "01/01/1980" and warnings[0]["declared"] == "02/01/1980"
    with pytest.raises(InvalidInput):  # a bad check character is refused, not warned about
        load(HouseholdCheck(), {"household": [{**wrong[0], "codice_fiscale": "RSSMRA80A01F205Y"}]})


def test_a_contradicting_code_is_stored_flagged_and_listed_for_coordinators(
    db, payload, make_payload
):
    fine = submit(db, make_payload)
    assert all(m["codice_fiscale_warnings"] == [] for m in fine["household"])
    flagged = submit(db, make_payload, household=household(payload, birth_date="1980-01-02"))
    head = flagged["household"][0]
    assert [w["code"] for w in head["codice_fiscale_warnings"]] == [
        "codice_fiscale_birth_date_mismatch"
    ]
    assert referrals.get_referral(db, AGENCY, flagged["id"])["household"][0] == head

    listed = anomalies.list_anomalies(db, COORDINATOR, page=1, page_size=50)
    assert listed["total"] == 1 and [i["referral_id"] for i in listed["items"]] == [flagged["id"]]
    item = listed["items"][0]
    assert item["member"]["last_name"] == "Rossi" and item["comune_name"] == "San Giuliano Milanese"
    assert audited(db, "list_anomalies") == [flagged["id"]]

    with pytest.raises(CaseForbidden):
        anomalies.list_anomalies(db, AGENCY, page=1, page_size=50)
    assert anomalies.list_anomalies(db, MILANO_COORDINATOR, page=1, page_size=50)["total"] == 0
    assert anomalies.list_anomalies(db, COORDINATOR, page=2, page_size=50)["items"] == []


def stored_warnings(db, referral_id) -> list:
    with db.session() as session:
        return list(
            session.scalars(
                select(HouseholdMember.codice_fiscale_warnings)
                .where(HouseholdMember.referral_id == referral_id)
                .order_by(HouseholdMember.position)
            )
        )


def test_the_warnings_are_stored_with_the_member_and_the_list_is_paged(db, payload, make_payload):
    fine = submit(db, make_payload)["id"]
    assert stored_warnings(db, fine) == [None, None, None]  # NULL: not in the partial index
    flagged = [
        submit(db, make_payload, household=household(payload, birth_date=f"1980-01-0{day}"))["id"]
        for day in (2, 3, 4)
    ]
    [head, spouse, child] = stored_warnings(db, flagged[0])
    assert [w["code"] for w in head] == ["codice_fiscale_birth_date_mismatch"]
    assert head[0]["declared"] == "02/01/1980" and spouse is None and child is None
    closed = submit(db, make_payload, household=household(payload, last_name="Verdi"))["id"]
    with db.transaction() as tx:  # a closed case is no longer worked on: not listed
        tx.session.get(Referral, closed).status = "chiusa"

    first = anomalies.list_anomalies(db, COORDINATOR, page=1, page_size=2)
    second = anomalies.list_anomalies(db, COORDINATOR, page=2, page_size=2)
    assert first["total"] == second["total"] == 3
    listed = [i["referral_id"] for i in first["items"] + second["items"]]
    assert listed == flagged[::-1]  # newest case first, each once, across the pages
    assert second["items"][0]["warnings"] == head
    assert sorted(audited(db, "list_anomalies")) == sorted(flagged)  # each case shown, audited


# -- the Commissione's agenda: find the household ---------------------------------------------
def test_agenda_candidates_by_name_or_code_waiting_for_validation_first(
    db, payload, make_payload, cf
):
    with_project = in_charge(db, make_payload)
    projects.save_project(db, AGENCY, with_project, 0, load(ProjectInput(), PROJECT))
    bianchi = [
        {
            "codice_fiscale": cf("BNCGPP70A01F205"),
            "first_name": "Giuseppe",
            "last_name": "Bianchi",
            "birth_date": "1970-01-01",
            "relation": "intestatario",
        }
    ]
    without_project = in_charge(db, make_payload, household=bianchi)
    received_only = submit(db, make_payload)["id"]
    elsewhere = in_charge(db, make_payload, comune_istat=MELEGNANO)
    meeting = commission.create_meeting(
        db, COORDINATOR, {"date": date(2026, 2, 10), "location": "Sala", "comuni": [SGM]}
    )

    def found(text):
        candidates = commission.agenda_candidates(db, COORDINATOR, meeting["id"], text)
        return [c["referral_id"] for c in candidates]

    assert found("") == [with_project]  # nothing typed: those waiting for validation
    assert found("rossi") == [with_project]  # a name: received-only and Melegnano's left out
    assert found("ROSS mar") == [with_project]
    assert found("bi") == [with_project, without_project]  # Laura Bianchi is Rossi's spouse
    assert found("BÌANCHI") == found("bianchi")  # the Schede search's keys: accents ignored
    assert found(payload["household"][0]["codice_fiscale"].lower()) == [with_project]
    assert found(bianchi[0]["codice_fiscale"]) == [without_project]
    assert found("%") == [] and found("nessuno") == []
    assert received_only not in found("rossi") and elsewhere not in found("rossi")
    [first] = commission.agenda_candidates(db, COORDINATOR, meeting["id"], "rossi")
    assert first["head_name"] == "Rossi Mario" and first["awaiting_validation"]
    assert not first["on_agenda"]
    assert set(audited(db, "agenda_candidates")) == {with_project, without_project}

    commission.add_proposal(
        db, COORDINATOR, meeting["id"], {"referral_id": with_project, "kind": "validate_project"}
    )
    [again] = commission.agenda_candidates(db, COORDINATOR, meeting["id"], "rossi")
    assert again["on_agenda"] and not again["awaiting_validation"]
    assert found("") == []

    with pytest.raises(CaseForbidden):
        commission.agenda_candidates(db, AGENCY, meeting["id"], "rossi")
    with pytest.raises(MeetingNotFound):
        commission.agenda_candidates(db, MILANO_COORDINATOR, meeting["id"], "rossi")
