"""The partner-facing event catalogue: every event type a partner may receive, and the fields of
each that a convention may grant.

The catalogue is ``infra/contracts/partner-catalogue.json`` with the JSON Schema of each event's
data as the partner receives it (``infra/contracts/partner-events/``); this package ships a copy
(``partners/contracts/``, kept identical by ``tests/test_partners_event_catalogue.py``). A
grantable field is a dotted path to any property of the schema (``household``,
``household.size``); lists are leaves, as in ``domain.filtering``: ``household.members`` is one
field, its items are not walked into.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

CONTRACTS = resources.files("partners").joinpath("contracts")


@cache
def catalogue() -> dict:
    return json.loads(CONTRACTS.joinpath("partner-catalogue.json").read_text("utf-8"))


def event_types() -> tuple[str, ...]:
    return tuple(catalogue()["events"])


def event_label(event_type: str) -> str:
    entry = catalogue()["events"].get(event_type)
    return entry["label"] if entry else event_type


@cache
def schema(event_type: str) -> dict:
    """The JSON Schema of ``event_type``'s data as a partner receives it (KeyError: not in the
    catalogue)."""
    path = catalogue()["events"][event_type]["schema"]
    return json.loads(CONTRACTS.joinpath(path).read_text("utf-8"))


@cache
def field_paths(event_type: str) -> frozenset[str]:
    """Every dotted path a convention may grant for ``event_type`` (empty: not in the
    catalogue)."""
    if event_type not in catalogue()["events"]:
        return frozenset()
    return frozenset(_paths(schema(event_type)))


def _paths(node: dict, prefix: str = ""):
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield path
        if "properties" in child:
            yield from _paths(child, path + ".")
