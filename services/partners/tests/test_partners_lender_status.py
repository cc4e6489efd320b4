"""The lender status use cases on a real database (SQLite, PostgreSQL), no broker: what FWA
reports becomes a loan with its history and one outbox event per accepted report; a retried
report, a refused one, another partner's or another role's change nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import func, select

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.errors import InvalidInput
from abitare_chassis.migrate import upgrade
from abitare_chassis.schemas import load
from partners.adapters.models import LenderStatusRow, LoanRow, metadata
from partners.errors import (
    LenderStatusIdReused,
    LenderStatusInvalid,
    LenderStatusNotAllowed,
    LendingNotInConvention,
    LoanClosed,
    LoanNotFound,
    PartnerForbidden,
)
from partners.schemas import LenderStatusInput
from partners.service import PartnersService
from partners.usecases import lending

FWA = Actor(sub="partner:FWA", role="partner_client", comuni=("015195", "015146"))
AFOL = Actor(sub="partner:AFOL", role="partner_client", comuni=("015195", "015146"))
COORDINATOR = Actor(sub="operator:coord", role="coordinator", comuni=("015195",))
MUNICIPAL = Actor(sub="client:comune-015195", role="municipal_client", comuni=("015195",))
TODAY = date(2026, 11, 30)
REFERRAL = "pr-7f3a"
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
    yield database
    database.dispose()


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
    return lending.report_lender_status(db, actor, load(LenderStatusInput(), data), TODAY)


def counts(db) -> tuple[int, int, int]:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(LoanRow)),
            session.scalar(select(func.count()).select_from(LenderStatusRow)),
            session.scalar(select(func.count()).select_from(db.outbox)),
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
    assert last["subject"] == REFERRAL and last["data"]["partner_code"] == "FWA"
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
