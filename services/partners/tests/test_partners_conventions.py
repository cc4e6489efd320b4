"""Unit tests of the convention rules."""

import importlib.util
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from partners.domain.conventions import (
    ACTIVE,
    CONVENTION_SUSPENDED,
    EVENT_TYPE_NOT_IN_CONVENTION,
    EXPIRED,
    NO_CONVENTION_IN_FORCE,
    NOT_YET_VALID,
    PARTNER_INACTIVE,
    SUSPENDED,
    Convention,
    Grant,
    agency_today,
    convention_in_force,
    field_label,
    subscription_refusal,
)

REFERRAL = "intake.referral_received.v1"
OLD = Convention(
    "FWA", {REFERRAL: Grant(("referral_id",))}, date(2023, 1, 1), date(2023, 12, 31), code="A"
)
CURRENT = Convention(
    "FWA", {REFERRAL: Grant(("referral_id", "household.size"))}, date(2024, 1, 1), None, code="B"
)
FUTURE = Convention("FWA", {"other.event.v1": Grant(())}, date(2030, 1, 1), None, code="C")


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


def test_only_the_latest_version_counts_and_a_lapse_says_why():
    v1 = Convention("FWA", {REFERRAL: Grant(("referral_id",))}, date(2024, 1, 1), None, code="X")
    v2 = replace(v1, version=2, status=SUSPENDED, status_reason="verifica in corso")
    day = date(2025, 1, 1)
    assert convention_in_force([v1], day) is v1
    assert convention_in_force([v1, v2], day) is None  # the edit suspended it
    assert convention_in_force([v2, replace(v2, version=3, status=ACTIVE)], day).version == 3
    assert v2.lapse(day) == CONVENTION_SUSPENDED
    assert replace(v1, valid_to=date(2024, 12, 31)).lapse(day) == EXPIRED
    assert replace(v1, valid_from=date(2025, 1, 2)).lapse(day) == NOT_YET_VALID
    assert v1.fields_for(REFERRAL) == ("referral_id",) and v1.fields_for("other") == ()


def test_coverage_and_services():
    c = Convention("MM", {}, date(2024, 1, 1), None, comuni=("015146",), services=("alloggio_sap",))
    assert c.covers("015146") and not c.covers("015195")
    assert c.offers("alloggio_sap") and not c.offers("microcredito")
    assert replace(c, comuni=()).covers("015195")  # no list: every comune of the agency


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
    spec = importlib.util.spec_from_file_location(
        "partners_0006", REPO / "services/partners/migrations/versions/0006_convention_versions.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for convention in module.CONVENTIONS.values():
        grants = module.referral_grants(convention["extra_grants"], convention["purpose"])
        seeded |= {path for grant in grants.values() for path in grant["fields"]}
    for path in leaf_paths(schema) | seeded:
        assert not field_label(path).startswith("Altro dato"), path
    assert field_label("economics.monthly_rent_cents") == "Canone mensile"
    assert field_label("household.pets") == "Altro dato (household.pets)"
