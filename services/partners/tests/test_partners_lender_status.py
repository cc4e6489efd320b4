"""The lender status use cases on a real database (SQLite, PostgreSQL), no broker: what FWA
reports, for a household the agency sent to it (a real partner referral, with consent), becomes a
loan with its history, an audit row and one outbox event per accepted report; a retried report,
a refused one, another partner's or another role's change nothing."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import func, select

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.errors import InvalidInput
from abitare_chassis.migrate import upgrade
from abitare_chassis.schemas import load
from partners.adapters.models import LenderStatusRow, LoanRow, PartnerReferral, metadata
from partners.domain.conventions import agency_today
from partners.errors import (
    LenderStatusIdReused,
    LenderStatusInvalid,
    LenderStatusNotAllowed,
    LendingNotInConvention,
    LoanClosed,
    LoanNotFound,
    PartnerForbidden,
    PartnerReferralNotFound,
)
from partners.schemas import LenderStatusInput
from partners.service import PartnersService
from partners.usecases import consents, lending, referrals

FWA = Actor(sub="partner:FWA", role="partner_client", comuni=("015195", "015146"))
AFOL = Actor(sub="partner:AFOL", role="partner_client", comuni=("015195", "015146"))
COORDINATOR = Actor(sub="operator:coord", role="coordinator", comuni=("015195",))
MUNICIPAL = Actor(sub="client:comune-015195", role="municipal_client", comuni=("015195",))
TODAY = date(2026, 11, 30)  # the reports' "today" (the referrals are sent on the real one)
OPERATOR = Actor(sub="operator:op", role="agency_operator", comuni=("015195",))
CASE = str(uuid.uuid4())
REFERRAL = "MC"  # stands for the FWA microcredito referral the fixture sends (``db.refs``)
SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[3]
        / "infra/contracts/events/partners.lender_status_reported.v1.json"
    ).read_text()
)


@pytest.fixture
def db(db_url):
    upgrade(PartnersService.migrations_dir, db_url)
    database = Db("partners", db_url, metadata)
    database.refs = {  # type: ignore[attr-defined]
        "MC": send(database, "FWA", "microcredito"),
        "AS": send(database, "FWA", "anticipazione_sociale"),
        "AFOL": send(database, "AFOL", "orientamento_lavoro"),
    }
    yield database
    database.dispose()


def send(db, partner: str, service: str) -> str:
    """A household of SGM sent to ``partner`` for ``service``, with its consent."""
    given = agency_today()
    consents.record_consent(
        db,
        OPERATOR,
        {
            "referral_id": CASE,
            "comune_istat": "015195",
            "partner_code": partner,
            "service": service,
            "categories": ["contatti"],
            "given_by": "Maria Rossi",
            "given_on": given,
            "valid_until": given + timedelta(days=365),
        },
    )
    sent = referrals.create_referral(
        db,
        OPERATOR,
        {
            "referral_id": CASE,
            "comune_istat": "015195",
            "comune_name": "San Giuliano Milanese",
            "partner_code": partner,
            "service": service,
            "note": None,
            "household": {"size": 2, "minors": 0, "over_65": 0},
            "contact": {},
            "economics": {},
        },
    )
    return sent["id"]


def payload(status_id, status, **values) -> dict:
    return {
        "status_id": status_id,
        "loan_ref": values.pop("loan_ref", "FWA-MC-0042"),
        "partner_referral_id": values.pop("partner_referral_id", REFERRAL),
        "product": values.pop("product", "microcredito"),
        "status": status,
        "occurred_on": values.pop("occurred_on", "2026-11-02"),
        **values,
    }


APPROVED = payload(
    "st-1",
    "approved",
    amount_cents=500_000,
    instalments=24,
    instalment_cents=22_000,
    first_due_on="2026-12-01",
)
DISBURSED = payload("st-2", "disbursed", occurred_on="2026-11-10")
PAID = payload("st-3", "instalment_paid", instalment_number=1, occurred_on="2026-11-25")


def report(db, data, actor=FWA):
    ref = data["partner_referral_id"]
    data = {**data, "partner_referral_id": db.refs.get(ref, ref)}
    return lending.report_lender_status(db, actor, load(LenderStatusInput(), data), TODAY)


def counts(db) -> tuple[int, int, int]:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(LoanRow)),
            session.scalar(select(func.count()).select_from(LenderStatusRow)),
            session.scalar(
                select(func.count())
                .select_from(db.outbox)
                .where(db.outbox.c.routing_key == "lender_status_reported")
            ),
        )


def outbox_bodies(db) -> list[dict]:
    with db.session() as session:
        return [
            row.body
            for row in session.execute(select(db.outbox).order_by(db.outbox.c.id)).all()
            if row.routing_key == "lender_status_reported"
        ]


def test_approved_disbursed_paid_make_a_loan_with_its_history_and_one_event_each(db):
    first = report(db, APPROVED)
    assert (first["state"], first["amount_cents"], first["replayed"]) == (
        "approved",
        500_000,
        False,
    )
    report(db, DISBURSED)
    loan = report(db, PAID)
    assert (loan["state"], loan["repaid_cents"], loan["outstanding_cents"]) == (
        "disbursed",
        22_000,
        478_000,
    )
    assert loan["paid_instalments"] == [1]
    assert [h["status"] for h in loan["history"]] == ["approved", "disbursed", "instalment_paid"]
    assert [h["state_after"] for h in loan["history"]] == ["approved", "disbursed", "disbursed"]
    bodies = outbox_bodies(db)
    assert [b["type"] for b in bodies] == ["partners.lender_status_reported.v1"] * 3
    assert [b["data"]["status"] for b in bodies] == ["approved", "disbursed", "instalment_paid"]
    validator = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
    for body in bodies:
        validator.validate(body["data"])  # what is emitted is what the contract says
    last = bodies[-1]
    assert last["subject"] == db.refs["MC"] and last["data"]["partner_code"] == "FWA"
    assert last["tenant"] == "015195"
    assert last["data"]["loan"]["repaid_cents"] == 22_000
    assert lending.get_loan(db, FWA, "FWA-MC-0042") == {
        k: v for k, v in loan.items() if k != "replayed"
    }


def test_a_retried_report_changes_nothing_and_emits_nothing(db):
    report(db, APPROVED)
    before = counts(db)
    again = report(db, APPROVED)
    assert again["replayed"] is True and len(again["history"]) == 1
    assert counts(db) == before == (1, 1, 1)
    # the same id for another report is a mistake of the partner's, not a retry
    with pytest.raises(LenderStatusIdReused):
        report(db, {**DISBURSED, "status_id": "st-1"})
    assert counts(db) == before


@pytest.mark.parametrize(
    "data, error, code",
    [
        (DISBURSED, LoanNotFound, "loan_not_found"),  # no approval: an unknown loan
        (
            payload(
                "x",
                "approved",
                amount_cents=100,
                instalments=1,
                instalment_cents=100,
                first_due_on="2026-12-01",
            ),
            LenderStatusInvalid,
            "lender_status_invalid",
        ),
        (
            payload(
                "x",
                "approved",
                product="anticipazione_sociale",
                partner_referral_id="AS",
                amount_cents=700_000,
                instalments=7,
                instalment_cents=100_000,
                first_due_on="2026-12-01",
                allowances=7,
            ),
            LenderStatusInvalid,
            "lender_status_invalid",
        ),
        (
            {**APPROVED, "occurred_on": "2026-12-01"},
            LenderStatusInvalid,
            "lender_status_invalid",
        ),  # after today
    ],
)
def test_a_refused_first_report_stores_nothing(db, data, error, code):
    with pytest.raises(error) as raised:
        report(db, data)
    assert raised.value.code == code
    assert counts(db) == (0, 0, 0)


def test_a_refused_report_leaves_the_loan_as_it_was(db):
    report(db, APPROVED)
    report(db, DISBURSED)
    report(db, payload("st-9", "repaid", occurred_on="2026-11-20"))
    before = counts(db)
    with pytest.raises(LoanClosed) as closed:
        report(db, PAID)  # an instalment after repayment
    assert closed.value.details == {"state": "repaid", "status": "instalment_paid"}
    with pytest.raises(LoanClosed):
        report(db, payload("st-10", "written_off", occurred_on="2026-11-21"))
    assert counts(db) == before
    assert lending.get_loan(db, FWA, "FWA-MC-0042")["state"] == "repaid"


def test_a_status_not_valid_from_the_current_state_is_refused(db):
    report(db, APPROVED)
    with pytest.raises(LenderStatusNotAllowed) as raised:
        report(db, PAID)
    assert raised.value.details == {"state": "approved", "status": "instalment_paid"}
    assert counts(db) == (1, 1, 1)


def test_the_loan_answers_one_referral(db):
    report(db, APPROVED)
    with pytest.raises(LenderStatusInvalid) as raised:
        report(db, {**DISBURSED, "partner_referral_id": "pr-other"})
    assert raised.value.errors == {"partner_referral_id": [{"code": "loan_referral_mismatch"}]}


def test_negative_amounts_never_reach_the_rules(db):
    with pytest.raises(InvalidInput) as raised:
        load(LenderStatusInput(), {**APPROVED, "amount_cents": -5})
    assert "amount_cents" in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        load(LenderStatusInput(), payload("x", "instalment_paid"))
    assert raised.value.errors["instalment_number"][0]["code"] == "required"


def test_only_a_partner_whose_convention_offers_lending_reports(db):
    with pytest.raises(LendingNotInConvention) as raised:
        report(db, APPROVED, actor=AFOL)  # AFOL: job orientation and training
    assert raised.value.code == "lending_not_in_convention"
    for actor in (COORDINATOR, MUNICIPAL, Actor(sub="client:x", role="partner_client")):
        with pytest.raises(PartnerForbidden):
            report(db, APPROVED, actor=actor)
    assert counts(db) == (0, 0, 0)


def test_a_partner_reads_its_own_loans_only(db):
    report(db, APPROVED)
    with pytest.raises(LoanNotFound):
        lending.get_loan(db, AFOL, "FWA-MC-0042")
    with pytest.raises(PartnerForbidden):
        lending.get_loan(db, COORDINATOR, "FWA-MC-0042")
    # another partner's loan reference is its own namespace: a lender's refs never collide
    assert lending.get_loan(db, FWA, "FWA-MC-0042")["loan_ref"] == "FWA-MC-0042"


def test_a_rescheduling_starts_a_new_plan(db):
    report(db, APPROVED)
    report(db, DISBURSED)
    report(db, PAID)
    rescheduled = payload(
        "st-4",
        "rescheduled",
        instalments=48,
        instalment_cents=10_000,
        first_due_on="2027-01-01",
        occurred_on="2026-11-29",
    )
    loan = report(db, rescheduled)
    assert (loan["plan"], loan["instalments"], loan["paid_instalments"]) == (2, 48, [])
    assert loan["history"][-1]["instalments"] == 48


def audit_rows(db) -> list[tuple]:
    from abitare_chassis.audit import audit_event

    with db.session() as session:
        return session.execute(
            select(audit_event.c.action, audit_event.c.actor_sub, audit_event.c.referral_id)
            .where(audit_event.c.data_set == "loan")
            .order_by(audit_event.c.id)
        ).all()


def test_every_report_and_read_is_audited_under_the_households_case(db):
    report(db, APPROVED)
    lending.get_loan(db, FWA, "FWA-MC-0042")
    assert audit_rows(db) == [
        ("report_lender_status", "partner:FWA", CASE),
        ("get_loan", "partner:FWA", CASE),
    ]


@pytest.mark.parametrize(
    "ref, product, error, field",
    [
        ("no-such-referral", "microcredito", PartnerReferralNotFound, None),
        ("AFOL", "microcredito", PartnerReferralNotFound, None),  # sent to another partner
        ("AS", "microcredito", LenderStatusInvalid, "product"),  # sent for the other product
    ],
)
def test_a_loan_answers_a_referral_sent_to_this_partner_for_this_product(
    db, ref, product, error, field
):
    with pytest.raises(error) as raised:
        report(db, {**APPROVED, "partner_referral_id": ref, "product": product})
    if field:
        assert raised.value.errors[field][0]["code"] == "referral_service_mismatch"
    assert counts(db)[:2] == (0, 0)


def test_a_withdrawn_referral_gets_no_new_loan_but_an_existing_one_goes_on(db):
    report(db, APPROVED)
    referrals.withdraw_referral(db, OPERATOR, CASE, db.refs["MC"], "la famiglia ha rinunciato")
    assert report(db, DISBURSED)["state"] == "disbursed"  # FWA's loan is FWA's
    with db.session() as session:
        assert session.get(PartnerReferral, db.refs["MC"]).state == "ritirato"
    with pytest.raises(LenderStatusInvalid) as raised:
        report(db, {**APPROVED, "status_id": "st-new", "loan_ref": "FWA-MC-0043"})
    assert raised.value.errors["partner_referral_id"][0]["code"] == "referral_not_open"
