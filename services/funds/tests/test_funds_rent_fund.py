"""The Fondo Affitto use cases on a real database (SQLite, PostgreSQL), no broker: a window of the
demo regulation (Misura unica affitto), applications checked and granted, the ranking at the
close, the approval and the payments; each step's events in the outbox, the project action
answered; bad input and wrong states change nothing."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import func, select

from abitare_chassis.actor import Actor
from abitare_chassis.database import AlreadyHandled, Db
from abitare_chassis.errors import InvalidInput
from abitare_chassis.migrate import upgrade
from abitare_chassis.schemas import load
from funds.adapters.models import RentFundApplication, RentFundPayment, RentFundWindow, metadata
from funds.errors import (
    FundsForbidden,
    RentFundApplicationNotFound,
    RentFundConflict,
    RentFundIdempotencyKeyReused,
    RentFundInvalid,
    RentFundWindowNotFound,
)
from funds.schemas import ApplicationInput, PaymentInput, WindowInput
from funds.service import FundsService
from funds.usecases import rent_fund

SGM = "015195"
MILANO = "015146"  # not in the demo regulation's ambito
DEMO_REGULATION = "5a3b2e1c-0000-4000-8000-000000000001"
AMBITO = ("015195", "015192", "015050", "015071", "015082", "015101", "015140", "015202", "015244")
COORDINATOR = Actor(sub="operator:coord", role="coordinator", comuni=AMBITO)
SGM_COORDINATOR = Actor(sub="operator:sgm", role="coordinator", comuni=(SGM,))
OPERATOR = Actor(sub="operator:op", role="agency_operator", comuni=(SGM,))
MILANO_COORDINATOR = Actor(sub="operator:mi", role="coordinator", comuni=(MILANO,))
TODAY = rent_fund._today()
CONTRACTS = Path(__file__).resolve().parents[3] / "infra/contracts/events"
DOCUMENTS = [
    "Attestazione ISEE in corso di validità",
    "Contratto di locazione registrato",
    "Documento d'identità del richiedente",
]


@pytest.fixture
def db(db_url):
    upgrade(FundsService.migrations_dir, db_url)
    return Db("funds", db_url, metadata, handler="funds.handle_intake_action_requested")


def window_body(**changes):
    return {
        "regulation_id": DEMO_REGULATION,
        "title": "Bando 2026",
        "opens_on": (TODAY - timedelta(days=10)).isoformat(),
        "closes_on": (TODAY + timedelta(days=10)).isoformat(),
        **changes,
    }


def window(db, budget_cents=500_000, **changes):
    data = {
        "regulation_id": DEMO_REGULATION,
        "title": "Bando 2026",
        "opens_on": (TODAY - timedelta(days=10)).isoformat(),
        "closes_on": (TODAY + timedelta(days=10)).isoformat(),
        "budget_cents": budget_cents,
        **changes,
    }
    return rent_fund.open_window(db, COORDINATOR, load(WindowInput(), data))


def application(window_id, **changes):
    """Eligible by default: ISEE € 10.000, rent € 500 on € 1.200 income, lease since 2025."""
    data = {
        "referral_id": str(uuid.uuid4()),
        "comune_istat": SGM,
        "window_id": window_id,
        "casa_grade": 2,
        "isee_cents": 1_000_000,
        "isee_kind": "certificato",
        "monthly_rent_cents": 50_000,
        "monthly_net_income_cents": 120_000,
        "resident": True,
        "lease_registered": True,
        "lease_start": "2025-01-01",
        "tenure": "libero",
        "eviction_procedure": False,
        "owns_adequate_dwelling": False,
        "documents": DOCUMENTS,
        **changes,
    }
    return load(ApplicationInput(), data)


def outbox(db, routing_key) -> list[dict]:
    with db.session() as session:
        rows = session.execute(select(db.outbox).order_by(db.outbox.c.id)).all()
    return [r.body for r in rows if r.routing_key == routing_key]


def counts(db) -> tuple[int, int, int]:
    with db.session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table))
            for table in (RentFundWindow, RentFundApplication, RentFundPayment)
        )


def action_event(action_id, referral_id, event_id=None):
    return SimpleNamespace(
        id=event_id or str(uuid.uuid4()),
        correlationid=None,
        actor=OPERATOR,
        tenant=SGM,
        data={},
    ), {"referral_id": referral_id, "comune_istat": SGM, "action_id": action_id}


def test_an_application_is_checked_explained_and_granted(db):
    w = window(db)
    app = rent_fund.file_application(db, OPERATOR, application(w["id"]))
    assert app["state"] == "presentata" and app["eligibility"] == "ammissibile"
    # 10 monthly rents of € 500 = € 5.000, capped at € 3.600 per household
    assert app["grant_cents"] == 360_000
    assert app["grant"]["uncapped_cents"] == 500_000
    assert "ridotto al tetto di € 3.600,00" in app["grant"]["explanation"]
    codes = [c["code"] for c in app["criteria"]]
    assert codes[0] == "isee" and "documenti" in codes
    assert all(c["outcome"] == "soddisfatto" and c["explanation"] for c in app["criteria"])
    isee = app["criteria"][0]
    assert "DGR" in isee["reference"] and isee["to_verify"] is True
    [event] = outbox(db, "application_submitted")
    assert event["data"]["grant_cents"] == 360_000 and "isee_cents" not in event["data"]
    schema = json.loads((CONTRACTS / "funds.application_submitted.v1.json").read_text())
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(event["data"])


def test_a_sap_tenant_is_not_eligible_and_a_missing_fact_is_incomplete(db):
    w = window(db)
    sap = rent_fund.file_application(db, OPERATOR, application(w["id"], tenure="sap"))
    assert sap["eligibility"] == "non_ammissibile" and sap["grant_cents"] is None
    [tenure] = [c for c in sap["criteria"] if c["code"] == "tipo_locazione"]
    assert tenure["outcome"] == "non_soddisfatto" and "SAP" in tenure["explanation"]
    unknown = rent_fund.file_application(db, OPERATOR, application(w["id"], resident=None))
    assert unknown["eligibility"] == "incompleta"


def test_the_same_key_is_one_application_and_another_payload_is_refused(db):
    w = window(db)
    data = application(w["id"], idempotency_key="k-1")
    first = rent_fund.file_application(db, OPERATOR, data)
    again = rent_fund.file_application(db, OPERATOR, dict(data))
    assert again["id"] == first["id"]
    with pytest.raises(RentFundIdempotencyKeyReused):
        rent_fund.file_application(db, OPERATOR, {**data, "isee_cents": 900_000})
    assert counts(db) == (1, 1, 0) and len(outbox(db, "application_submitted")) == 1


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"closes_on": (TODAY - timedelta(days=20)).isoformat()}, "closes_on", "date_order"),
        ({"opens_on": "2025-06-01"}, "opens_on", "outside_regulation"),
    ],
)
def test_a_window_that_cannot_be_changes_nothing(db, changes, field, code):
    with pytest.raises(RentFundInvalid) as caught:
        window(db, **changes)
    assert caught.value.errors[field][0]["code"] == code
    assert counts(db) == (0, 0, 0)


def test_negative_or_fractional_amounts_are_refused_at_the_edge():
    with pytest.raises(InvalidInput):
        load(ApplicationInput(), {**application(str(uuid.uuid4())), "monthly_rent_cents": -1})
    with pytest.raises(InvalidInput):
        load(PaymentInput(), {"amount_cents": 10.5, "paid_on": "2026-12-01"})


def test_outside_the_window_or_the_ambito_or_the_role_nothing_is_filed(db):
    w = window(db)
    rent_fund.close_window(db, COORDINATOR, w["id"])
    with pytest.raises(RentFundConflict) as caught:
        rent_fund.file_application(db, OPERATOR, application(w["id"]))
    assert caught.value.details["reason"] == "window_not_open"
    open_ = window(db)
    with pytest.raises(RentFundWindowNotFound):
        rent_fund.get_window(db, MILANO_COORDINATOR, open_["id"])
    with pytest.raises(FundsForbidden):
        rent_fund.rank_window(db, OPERATOR, open_["id"])
    assert counts(db) == (2, 0, 0)


def test_ranking_funds_in_order_until_the_budget_ends_then_approval_and_payments(db):
    w = window(db, budget_cents=500_000)  # € 5.000: room for one grant of € 3.600, not two
    action_id = str(uuid.uuid4())
    low_isee = str(uuid.uuid4())
    event, data = action_event(action_id, low_isee)
    draft = rent_fund.request_from_action(db, event, data)
    assert draft["state"] == "bozza"
    with pytest.raises(AlreadyHandled):  # the same event delivered again
        rent_fund.request_from_action(db, event, data)
    assert rent_fund.request_from_action(db, *action_event(action_id, low_isee)) is None
    first = rent_fund.file_application(
        db,
        OPERATOR,
        application(w["id"], referral_id=low_isee, application_id=draft["id"], isee_cents=800_000),
    )
    assert first["id"] == draft["id"] and first["action_id"] == action_id
    second = rent_fund.file_application(db, OPERATOR, application(w["id"], isee_cents=1_500_000))
    excluded = rent_fund.file_application(db, OPERATOR, application(w["id"], tenure="sat"))

    with pytest.raises(RentFundConflict):  # an open window is not ranked
        rent_fund.rank_window(db, COORDINATOR, w["id"])
    rent_fund.close_window(db, COORDINATOR, w["id"])
    ranked = rent_fund.rank_window(db, COORDINATOR, w["id"])
    assert (ranked["state"], ranked["funded_count"], ranked["funded_cents"]) == (
        "graduatoria",
        1,
        360_000,
    )
    assert rent_fund.rank_window(db, COORDINATOR, w["id"])["funded_cents"] == 360_000
    page = rent_fund.get_window(db, COORDINATOR, w["id"])
    assert [(a["id"], a["rank_position"], a["rank_outcome"]) for a in page["items"]] == [
        (first["id"], 1, "finanziabile"),
        (second["id"], 2, "idonea_non_finanziata"),
        (excluded["id"], None, "esclusa"),
    ]
    assert page["ranking_words"].startswith("ISEE crescente")

    approved = rent_fund.approve_window(db, COORDINATOR, w["id"])
    assert approved["state"] == "approvato" and approved["committed_cents"] == 360_000
    decided = {e["data"]["application_id"]: e["data"] for e in outbox(db, "application_decided")}
    assert {k: v["decision"] for k, v in decided.items()} == {
        first["id"]: "approvata",
        second["id"]: "non_finanziata",
        excluded["id"]: "esclusa",
    }
    schema = json.loads((CONTRACTS / "funds.application_decided.v1.json").read_text())
    for data in decided.values():
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(data)

    with pytest.raises(RentFundInvalid) as caught:  # more than approved: nothing recorded
        rent_fund.record_payment(
            db, COORDINATOR, first["id"], {"amount_cents": 360_001, "paid_on": TODAY}
        )
    assert caught.value.errors["amount_cents"][0]["available_cents"] == 360_000
    with pytest.raises(RentFundConflict):  # a not-funded application is not paid
        rent_fund.record_payment(
            db, COORDINATOR, second["id"], {"amount_cents": 100, "paid_on": TODAY}
        )
    part = rent_fund.record_payment(
        db, COORDINATOR, first["id"], {"amount_cents": 200_000, "paid_on": TODAY}
    )
    assert (part["state"], part["paid_cents"]) == ("approvata", 200_000)
    paid = rent_fund.record_payment(
        db, COORDINATOR, first["id"], {"amount_cents": 160_000, "paid_on": TODAY}
    )
    assert (paid["state"], paid["paid_cents"]) == ("pagata", 360_000)
    assert counts(db) == (1, 3, 2)

    answers = [e["data"] for e in outbox(db, "action_outcome_recorded")]
    assert [(a["action_id"], a["status"], a["outcome"]) for a in answers] == [
        (action_id, "in_corso", "domanda_in_preparazione"),
        (action_id, "in_corso", "concesso"),
        (action_id, "completata", "erogato"),
    ]
    schema = json.loads((CONTRACTS / "funds.action_outcome_recorded.v1.json").read_text())
    for data in answers:
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(data)


def test_a_case_lists_its_applications_in_scope_only(db):
    w = window(db)
    app = rent_fund.file_application(db, OPERATOR, application(w["id"]))
    [listed] = rent_fund.list_for_case(db, OPERATOR, app["referral_id"])
    assert listed["id"] == app["id"]
    assert rent_fund.list_for_case(db, MILANO_COORDINATOR, app["referral_id"]) == []
    with pytest.raises(RentFundApplicationNotFound):
        rent_fund.record_payment(
            db, MILANO_COORDINATOR, app["id"], {"amount_cents": 1, "paid_on": TODAY}
        )
    [regulation] = rent_fund.list_regulations(db, OPERATOR)
    assert regulation["id"] == DEMO_REGULATION and "grant_cap_cents" in regulation["to_verify"]
    assert rent_fund.list_regulations(db, MILANO_COORDINATOR) == []


def test_only_a_coordinator_of_every_comune_of_the_regulation_manages_its_windows(db):
    """Closing, ranking and approving decide every comune's applications: a coordinator of one
    comune of the ambito reads the window (its own households only) but cannot manage it."""
    with pytest.raises(RentFundWindowNotFound):
        rent_fund.open_window(
            db,
            SGM_COORDINATOR,
            load(WindowInput(), window_body(budget_cents=100_000)),
        )
    w = window(db)
    for step in (rent_fund.close_window, rent_fund.rank_window, rent_fund.approve_window):
        with pytest.raises(RentFundWindowNotFound):
            step(db, SGM_COORDINATOR, w["id"])
    assert rent_fund.get_window(db, SGM_COORDINATOR, w["id"])["state"] == "aperto"


def test_a_payment_asked_twice_with_its_key_is_recorded_once(db):
    w = window(db)
    app = rent_fund.file_application(db, OPERATOR, application(w["id"]))
    for step in (rent_fund.close_window, rent_fund.rank_window, rent_fund.approve_window):
        step(db, COORDINATOR, w["id"])
    payment = {"amount_cents": 100_000, "paid_on": TODAY, "idempotency_key": "bonifico-1"}
    first = rent_fund.record_payment(db, COORDINATOR, app["id"], dict(payment))
    again = rent_fund.record_payment(db, COORDINATOR, app["id"], dict(payment))
    assert first["paid_cents"] == again["paid_cents"] == 100_000
    with pytest.raises(RentFundIdempotencyKeyReused):
        rent_fund.record_payment(db, COORDINATOR, app["id"], {**payment, "amount_cents": 5})
    assert counts(db) == (1, 1, 1)


def test_an_application_filed_after_the_ranking_stops_the_approval(db):
    w = window(db)
    rent_fund.file_application(db, OPERATOR, application(w["id"]))
    rent_fund.close_window(db, COORDINATOR, w["id"])
    rent_fund.rank_window(db, COORDINATOR, w["id"])
    with db.transaction() as tx:  # as a filing that read "aperto" before the close would
        late = RentFundApplication(
            id=str(uuid.uuid4()),
            referral_id=str(uuid.uuid4()),
            comune_istat=SGM,
            window_id=w["id"],
            state="presentata",
            documents=[],
            created_at=datetime.now(UTC),
            created_by="operator:op",
        )
        tx.session.add(late)
    with pytest.raises(RentFundConflict) as caught:
        rent_fund.approve_window(db, COORDINATOR, w["id"])
    assert caught.value.details["reason"] == "not_ranked"
    assert rent_fund.rank_window(db, COORDINATOR, w["id"])["state"] == "graduatoria"
    assert rent_fund.approve_window(db, COORDINATOR, w["id"])["state"] == "approvato"


def test_pseudonymisation_removes_the_households_figures_and_keeps_the_accounts(db):
    w = window(db)
    app = rent_fund.file_application(db, OPERATOR, application(w["id"], isee_protocol="INPS-1"))
    for step in (rent_fund.close_window, rent_fund.rank_window, rent_fund.approve_window):
        step(db, COORDINATOR, w["id"])
    rent_fund.record_payment(
        db,
        COORDINATOR,
        app["id"],
        {"amount_cents": 360_000, "paid_on": TODAY, "reference": "CRO 1"},
    )
    with db.transaction() as tx:
        assert rent_fund.pseudonymise(tx.session, app["referral_id"], SGM) == 1
    [after] = rent_fund.list_for_case(db, OPERATOR, app["referral_id"])
    assert after["pseudonymised_at"] and after["state"] == "pagata"
    assert (after["grant_cents"], after["paid_cents"], after["eligibility"]) == (
        360_000,
        360_000,
        "ammissibile",
    )
    for name in ("isee_cents", "isee_protocol", "monthly_rent_cents", "monthly_net_income_cents"):
        assert after[name] is None, name
    assert all(set(c) == {"code", "outcome"} for c in after["criteria"])
    assert "explanation" not in after["grant"]
    with db.session() as session:
        assert session.scalar(select(RentFundPayment.reference)) is None
