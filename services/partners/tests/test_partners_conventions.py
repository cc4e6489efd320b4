"""Unit tests of the convention rules."""

import importlib.util
import json
from datetime import UTC, date, datetime
from pathlib import Path

from partners.domain.conventions import (
    EVENT_TYPE_NOT_IN_CONVENTION,
    NO_CONVENTION_IN_FORCE,
    PARTNER_INACTIVE,
    Convention,
    agency_today,
    convention_in_force,
    field_label,
    subscription_refusal,
)

REFERRAL = "intake.referral_received.v1"
OLD = Convention("FWA", (REFERRAL,), ("referral_id",), date(2023, 1, 1), date(2023, 12, 31))
CURRENT = Convention("FWA", (REFERRAL,), ("referral_id", "household.size"), date(2024, 1, 1), None)
FUTURE = Convention("FWA", ("other.event.v1",), (), date(2030, 1, 1), None)


def test_the_convention_in_force_is_picked_by_date():
    conventions = [OLD, CURRENT, FUTURE]
    assert convention_in_force(conventions, date(2023, 12, 31)) is OLD
    assert convention_in_force(conventions, date(2024, 1, 1)) is CURRENT
    assert convention_in_force(conventions, date(2030, 1, 1)) is FUTURE
    assert convention_in_force(conventions, date(2022, 12, 31)) is None


def test_subscription_needs_an_active_partner_and_a_convention_allowing_the_event():
    assert subscription_refusal(True, [CURRENT], REFERRAL, date(2025, 1, 1)) is None
    assert subscription_refusal(False, [CURRENT], REFERRAL, date(2025, 1, 1)) == {
        "code": PARTNER_INACTIVE
    }
    assert subscription_refusal(True, [CURRENT], REFERRAL, date(2022, 12, 31)) == {
        "code": NO_CONVENTION_IN_FORCE,
        "on": "2022-12-31",
    }
    assert subscription_refusal(True, [CURRENT], "intake.other.v1", date(2025, 1, 1)) == {
        "code": EVENT_TYPE_NOT_IN_CONVENTION,
        "event_type": "intake.other.v1",
        "allowed": [REFERRAL],
    }
    assert (
        subscription_refusal(True, [CURRENT, FUTURE], REFERRAL, date(2030, 6, 1))["code"]
        == EVENT_TYPE_NOT_IN_CONVENTION
    )


def test_today_is_the_day_in_milan():
    assert agency_today(datetime(2024, 12, 31, 23, 30, tzinfo=UTC)) == date(2025, 1, 1)


REPO = Path(__file__).resolve().parents[3]


def leaf_paths(schema: dict, prefix: str = "") -> set[str]:
    """The dotted paths a convention may list: objects are walked into, lists are leaves."""
    paths = set()
    for name, node in schema.get("properties", {}).items():
        if node.get("type") == "object":
            paths |= leaf_paths(node, f"{prefix}{name}.")
        else:
            paths.add(f"{prefix}{name}")
    return paths


def test_every_field_a_convention_may_list_has_words():
    schema = json.loads(
        (REPO / "infra/contracts/events/intake.referral_received.v1.json").read_text()
    )
    migration = REPO / "services/partners/migrations/versions/0001_initial.py"
    spec = importlib.util.spec_from_file_location("partners_0001", migration)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seeded = {path for paths in module.ALLOWED_FIELDS.values() for path in paths}
    for path in leaf_paths(schema) | seeded:
        assert not field_label(path).startswith("Altro dato"), path
    assert field_label("economics.monthly_rent_cents") == "Canone mensile"
    assert field_label("household.pets") == "Altro dato (household.pets)"
