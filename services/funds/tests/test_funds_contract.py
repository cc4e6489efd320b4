"""The referral events these tests feed in conform to the published contract, so the service
is tested against the real shape of intake.referral_received.v2, the minimised referral."""

import json

from jsonschema import Draft202012Validator

from abitare_chassis.testing.consumer import contracts_dir

SCHEMA = contracts_dir() / "events" / "intake.referral_received.v2.json"


def test_the_test_referrals_follow_the_event_contract(make_referral, make_envelope):
    schema = json.loads(SCHEMA.read_text())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [e.message for e in validator.iter_errors(make_referral())]
    assert errors == []
    assert make_envelope()["type"] == "intake.referral_received.v2"
