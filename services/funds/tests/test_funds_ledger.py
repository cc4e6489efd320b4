"""The budget ledger's use cases on a real database (SQLite, PostgreSQL) through a chassis Db,
no broker: open, commit, pay, correct, move, each idempotent on the caller's key; bad input
changes nothing; the totals reconcile with the movements; two commitments racing for the last
euros: exactly one succeeds."""

import json
import threading

import pytest
from jsonschema import Draft202012Validator

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.errors import InvalidInput
from abitare_chassis.migrate import upgrade
from abitare_chassis.testing.consumer import contracts_dir
from funds.adapters.models import metadata
from funds.errors import (
    FundsForbidden,
    LedgerAmountInvalid,
    LedgerCorrectionInvalid,
    LedgerIdempotencyConflict,
    LedgerLineNotFound,
    LedgerMoveInvalid,
    LedgerOverCommitment,
    LedgerPaymentAboveCommitment,
)
from funds.service import FundsService
from funds.usecases import ledger

SGM, MILANO, PIOLTELLO = "015195", "015146", "015175"
COORDINATOR = Actor(sub="coordinator:test", role="coordinator", comuni=(SGM, MILANO, PIOLTELLO))
MILANO_ONLY = Actor(sub="coordinator:mi", role="coordinator", comuni=(MILANO,))
OPERATOR = Actor(sub="operator:test", role="agency_operator", comuni=(SGM,))
APPLICATION = "9b2f6d3a-1c4e-4f5a-8b7c-000000000001"


@pytest.fixture
def db(db_url):
    upgrade(FundsService.migrations_dir, db_url)
    database = Db("funds", db_url, metadata)
    yield database
    database.dispose()


def new_line(db, code="sgm-2027-test", programmed=500_000, allocated=400_000, key=None):
    return ledger.open_line(
        db,
        COORDINATOR,
        {
            "code": code,
            "name": "Linea di prova",
            "fund": "misura_unica",
            "action": None,
            "year": 2027,
            "source": "regione_lombardia",
            "source_act": "DGR di prova",
            "comune_istat": SGM,
            "programmed_cents": programmed,
            "allocated_cents": allocated,
            "reason": "Apertura",
            "idempotency_key": key or f"open:{code}",
        },
    )


def commit(db, line_id, amount, key, actor=COORDINATOR, source_id=APPLICATION):
    return ledger.commit(
        db,
        actor,
        line_id,
        amount,
        reason="Contributo Misura unica",
        source_kind="rent_fund_application",
        source_id=source_id,
        idempotency_key=key,
    )


def line_of(db, line_id, actor=COORDINATOR):
    return ledger.line_movements(db, actor, line_id)["line"]


def outbox_types(db):
    with db.session() as session:
        return [row.body["type"] for row in session.execute(db.outbox.select())]


def test_a_line_opens_with_its_programme_and_allocation_as_movements(db):
    line = new_line(db)
    assert (line["programmed_cents"], line["allocated_cents"], line["available_cents"]) == (
        500_000,
        400_000,
        400_000,
    )
    moved = ledger.line_movements(db, COORDINATOR, line["id"])["movements"]
    assert [m["kind"] for m in moved] == ["programming", "allocation"]
    assert new_line(db)["id"] == line["id"]  # the same key again: the same line
    assert ledger.reconcile(db, COORDINATOR) == []


