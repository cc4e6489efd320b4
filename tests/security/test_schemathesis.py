"""Schemathesis against the running gateway's OpenAPI document, as a comune's system (bearer
token) and as operators (their signed-in session, the API path the web UI's operators have):
0 server errors, 0 schema-valid requests refused as invalid. Bounded: a few examples per
operation and a time budget per run; the hooks (schemathesis_hooks.py) aim half of the path
parameters at records planted in the comune, so the run reaches real cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.suite import REPO, operator_session
from tests.support.sweep import SGM, plant, register_demo_webhook

ST = Path(sys.executable).parent / "st"
MAX_TIME_S = 45
CONFIG = """
[checks.positive_data_acceptance]
# 409: the case is not in a state that allows it; 412: a newer version of the project exists
# (If-Match); the others are schemathesis' defaults. Never 400 or 422 for a schema-valid request.
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "429"]

"""


@pytest.fixture(scope="module")
def planted(suite):
    coordinator = operator_session(suite, "coordinatrice", "coordinatrice-demo")
    ids = plant(suite, SGM, coordinator, suite.api(SGM)).ids
    return {
        "case_id": [ids["referral_id"], ids["closed_referral_id"]],
        "referral_id": [ids["referral_id"], ids["closed_referral_id"]],
        "meeting_id": [ids["meeting_id"]],
        "proposal_id": [ids["proposal_id"]],
        "consent_id": [ids["consent_id"]],
        "partner_referral_id": [ids["partner_referral_id"]],
        "endpoint_id": [register_demo_webhook(suite, coordinator)],
    }


def run_schemathesis(suite, tmp_path, planted, header: str) -> dict:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    report = tmp_path / "report.json"
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.security.schemathesis_hooks",
        "ABITARE_ST_IDS": json.dumps(planted),
        "ABITARE_ST_COMUNE": SGM,
        "PYTHONPATH": str(REPO),
    }
    result = subprocess.run(
        [
            str(ST),
            "--config-file",
            str(config),
            "run",
            f"{suite.base_url}/api/v1/openapi.json",
            "--header",
            header,
            "--checks",
            "not_a_server_error,positive_data_acceptance",
            "--max-examples",
            "8",
            "--max-time",
            str(MAX_TIME_S),
            "--workers",
            "1",
            "--request-timeout",
            "20",
            "--seed",
            "7",
            "--no-color",
            "--output-truncate",
            "false",
            # not the coverage phase: its fixed boundary bodies are out of the hooks' reach, so
            # the rules JSON Schema cannot state (one head of household, a real date) fail there
            "--phases",
            "examples,fuzzing,stateful",
            "--exclude-path",
            "/api/v1/auth/token",
            "--report",
            "json",
            "--report-json-path",
            str(report),
            "--suppress-health-check",
            "all",
            "--generation-database",
            "none",
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=MAX_TIME_S * 4,
    )
    output = result.stdout[-20000:] + result.stderr[-5000:]
    assert result.returncode == 0, output
    return {"output": output}


def test_schemathesis_as_a_municipal_client(suite, tmp_path, planted):
    run_schemathesis(suite, tmp_path, planted, f"Authorization: Bearer {suite.client_token(SGM)}")


@pytest.mark.parametrize(
    "username, password", [("coordinatrice", "coordinatrice-demo"), ("sgm.sociale", "sgm-demo")]
)
def test_schemathesis_as_an_operator(suite, tmp_path, planted, username, password):
    session = operator_session(suite, username, password)
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    run_schemathesis(suite, tmp_path, planted, f"Cookie: {cookie}")
