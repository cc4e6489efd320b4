"""Contracts between the parts: every event handler's queue is pre-declared in the broker
definitions, every event type has a JSON Schema and an AsyncAPI entry."""

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from nameko.events import EventHandler

from abitare_chassis.handlers import dead_letter_queue_name, retry_queue_name
from abitare_chassis.run import load_service

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = REPO / "infra" / "contracts"
SERVICE_NAMES = ("intake", "funds", "housing_stock", "partners")


def handlers():
    for name in SERVICE_NAMES:
        cls = load_service(name)
        for attr in vars(cls).values():
            for entrypoint in getattr(attr, "nameko_entrypoints", ()):
                if isinstance(entrypoint, EventHandler):
                    yield (entrypoint.source_service, entrypoint.event_type, name, attr.__name__)


def test_every_handler_queue_is_predeclared_with_retry_and_dead_letter():
    definitions = json.loads((REPO / "infra/rabbitmq/definitions.json").read_text())
    queues = {q["name"]: q for q in definitions["queues"]}
    bindings = {(b["source"], b["destination"], b["routing_key"]) for b in definitions["bindings"]}
    found = list(handlers())
    assert len(found) >= 3
    for source, event, service, method in found:
        queue = f"evt-{source}-{event}--{service}.{method}"
        assert queue in queues, queue
        assert (f"{source}.events", queue, event) in bindings
        assert dead_letter_queue_name(queue) in queues
        retry = queues[retry_queue_name(queue)]
        assert retry["arguments"] == {
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": queue,
        }


def test_every_event_schema_is_valid_and_listed_in_asyncapi():
    asyncapi = yaml.safe_load((CONTRACTS / "asyncapi.yaml").read_text())
    assert asyncapi["asyncapi"].startswith("3.")
    listed = json.dumps(asyncapi)
    schemas = sorted((CONTRACTS / "events").glob("*.json"))
    assert schemas
    for path in schemas:
        Draft202012Validator.check_schema(json.loads(path.read_text()))
        assert path.name in listed, f"{path.name} missing from asyncapi.yaml"


def event_type(source: str, event: str) -> str:
    """The envelope type of nameko's ``event``: ``referral_received`` is
    ``intake.referral_received.v1``, ``referral_received.v2`` is ``intake.referral_received.v2``."""
    return f"{source}.{event}" if re.search(r"\.v[0-9]+$", event) else f"{source}.{event}.v1"


def test_every_consumed_event_has_a_schema():
    for source, event, _service, _method in handlers():
        assert (CONTRACTS / "events" / f"{event_type(source, event)}.json").exists()


def test_funds_and_housing_stock_read_the_minimised_referral():
    consumed = {(service, event_type(source, event)) for source, event, service, _ in handlers()}
    assert {
        ("funds", "intake.referral_received.v2"),
        ("housing_stock", "intake.referral_received.v2"),
        ("partners", "intake.referral_received.v1"),
    } <= consumed
    assert (
        not {
            ("funds", "intake.referral_received.v1"),
            ("housing_stock", "intake.referral_received.v1"),
        }
        & consumed
    )
    schema = json.loads((CONTRACTS / "events" / "intake.referral_received.v2.json").read_text())
    assert not property_names(schema) & {
        "members",
        "codice_fiscale",
        "first_name",
        "last_name",
        "birth_date",
        "description",
        "contact_phone",
        "referring_body_name",
    }


def property_names(schema: dict) -> set[str]:
    names = set()
    for name, sub in schema.get("properties", {}).items():
        names |= {name} | property_names(sub)
    if "items" in schema:
        names |= property_names(schema["items"])
    return names


def test_every_example_payload_matches_its_schema():
    """Consumers' tests feed these examples to the services: what producers may send."""
    from jsonschema import FormatChecker

    examples = sorted((CONTRACTS / "examples").glob("*.json"))
    assert examples
    for path in examples:
        schema = json.loads((CONTRACTS / "events" / path.name).read_text())
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(
            json.loads(path.read_text())
        )


def test_a_partner_outcome_names_an_action_or_the_partner_referral():
    """``partners.action_outcome_recorded.v1``: a referral from a project action carries its
    ``action_id``; one sent from the case carries ``partner_code`` and ``partner_referral_id``
    instead (intake writes the diary only). A message with neither is invalid."""
    from jsonschema import FormatChecker, ValidationError

    schema = json.loads(
        (CONTRACTS / "events" / "partners.action_outcome_recorded.v1.json").read_text()
    )
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    case_sent = json.loads(
        (CONTRACTS / "examples" / "partners.action_outcome_recorded.v1.json").read_text()
    )
    assert "action_id" not in case_sent
    validator.validate(case_sent)
    from_action = dict(case_sent, action_id="3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
    validator.validate(from_action)
    bare_action = {k: from_action[k] for k in ("referral_id", "action_id", "status")}
    validator.validate(bare_action)  # funds-like: the action alone still suffices
    for missing in (
        ("partner_code", "partner_referral_id"),
        ("partner_code",),
        ("partner_referral_id",),
    ):
        neither = {k: v for k, v in case_sent.items() if k not in missing}
        with pytest.raises(ValidationError):
            validator.validate(neither)
    with pytest.raises(ValidationError):
        validator.validate(dict(case_sent, action_id=None))
