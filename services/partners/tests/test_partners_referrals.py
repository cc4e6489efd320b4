"""Consents and partner referrals on a real database (SQLite, PostgreSQL) through a chassis Db,
no broker: what is refused changes nothing, what is sent is filtered by convention and consent,
the partner sees only its own, each answer is a step and an event."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.migrate import upgrade
from partners.adapters.models import ConventionRow, Delivery, PartnerReferral, metadata
from partners.domain.conventions import agency_today
from partners.errors import (
    ConsentInvalid,
    ConsentNotFound,
    PartnerReferralNotFound,
    PartnerReferralRefused,
    PartnerReferralUpdateInvalid,
)
from partners.service import PartnersService
from partners.usecases import consents, referrals

SGM = "015195"
MILANO = "015146"
OPERATOR = Actor(sub="operator:op", role="agency_operator", comuni=(SGM, MILANO))
FWA_CLIENT = Actor(sub="partner:FWA", role="partner_client", comuni=(SGM, MILANO))
AFOL_CLIENT = Actor(sub="partner:AFOL", role="partner_client", comuni=(SGM, MILANO))
CASE = str(uuid.uuid4())
TODAY = agency_today()


@pytest.fixture
def db(db_url):
    upgrade(PartnersService.migrations_dir, db_url)
    database = Db("partners", db_url, metadata)
    yield database
    database.dispose()


def consent(db, **overrides):
    data = {
        "referral_id": CASE,
        "comune_istat": SGM,
        "partner_code": "FWA",
        "service": "microcredito",
        "categories": ["contatti"],
        "given_by": "Maria Rossi",
        "given_on": TODAY,
        "valid_until": TODAY + timedelta(days=365),
    }
    data.update(overrides)
    return consents.record_consent(db, OPERATOR, data)


def referral_input(**overrides):
    data = {
        "referral_id": CASE,
        "comune_istat": SGM,
        "comune_name": "San Giuliano Milanese",
        "partner_code": "FWA",
        "service": "microcredito",
        "note": None,
        "household": {"size": 3, "minors": 1, "over_65": 0, "members": [{"name": "Maria"}]},
        "contact": {"phone": "+39 333 1234567"},
        "economics": {"monthly_rent_cents": 65000},
    }
    data.update(overrides)
    return data


def counts(db):
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(PartnerReferral)),
            session.scalar(select(func.count()).select_from(Delivery)),
            session.scalar(select(func.count()).select_from(db.outbox)),
        )


def test_without_consent_a_grant_with_personal_fields_is_refused_and_nothing_changes(db):
    before = counts(db)
    with pytest.raises(PartnerReferralRefused) as refused:
        referrals.create_referral(db, OPERATOR, referral_input())
    assert refused.value.errors["consent"][0]["code"] == "consent_missing"
    withdrawn = consent(db)
    consents.withdraw_consent(
        db, OPERATOR, CASE, withdrawn["id"], {"withdrawn_by": "Maria Rossi", "withdrawn_on": TODAY}
    )
    with pytest.raises(PartnerReferralRefused) as refused:
        referrals.create_referral(db, OPERATOR, referral_input())
    assert refused.value.errors["consent"][0]["code"] == "consent_withdrawn"
    assert counts(db) == before


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"partner_code": "NOPE"}, "partner_code", "partner_unknown"),
        ({"service": "orientamento_lavoro"}, "service", "service_not_offered"),
        ({"partner_code": "MM", "service": "alloggio_sap"}, "comune_istat", "comune_not_covered"),
    ],
)
def test_a_referral_the_convention_does_not_allow_is_refused(db, overrides, field, code):
    consent(db, categories=["anagrafica", "contatti", "dati_economici"])
    before = counts(db)
    with pytest.raises(PartnerReferralRefused) as refused:
        referrals.create_referral(db, OPERATOR, referral_input(**overrides))
    assert refused.value.errors[field][0]["code"] == code
    assert counts(db) == before


def test_an_expired_convention_says_so(db):
    with db.transaction() as tx:
        row = tx.session.scalar(select(ConventionRow).where(ConventionRow.partner_code == "FWA"))
        row.valid_to = TODAY - timedelta(days=1)
    consent(db)
    with pytest.raises(PartnerReferralRefused) as refused:
        referrals.create_referral(db, OPERATOR, referral_input())
    assert refused.value.errors["service"][0]["code"] == "convention_expired"


def test_the_partner_gets_grant_and_consent_fields_under_its_own_reference(db):
    consent(db)  # "contatti" only: no members, no economics
    sent = referrals.create_referral(db, OPERATOR, referral_input())
    assert sent["state"] == "inviato" and sent["convention_code"] == "FWA-2024"
    assert "contact.phone" in sent["fields"] and "household.size" in sent["fields"]
    assert not any(f.startswith(("economics", "household.members")) for f in sent["fields"])
    assert sent["respond_by"] == TODAY + timedelta(days=10)  # FWA's response_days
    with db.session() as session:
        delivery = session.scalars(select(Delivery)).one()
        envelope = session.execute(select(db.outbox.c.body)).scalar_one()
    assert delivery.partner_code == "FWA" and delivery.event_type.endswith("created.v1")
    assert delivery.fields == sent["fields"]
    assert envelope["data"]["contact"] == {"phone": "+39 333 1234567"}
    assert CASE not in str(envelope) and "actor" not in envelope
    seen = referrals.get_own(db, FWA_CLIENT, sent["id"])
    assert seen["household_ref"] == envelope["data"]["household_ref"] != CASE
    assert seen["data"] == envelope["data"]
    assert "referral_id" not in seen and "sent_by" not in seen


def test_a_partner_reads_and_answers_only_its_own_referrals(db):
    consent(db, categories=["anagrafica", "contatti", "dati_economici"])
    sent = referrals.create_referral(db, OPERATOR, referral_input())
    assert referrals.list_own(db, AFOL_CLIENT) == []
    with pytest.raises(PartnerReferralNotFound):
        referrals.get_own(db, AFOL_CLIENT, sent["id"])
    with pytest.raises(PartnerReferralNotFound):
        referrals.update_by_partner(db, AFOL_CLIENT, sent["id"], {"update": "accept"})
    assert [r["id"] for r in referrals.list_own(db, FWA_CLIENT)] == [sent["id"]]


def test_answers_move_the_state_and_a_bad_one_changes_nothing(db):
    consent(db)
    sent = referrals.create_referral(db, OPERATOR, referral_input())
    accepted = referrals.update_by_partner(db, FWA_CLIENT, sent["id"], {"update": "accept"})
    assert accepted["state"] == "accettato"
    before = counts(db)
    with pytest.raises(PartnerReferralUpdateInvalid) as invalid:
        referrals.update_by_partner(
            db, FWA_CLIENT, sent["id"], {"update": "outcome", "outcome": "assunzione"}
        )
    assert invalid.value.errors["outcome"][0]["code"] == "outcome_not_valid_for_service"
    assert counts(db) == before
    done = referrals.update_by_partner(
        db, FWA_CLIENT, sent["id"], {"update": "outcome", "outcome": "prestito_erogato"}
    )
    assert done["state"] == "concluso" and done["outcome"] == "prestito_erogato"
    listed = referrals.list_for_case(db, OPERATOR, CASE)[0]
    assert [s["update"] for s in listed["steps"]] == ["created", "accept", "outcome"]
    assert listed["steps"][-1]["outcome_label"] == "Prestito erogato"


def test_a_case_sent_referral_s_answers_are_events_without_an_action(db):
    """Sent from the case's tab (no project action): each answer still tells intake (its diary),
    naming the partner's referral instead of an action; valid against the contract."""
    import json
    from pathlib import Path

    from jsonschema import Draft202012Validator, FormatChecker

    consent(db)
    sent = referrals.create_referral(db, OPERATOR, referral_input())
    assert sent["action_id"] is None
    referrals.update_by_partner(db, FWA_CLIENT, sent["id"], {"update": "accept"})
    referrals.update_by_partner(
        db, FWA_CLIENT, sent["id"], {"update": "outcome", "outcome": "prestito_erogato"}
    )
    with db.session() as session:
        bodies = session.scalars(select(db.outbox.c.body).order_by(db.outbox.c.id)).all()
    answers = [b for b in bodies if b["type"] == "partners.action_outcome_recorded.v1"]
    schema = json.loads(
        (
            Path(__file__).resolve().parents[3]
            / "infra/contracts/events/partners.action_outcome_recorded.v1.json"
        ).read_text()
    )
    for answer in answers:
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(answer["data"])
        assert "action_id" not in answer["data"]
        assert answer["data"]["partner_referral_id"] == sent["id"]
        assert answer["data"]["partner_code"] == "FWA" and answer["data"]["referral_id"] == CASE
        assert answer["subject"] == CASE and answer["tenant"] == SGM
    assert [(a["data"]["status"], a["data"]["outcome_label"]) for a in answers] == [
        ("in_corso", "invio accettato"),
        ("completata", "Prestito erogato"),
    ]


