"""The gateway's tests talk to intake through ``InProcessIntake`` (gateway/tests/gateway_doubles):
the real ``IntakeService`` without a broker. This contract runs one case path through it and
through ``IntakeService`` hosted by nameko on a real broker, both called with the gateway's
``NamekoRpcClient``, and expects the same answers and the same errors, step by step."""

import re
import sys
from pathlib import Path

import pytest

from abitare_chassis import config
from abitare_chassis.actor import Actor
from abitare_gateway.rpc import NamekoRpcClient, RemoteError
from intake.service import IntakeService

GATEWAY_TESTS = Path(__file__).resolve().parents[2] / "gateway" / "tests"
sys.path.insert(0, str(GATEWAY_TESTS))  # the doubles are test code: not an installed package
from gateway_doubles import InProcessIntake  # noqa: E402
from gateway_helpers import HEAD_CF, MILANO, SGM, days_from_today, referral_payload  # noqa: E402

AGENCY = Actor(sub="operator:anna", role="agency_operator", comuni=(SGM,), name="Anna")
COMUNE = Actor(sub="operator:dario", role="comune_operator", comuni=(SGM,))
CLIENT = Actor(sub="client:comune-015195", role="municipal_client", comuni=(SGM,))
PROJECT = {
    "objectives": ["Trovare un alloggio"],
    "agreed_on": days_from_today(0),
    "actions": [
        {
            "type": "fund_application",
            "description": "Domanda fondo affitto",
            "responsible": "agency",
            "due_date": days_from_today(30),
        }
    ],
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def scenario(call) -> list:
    """``[(step, answer or error)]`` of a case from submission to closure, refusals included."""
    steps = []

    def step(name, method, actor, *args):
        try:
            steps.append((name, call(method, actor, *args)))
        except RemoteError as exc:
            steps.append((name, ("error", exc.service, exc.exc_type, exc.message)))
        return steps[-1][1]

    referral = step("submit", "submit_referral", CLIENT, referral_payload())  # its own: status
    case = referral["id"]
    step("submit out of scope", "submit_referral", AGENCY, referral_payload(comune=MILANO))
    step(
        "submit invalid",
        "submit_referral",
        AGENCY,
        referral_payload(
            household=[
                {
                    "codice_fiscale": HEAD_CF[:-1] + "0",
                    "first_name": "Mario",
                    "last_name": "Rossi",
                    "birth_date": "1980-01-01",
                    "relation": "figlio",
                }
            ]
        ),
    )
    step("status, received", "get_case_status", CLIENT, case)
    step("triage by the comune", "triage_referral", COMUNE, case, {"outcome": "presa_in_carico"})
    step("decline without a reason", "triage_referral", AGENCY, case, {"outcome": "respinta"})
    step("project before triage", "save_project", AGENCY, case, 0, PROJECT)
    step("take in charge", "triage_referral", AGENCY, case, {"outcome": "presa_in_carico"})
    step(
        "triage again", "triage_referral", AGENCY, case, {"outcome": "respinta", "reason": "Tardi"}
    )
    step(
        "assess",
        "record_assessment",
        AGENCY,
        case,
        {"indicators": {"arrears_rent": True, "low_income": True, "unstable_income": True}},
    )
    step(
        "assess, override without reason",
        "record_assessment",
        AGENCY,
        case,
        {"indicators": {}, "confirmed_grade": 4},
    )
    step("save project", "save_project", AGENCY, case, 0, PROJECT)
    step("save project, stale version", "save_project", AGENCY, case, 0, PROJECT)
    step("project", "get_project", AGENCY, case)
    step("close, unknown outcome", "close_case", AGENCY, case, {"outcome": "inventato"})
    step(
        "close",
        "close_case",
        AGENCY,
        case,
        {"outcome": "sap_assegnato", "restitution_date": days_from_today(1)},
    )
    step("close again", "close_case", AGENCY, case, {"outcome": "abbandono"})
    step("status, closed", "get_case_status", CLIENT, case)
    step("case of no one", "get_case", AGENCY, "00000000-0000-0000-0000-000000000000")
    step("no such method", "triage_everything", AGENCY, case)
    step("wrong arguments", "get_case_status", CLIENT)
    return steps


def normalised(value, ids: dict):
    """Ids become ``id-1``, ``id-2``... in order of appearance (so equal ids stay equal) and
    instants become ``<instant>``: the two runs differ in nothing else."""
    if isinstance(value, dict):
        return {key: normalised(item, ids) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalised(item, ids) for item in value]
    if isinstance(value, str):
        for uuid in set(re.findall(UUID.pattern.strip("^$"), value)):
            value = value.replace(uuid, ids.setdefault(uuid, f"id-{len(ids) + 1}"))
        return "<instant>" if INSTANT.match(value) else value
    return value


@pytest.fixture
def over_the_broker(service_runner, tmp_path):
    service_runner.start(IntakeService, f"sqlite:///{tmp_path / 'served.db'}")
    client = NamekoRpcClient(service_runner.amqp_uri, config.secret_key(), timeout=15)
    yield lambda method, actor, *args: client.call("intake", method, actor, *args)
    client.close()


@pytest.fixture
def in_process(tmp_path):
    intake = InProcessIntake(tmp_path / "double.db")
    yield lambda method, actor, *args: intake.client.call("intake", method, actor, *args)
    intake.close()


def test_the_double_answers_like_intake_over_the_broker(over_the_broker, in_process):
    served = normalised(scenario(over_the_broker), {})
    doubled = normalised(scenario(in_process), {})
    assert [name for name, _ in doubled] == [name for name, _ in served]
    for (name, expected), (_, got) in zip(served, doubled):
        assert got == expected, name
    errors = {
        name: answer[2]
        for name, answer in served
        if isinstance(answer, list) and answer[:1] == ["error"]
    }
    assert errors == {  # the scenario does reach each refusal
        "submit out of scope": "ReferralForbidden",
        "submit invalid": "InvalidInput",
        "triage by the comune": "CaseForbidden",
        "decline without a reason": "InvalidInput",
        "project before triage": "CaseConflict",
        "triage again": "CaseConflict",
        "assess, override without reason": "InvalidInput",
        "save project, stale version": "ProjectVersionConflict",
        "close, unknown outcome": "InvalidInput",
        "close again": "CaseConflict",
        "case of no one": "ReferralNotFound",
        "no such method": "MethodNotFound",
        "wrong arguments": "IncorrectSignature",
    }