def test_commit_pay_correct_with_worked_figures(db):
    line = new_line(db)
    # a grant of € 3.600,00 committed, paid € 1.080,00 then € 2.520,00
    commitment = commit(db, line["id"], 360_000, "c1")
    assert line_of(db, line["id"])["available_cents"] == 40_000
    first = ledger.pay(
        db, COORDINATOR, line["id"], commitment["movement_id"], 108_000,
        reason="Prima rata", idempotency_key="p1",
    )  # fmt: skip
    assert first["source_id"] == APPLICATION  # the payment serves the commitment's measure
    with pytest.raises(LedgerPaymentAboveCommitment) as error:
        ledger.pay(
            db, COORDINATOR, line["id"], commitment["movement_id"], 252_001,
            reason="Saldo", idempotency_key="p2",
        )  # fmt: skip
    assert error.value.details["open"] == "€ 2.520,00"
    # a wrong payment of € 100,00 is corrected: it goes back to the commitment
    wrong = ledger.pay(
        db, COORDINATOR, line["id"], commitment["movement_id"], 10_000,
        reason="Errore", idempotency_key="p3",
    )  # fmt: skip
    ledger.correct(
        db, COORDINATOR, line["id"], wrong["movement_id"], 10_000,
        reason="Pagamento registrato per errore", idempotency_key="r1",
    )  # fmt: skip
    ledger.pay(
        db, COORDINATOR, line["id"], commitment["movement_id"], 252_000,
        reason="Saldo", idempotency_key="p4",
    )  # fmt: skip
    totals = line_of(db, line["id"])
    assert (totals["committed_cents"], totals["paid_cents"], totals["to_pay_cents"]) == (
        360_000,
        360_000,
        0,
    )
    movements = ledger.line_movements(db, COORDINATOR, line["id"])["movements"]
    assert {m["movement_id"]: m.get("remaining_cents") for m in movements}[
        commitment["movement_id"]
    ] == 0
    assert ledger.reconcile(db, COORDINATOR) == []
    assert outbox_types(db).count("funds.payment_made.v1") == 3
    assert outbox_types(db).count("funds.commitment_made.v1") == 1


def test_a_commitment_correction_returns_its_open_part_to_available(db):
    line = new_line(db)
    commitment = commit(db, line["id"], 300_000, "c1")
    ledger.pay(
        db, COORDINATOR, line["id"], commitment["movement_id"], 100_000,
        reason="Acconto", idempotency_key="p1",
    )  # fmt: skip
    with pytest.raises(LedgerCorrectionInvalid):
        ledger.correct(
            db, COORDINATOR, line["id"], commitment["movement_id"], 200_001,
            reason="Rinuncia", idempotency_key="r1",
        )  # fmt: skip
    ledger.correct(
        db, COORDINATOR, line["id"], commitment["movement_id"], 200_000,
        reason="Rinuncia del beneficiario", idempotency_key="r1",
    )  # fmt: skip
    totals = line_of(db, line["id"])
    assert (totals["committed_cents"], totals["available_cents"]) == (100_000, 300_000)
    assert ledger.reconcile(db, COORDINATOR) == []


def test_a_commitment_above_the_available_is_refused_with_the_available_and_nothing_changes(db):
    line = new_line(db)
    with pytest.raises(LedgerOverCommitment) as error:
        commit(db, line["id"], 400_001, "c1")
    assert error.value.details["available"] == "€ 4.000,00"
    assert line_of(db, line["id"])["committed_cents"] == 0
    assert len(ledger.line_movements(db, COORDINATOR, line["id"])["movements"]) == 2
    commit(db, line["id"], 400_000, "c1")  # the key was not consumed by the refusal


@pytest.mark.parametrize("amount", [0, -1, 10.5, "100"])
def test_bad_amounts_are_refused_before_anything(db, amount):
    line = new_line(db)
    with pytest.raises(LedgerAmountInvalid):
        commit(db, line["id"], amount, "c1")
    assert line_of(db, line["id"])["version"] == 0


def test_a_redelivered_commitment_is_one_commitment_a_reused_key_is_refused(db):
    line = new_line(db)
    first = commit(db, line["id"], 100_000, "c1")
    assert commit(db, line["id"], 100_000, "c1") == first
    assert line_of(db, line["id"])["committed_cents"] == 100_000
    with pytest.raises(LedgerIdempotencyConflict):
        commit(db, line["id"], 100_001, "c1")
    assert outbox_types(db).count("funds.commitment_made.v1") == 1


def test_a_move_shifts_available_budget_between_lines(db):
    first, second = new_line(db, "a"), new_line(db, "b", allocated=0)
    commit(db, first["id"], 300_000, "c1")
    with pytest.raises(LedgerOverCommitment):
        ledger.move(db, COORDINATOR, first["id"], second["id"], 100_001,
                    reason="Storno", idempotency_key="m1")  # fmt: skip
    moved = ledger.move(db, COORDINATOR, first["id"], second["id"], 100_000,
                        reason="Storno verso la linea b", idempotency_key="m1")  # fmt: skip
    assert moved["kind"] == "move_out" and moved["related_id"]
    a, b = line_of(db, first["id"]), line_of(db, second["id"])
    assert (a["allocated_cents"], a["available_cents"]) == (300_000, 0)
    assert (b["programmed_cents"], b["allocated_cents"]) == (600_000, 100_000)
    assert ledger.move(db, COORDINATOR, first["id"], second["id"], 100_000,
                       reason="Storno verso la linea b", idempotency_key="m1") == moved  # fmt: skip
    with pytest.raises(LedgerMoveInvalid):
        ledger.move(db, COORDINATOR, first["id"], first["id"], 1,
                    reason="x", idempotency_key="m2")  # fmt: skip
    assert ledger.reconcile(db, COORDINATOR) == []


