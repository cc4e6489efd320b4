"""Integration: the budget ledger's RPCs on the funds service with a real broker and database
(SQLite, PostgreSQL): a coordinator reads the demo lines to the cent, commits and pays; a
redelivered call is one commitment; refusals arrive as coded errors; operators see no budget."""

import json

import pytest
from nameko.exceptions import RemoteError

from abitare_chassis.testing.services import token
from funds.service import FundsService

MILANO = "015146"
ASLM = "mi-pon-metro-mi4-aslm"


def coordinator():
    return token("coordinator", [MILANO], service="funds")


@pytest.fixture
def funds(service_runner, db_url):
    service_runner.start(FundsService, db_url)
    with service_runner.rpc() as rpc:
        yield rpc.funds


def test_a_coordinator_reads_commits_and_pays_through_the_rpcs(funds):
    lines = {line["code"]: line for line in funds.ledger_summary(coordinator())["lines"]}
    assert set(lines) == {ASLM, "mi-pon-metro-hub-ospitalita"}
    aslm = lines[ASLM]
    assert (aslm["allocated_cents"], aslm["committed_cents"], aslm["paid_cents"]) == (
        151_464_844,
        132_698_000,
        44_964_643,
    )
    request = {
        "line_id": aslm["id"],
        "amount_cents": 18_000_000,
        "reason": "Impegno per il progetto",
        "source_kind": "rent_fund_application",
        "source_id": "9b2f6d3a-1c4e-4f5a-8b7c-000000000001",
        "idempotency_key": "rpc-c1",
    }
    commitment = funds.ledger_commit(coordinator(), request)
    assert funds.ledger_commit(coordinator(), request) == commitment  # a redelivery
    with pytest.raises(RemoteError) as error:
        funds.ledger_commit(coordinator(), {**request, "idempotency_key": "rpc-c2"})
    assert error.value.exc_type == "LedgerOverCommitment"
    assert json.loads(error.value.value)["details"]["available"] == "€ 7.668,44"
    funds.ledger_pay(
        coordinator(),
        {
            "line_id": aslm["id"],
            "commitment_id": commitment["movement_id"],
            "amount_cents": 1_000_000,
            "reason": "Primo pagamento",
            "idempotency_key": "rpc-p1",
        },
    )
    after = funds.ledger_line_movements(coordinator(), aslm["id"])
    assert (after["line"]["committed_cents"], after["line"]["paid_cents"]) == (
        150_698_000,
        45_964_643,
    )
    assert [m["kind"] for m in after["movements"]][-2:] == ["commitment", "payment"]
    assert funds.ledger_reconcile(coordinator()) == []


def test_bad_amounts_and_operators_are_refused(funds):
    line_id = funds.ledger_summary(coordinator())["lines"][0]["id"]
    with pytest.raises(RemoteError) as error:
        funds.ledger_commit(
            coordinator(),
            {"line_id": line_id, "amount_cents": 10.5, "reason": "x", "source_kind": "a",
             "source_id": "b", "idempotency_key": "k"},
        )  # fmt: skip
    assert error.value.exc_type == "LedgerAmountInvalid"
    with pytest.raises(RemoteError) as error:
        funds.ledger_summary(token("agency_operator", [MILANO], service="funds"))
    assert error.value.exc_type == "FundsForbidden"