def test_a_project_action_that_cannot_be_sent_is_recorded_as_not_sent(db, db_url):
    handler = Db("partners", db_url, metadata, handler="partners.handle_intake_action_requested")
    event = type("E", (), {"id": str(uuid.uuid4()), "actor": OPERATOR, "correlationid": None})()
    data = {
        "referral_id": CASE,
        "comune_istat": SGM,
        "action_id": str(uuid.uuid4()),
        "partner_code": "FWA",
        "service": None,  # FWA offers four services: which one is not said
        "household": {"size": 2},
    }
    try:
        recorded = referrals.request_from_action(handler, event, data)
    finally:
        handler.dispose()
    assert recorded["state"] == "non_inviato"
    assert recorded["refusal"]["code"] == "service_not_offered"
    assert counts(db)[1:] == (0, 0)  # nothing left the agency
    assert referrals.list_for_case(db, OPERATOR, CASE)[0]["state_label"] == "Non inviato"


def test_a_referral_with_no_answer_past_the_response_time_is_overdue(db):
    consent(db)
    sent = referrals.create_referral(db, OPERATOR, referral_input())
    answered = referrals.create_referral(db, OPERATOR, referral_input())
    referrals.update_by_partner(db, FWA_CLIENT, answered["id"], {"update": "accept"})
    assert referrals.list_overdue(db, OPERATOR) == []
    with db.transaction() as tx:
        for row in tx.session.scalars(select(PartnerReferral)):
            row.respond_by = TODAY - timedelta(days=2)
    [late] = referrals.list_overdue(db, OPERATOR)
    assert (late["id"], late["days_late"], late["partner_code"]) == (sent["id"], 2, "FWA")
    other_comune = Actor(sub="operator:x", role="comune_operator", comuni=("015146",))
    assert referrals.list_overdue(db, other_comune) == []


