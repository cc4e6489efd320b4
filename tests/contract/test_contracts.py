"""Contracts between the parts: every event handler's queue is pre-declared in the broker
definitions, every event type has a JSON Schema and an AsyncAPI entry."""
import json
from pathlib import Path

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
        assert retry["arguments"] == {"x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue}


def test_every_event_schema_is_valid_and_listed_in_asyncapi():
    asyncapi = yaml.safe_load((CONTRACTS / "asyncapi.yaml").read_text())
    assert asyncapi["asyncapi"].startswith("3.")
    listed = json.dumps(asyncapi)
    schemas = sorted((CONTRACTS / "events").glob("*.json"))
    assert schemas
    for path in schemas:
        Draft202012Validator.check_schema(json.loads(path.read_text()))
        assert path.name in listed, f"{path.name} missing from asyncapi.yaml"


def test_every_consumed_event_has_a_schema():
    for source, event, _service, _method in handlers():
        assert (CONTRACTS / "events" / f"{source}.{event}.v1.json").exists()


def test_every_example_payload_matches_its_schema():
    """Consumers' tests feed these examples to the services: they must be what producers may send."""
    from jsonschema import FormatChecker
    examples = sorted((CONTRACTS / "examples").glob("*.json"))
    assert examples
    for path in examples:
        schema = json.loads((CONTRACTS / "events" / path.name).read_text())
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(json.loads(path.read_text()))