def test_lines_are_scoped_and_only_coordinators_see_the_ledger(db):
    line = new_line(db)
    with pytest.raises(LedgerLineNotFound):
        ledger.line_movements(db, MILANO_ONLY, line["id"])
    with pytest.raises(LedgerLineNotFound):
        commit(db, line["id"], 100, "c1", actor=MILANO_ONLY)
    with pytest.raises(FundsForbidden):
        ledger.ledger_summary(db, OPERATOR)
    with pytest.raises(InvalidInput):
        commit(db, line["id"], 100, "", actor=COORDINATOR)
    codes = {line["code"] for line in ledger.ledger_summary(db, MILANO_ONLY)["lines"]}
    assert codes == {"mi-pon-metro-mi4-aslm", "mi-pon-metro-hub-ospitalita"}


def test_the_summary_carries_the_seeds_figures_and_the_demo_reconciles(db):
    summary = ledger.ledger_summary(db, COORDINATOR)
    by_code = {line["code"]: line for line in summary["lines"]}
    aslm = by_code["mi-pon-metro-mi4-aslm"]
    assert (aslm["allocated_cents"], aslm["committed_cents"], aslm["paid_cents"]) == (
        151_464_844,
        132_698_000,
        44_964_643,
    )
    projects = {f["fund"]: f for f in summary["funds"]}["progetto"]
    assert projects["programmed_cents"] == 151_464_844 + 42_187_500 + 29_152_761
    assert ledger.reconcile(db, COORDINATOR) == []


def test_two_commitments_racing_for_the_last_euros_exactly_one_succeeds(db_url, db):
    line = new_line(db, allocated=100_000)
    commit(db, line["id"], 40_000, "before")  # € 600,00 left
    dbs = [Db("funds", db_url, metadata) for _ in range(2)]  # two engines, two "processes"
    start = threading.Barrier(2)
    outcomes = []

    def racer(n):
        start.wait()
        try:
            commit(dbs[n], line["id"], 60_000, f"race-{n}", source_id=f"app-{n}")
            outcomes.append("ok")
        except LedgerOverCommitment as error:
            outcomes.append(error.details["available_cents"])

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for database in dbs:
        database.dispose()
    assert sorted(outcomes, key=str) == [0, "ok"]
    totals = line_of(db, line["id"])
    assert (totals["committed_cents"], totals["available_cents"]) == (100_000, 0)
    assert ledger.reconcile(db, COORDINATOR) == []


def test_every_movement_announces_itself_through_the_outbox_by_its_contract(db):
    first, second = new_line(db, "a"), new_line(db, "b")
    commitment = commit(db, first["id"], 100_000, "c1")
    ledger.pay(db, COORDINATOR, first["id"], commitment["movement_id"], 40_000,
               reason="Acconto", idempotency_key="p1")  # fmt: skip
    ledger.correct(db, COORDINATOR, first["id"], commitment["movement_id"], 10_000,
                   reason="Riduzione", idempotency_key="r1")  # fmt: skip
    ledger.move(db, COORDINATOR, first["id"], second["id"], 5_000,
                reason="Storno", idempotency_key="m1")  # fmt: skip
    with db.session() as session:
        bodies = [row.body for row in session.execute(db.outbox.select())]
    kinds = []
    for body in bodies:
        schema = json.loads((contracts_dir() / "events" / f"{body['type']}.json").read_text())
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        assert [e.message for e in validator.iter_errors(body["data"])] == [], body["type"]
        kinds.append((body["type"], body["data"]["kind"]))
    assert kinds[-5:] == [
        ("funds.commitment_made.v1", "commitment"),
        ("funds.payment_made.v1", "payment"),
        ("funds.budget_movement_recorded.v1", "correction"),
        ("funds.budget_movement_recorded.v1", "move_out"),
        ("funds.budget_movement_recorded.v1", "move_in"),
    ]
    assert bodies[-1]["subject"] == second["id"] and bodies[-1]["tenant"] == SGM
    assert bodies[-1]["data"]["totals"]["allocated_cents"] == 405_000
