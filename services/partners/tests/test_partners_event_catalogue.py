"""The partner-facing event catalogue, checked over the schemas (generated, not hand-picked):
for every event type a partner may receive x every version of every demo convention, the data
of a maximal example (every property of the schema present, every list filled) filtered by that
convention carries no field beyond its grant, and nothing at all for a type it does not grant.
Every grant names only paths of its event's schema, each with words; the catalogue is the one
in infra/contracts (the package ships a copy) and AsyncAPI lists each entry with its schema."""

import json
import re

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select

from abitare_chassis.database import make_engine
from abitare_chassis.migrate import upgrade
from abitare_chassis.testing.consumer import contracts_dir
from partners.adapters.models import ConventionRow
from partners.domain import event_catalogue
from partners.domain.conventions import FIELD_LABELS
from partners.domain.filtering import delivered_paths, filter_fields
from partners.service import PartnersService
from partners.usecases.catalogue import convention_of

EVENT_TYPES = event_catalogue.event_types()
EXAMPLE_STRINGS = {  # formats and patterns of the schemas -> a value that matches
    "uuid": "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00",
    "date-time": "2026-12-02T09:30:00+00:00",
    "date": "2026-12-02",
    "^[0-9]{6}$": "015195",
    "^[A-Z0-9]{16}$": "RSSMRA80A41F205X",
    "^[A-Za-z0-9_-]{16,64}$": "hh_0123456789abcdef",
    "^\\+?[0-9 ]{6,20}$": "+39 333 1234567",
}


def maximal(schema: dict):
    """A value of ``schema`` with every property present and every list holding two items."""
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][-1]
    kinds = schema.get("type", "object")
    kind = next(k for k in ([kinds] if isinstance(kinds, str) else kinds) if k != "null")
    if kind == "object":
        return {name: maximal(child) for name, child in schema.get("properties", {}).items()}
    if kind == "array":
        return [maximal(schema["items"]), maximal(schema["items"])]
    if kind == "integer":
        return schema.get("minimum", 0) + 2
    key = schema.get("format") or schema.get("pattern")
    return EXAMPLE_STRINGS[key] if key else "testo libero"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> list:
    """Every version of every convention the migrations seed."""
    url = f"sqlite:///{tmp_path_factory.mktemp('catalogue') / 'partners.db'}"
    upgrade(PartnersService.migrations_dir, url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(select(ConventionRow.__table__)).mappings().all()
    finally:
        engine.dispose()
    assert len(found) >= 9
    return [convention_of(ConventionRow(**row)) for row in found]


def within_grant(path: str, example: dict, granted: tuple[str, ...]) -> bool:
    """``path`` (delivered) is granted: named exactly, or inside a granted object without
    passing through a list."""
    if path in granted:
        return True
    keys = path.split(".")
    for cut in range(1, len(keys)):
        if ".".join(keys[:cut]) in granted:
            node = example
            for key in keys:
                node = node[key]
            return not isinstance(node, list)
    return False


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_a_maximal_example_matches_its_schema_and_fills_every_path(event_type):
    schema = event_catalogue.schema(event_type)
    example = maximal(schema)
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(example)
    paths = set(delivered_paths(example))
    assert paths <= event_catalogue.field_paths(event_type)
    every = event_catalogue.field_paths(event_type)
    leaves = {p for p in every if not any(q.startswith(p + ".") for q in every)}
    assert paths == leaves  # every leaf present: the example is maximal


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_no_convention_version_lets_a_field_beyond_its_grant_leave(demo, event_type):
    example = maximal(event_catalogue.schema(event_type))
    checked = 0
    for convention in demo:
        filtered = filter_fields(example, convention.fields_for(event_type))
        if not convention.allows(event_type):
            assert filtered == {}, (convention.code, convention.version)
            continue
        granted = convention.fields_for(event_type)
        delivered = delivered_paths(filtered)
        beyond = [p for p in delivered if not within_grant(p, example, granted)]
        assert beyond == [], (convention.code, convention.version, beyond)
        # and the grant is not empty in practice: every granted path reaches the partner
        for path in granted:
            assert any(p == path or p.startswith(path + ".") for p in delivered), path
        checked += 1
    assert checked  # some convention grants it (every catalogued type is granted by one)


def test_every_demo_grant_names_catalogued_events_and_paths_of_their_schema_with_words(demo):
    for convention in demo:
        for event_type in convention.allowed_event_types:
            assert event_type in EVENT_TYPES, (convention.code, event_type)
            unknown = set(convention.fields_for(event_type)) - event_catalogue.field_paths(
                event_type
            )
            assert not unknown, (convention.code, convention.version, event_type, unknown)
            assert convention.grants[event_type].purpose, (convention.code, event_type)
    for event_type in EVENT_TYPES:
        unlabelled = event_catalogue.field_paths(event_type) - set(FIELD_LABELS)
        assert not unlabelled, (event_type, unlabelled)


def test_every_catalogued_type_is_granted_by_some_demo_convention(demo):
    granted = {t for c in demo for t in c.allowed_event_types}
    assert set(EVENT_TYPES) <= granted


def test_the_package_ships_the_catalogue_of_infra_contracts_unchanged():
    shipped = event_catalogue.CONTRACTS
    infra = contracts_dir()
    catalogue = json.loads((infra / "partner-catalogue.json").read_text("utf-8"))
    assert catalogue == event_catalogue.catalogue()
    for entry in catalogue["events"].values():
        assert (infra / entry["schema"]).read_bytes() == shipped.joinpath(
            entry["schema"]
        ).read_bytes()
    shipped_schemas = {p.name for p in shipped.joinpath("partner-events").iterdir()}
    assert shipped_schemas == {p.name for p in (infra / "partner-events").iterdir()}


def test_asyncapi_lists_each_catalogued_event_on_the_partner_channel_with_its_schema(demo):
    asyncapi = yaml.safe_load((contracts_dir() / "asyncapi.yaml").read_text("utf-8"))
    channel = asyncapi["channels"]["partnerDelivery"]
    assert channel["bindings"]["amqp"]["exchange"]["name"] == "partners.outbound"
    messages = asyncapi["components"]["messages"]
    for event_type, entry in event_catalogue.catalogue()["events"].items():
        key = entry["asyncapi_message"]
        assert key in channel["messages"], key
        message = messages[key]
        assert message["name"].startswith(event_type)
        refs = json.dumps(message["payload"])
        assert f"./{entry['schema']}" in refs and "partner-envelope.schema.json" in refs
    seeded = {c.partner_code.lower() for c in demo}
    assert seeded <= set(channel["parameters"]["partner"]["enum"])
    assert all(re.fullmatch(r"[a-z0-9]+", code) for code in seeded)
