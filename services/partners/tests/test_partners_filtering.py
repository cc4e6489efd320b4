"""Unit tests of data minimisation: a partner gets only what its convention lists."""

import importlib.util
import json
from pathlib import Path

import pytest

from partners.domain.filtering import delivered_paths, filter_fields

MIGRATION = Path(__file__).resolve().parents[1] / "migrations" / "versions" / "0001_initial.py"


def seeded_allowed_fields() -> dict:
    """The conventions' fields exactly as the initial migration seeds them."""
    spec = importlib.util.spec_from_file_location("partners_migration_0001", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ALLOWED_FIELDS


def referral() -> dict:
    return {
        "referral_id": "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00",
        "comune_istat": "015195",
        "comune_name": "San Giuliano Milanese",
        "received_at": "2025-03-10T09:30:00.000Z",
        "referring_body": "servizi_sociali_comune",
        "referring_body_name": "Servizi sociali SGM",
        "problem_reported": "morosita_incolpevole",
        "housing_situation": "affitto_privato",
        "description": "Madre sola con figlio, ha perso il lavoro a gennaio",
        "eviction_date": "2025-06-30",
        "contact_phone": "+39 333 1234567",
        "household": {
            "size": 2,
            "minors": 1,
            "over_65": 0,
            "members": [
                {
                    "codice_fiscale": "RSSMRA80A41F205X",
                    "first_name": "Maria",
                    "last_name": "Rossi",
                    "birth_date": "1980-01-01",
                    "relation": "intestatario",
                },
                {
                    "codice_fiscale": "RSSLCU15C10F205Y",
                    "first_name": "Luca",
                    "last_name": "Rossi",
                    "birth_date": "2015-03-10",
                    "relation": "figlio",
                },
            ],
        },
        "economics": {"monthly_net_income_cents": 120000, "monthly_rent_cents": 65000},
    }


def test_fwa_gets_exactly_its_convention_fields_and_no_personal_data():
    delivered = filter_fields(referral(), seeded_allowed_fields()["FWA"])
    assert delivered == {
        "referral_id": "6f1c1b1e-8d2a-4b9e-9c59-2f1a7c7c1f00",
        "comune_istat": "015195",
        "comune_name": "San Giuliano Milanese",
        "received_at": "2025-03-10T09:30:00.000Z",
        "problem_reported": "morosita_incolpevole",
        "housing_situation": "affitto_privato",
        "household": {"size": 2, "minors": 1},
        "economics": {"monthly_net_income_cents": 120000, "monthly_rent_cents": 65000},
    }
    text = json.dumps(delivered)
    for secret in (
        "codice_fiscale",
        "RSSMRA80A41F205X",
        "Maria",
        "Rossi",
        "first_name",
        "members",
        "description",
        "perso il lavoro",
        "contact_phone",
        "333",
        "birth_date",
        "referring_body",
    ):
        assert secret not in text


@pytest.mark.parametrize("code", ["FWA", "AFOL", "ALER"])
def test_no_seeded_convention_delivers_members_or_free_text(code):
    text = json.dumps(filter_fields(referral(), seeded_allowed_fields()[code]))
    for secret in (
        "codice_fiscale",
        "RSSMRA80A41F205X",
        "Maria",
        "members",
        "description",
        "contact_phone",
    ):
        assert secret not in text


def test_afol_and_aler_get_their_own_subsets():
    fields = seeded_allowed_fields()
    assert filter_fields(referral(), fields["AFOL"])["household"] == {"size": 2}
    aler = filter_fields(referral(), fields["ALER"])
    assert aler["eviction_date"] == "2025-06-30"
    assert aler["household"] == {"size": 2, "minors": 1, "over_65": 0}
    assert "economics" not in aler


def test_allowing_a_whole_object_never_brings_its_lists_along():
    delivered = filter_fields(referral(), ["household"])
    assert delivered == {"household": {"size": 2, "minors": 1, "over_65": 0}}


def test_a_list_is_delivered_only_when_named_exactly():
    delivered = filter_fields(referral(), ["household.size", "household.members"])
    assert delivered["household"]["size"] == 2
    assert len(delivered["household"]["members"]) == 2


def test_paths_never_walk_into_lists_and_missing_paths_are_skipped():
    data = referral()
    assert (
        filter_fields(
            data,
            [
                "household.members.codice_fiscale",
                "household.members.0",
                "nothing.here",
                "referral_id.deeper",
                "",
            ],
        )
        == {}
    )


def test_null_values_are_delivered_as_null():
    assert filter_fields({"eviction_date": None}, ["eviction_date"]) == {"eviction_date": None}


def test_the_output_is_a_copy():
    data = referral()
    delivered = filter_fields(data, ["household.members"])
    delivered["household"]["members"][0]["first_name"] = "X"
    assert data["household"]["members"][0]["first_name"] == "Maria"


def test_delivered_paths_are_the_leaves():
    delivered = filter_fields(referral(), seeded_allowed_fields()["AFOL"])
    assert delivered_paths(delivered) == [
        "comune_istat",
        "comune_name",
        "household.size",
        "received_at",
        "referral_id",
    ]