def test_withdrawing_tells_the_partner_and_ends_the_referral(db):
    consent(db)
    sent = referrals.create_referral(db, OPERATOR, referral_input())
    withdrawn = referrals.withdraw_referral(
        db, OPERATOR, CASE, sent["id"], "Il nucleo ha trovato lavoro"
    )
    assert withdrawn["state"] == "ritirato"
    with db.session() as session:
        types = session.scalars(select(Delivery.event_type).order_by(Delivery.id)).all()
    assert types == [
        "partners.partner_referral_created.v1",
        "partners.partner_referral_withdrawn.v1",
    ]
    with pytest.raises(PartnerReferralUpdateInvalid):
        referrals.withdraw_referral(db, OPERATOR, CASE, sent["id"], "di nuovo")
    with pytest.raises(PartnerReferralUpdateInvalid):
        referrals.update_by_partner(db, FWA_CLIENT, sent["id"], {"update": "accept"})


def test_another_cases_consent_or_referral_cannot_be_withdrawn_through_this_case(db):
    """The case in the URL must be the record's: another case of the same comune finds
    nothing (not found, like another comune's) and nothing changes."""
    given = consent(db)
    sent = referrals.create_referral(db, OPERATOR, referral_input())
    before = counts(db)
    other_case = str(uuid.uuid4())
    with pytest.raises(ConsentNotFound):
        consents.withdraw_consent(
            db, OPERATOR, other_case, given["id"], {"withdrawn_by": "X", "withdrawn_on": TODAY}
        )
    with pytest.raises(PartnerReferralNotFound):
        referrals.withdraw_referral(db, OPERATOR, other_case, sent["id"], "per errore")
    assert counts(db) == before
    [still] = consents.list_consents(db, OPERATOR, CASE)
    assert still["valid_today"] is True and still["withdrawn_on"] is None
    [listed] = referrals.list_for_case(db, OPERATOR, CASE)
    assert listed["state"] == "inviato" and [s["update"] for s in listed["steps"]] == ["created"]


def test_a_consent_is_checked_when_recorded(db):
    with pytest.raises(ConsentInvalid) as invalid:
        consent(
            db,
            categories=["salute"],
            valid_until=TODAY - timedelta(days=1),
            partner_code="NOPE",
        )
    assert set(invalid.value.errors) == {"categories", "valid_until", "partner_code"}
    assert consents.list_consents(db, OPERATOR, CASE) == []


def test_a_partner_seeded_without_a_delivery_key_gets_one_with_its_first_referral(db):
    consent(db, partner_code="CAF", service="pratica_isee", categories=["dati_economici"])
    sent = referrals.create_referral(
        db, OPERATOR, referral_input(partner_code="CAF", service="pratica_isee")
    )
    assert sent["state"] == "inviato"
    assert "economics.monthly_rent_cents" in sent["fields"]
    assert "contact.phone" not in sent["fields"]  # the consent does not cover it
