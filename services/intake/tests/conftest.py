"""Fixtures of intake's tests: the migrated database, valid codici fiscali and referral payloads.

Helpers travel as fixtures (not imports from this file): every service has a conftest.py and
pytest keeps only one module named ``conftest`` importable at a time."""

from __future__ import annotations

import copy

import pytest

from abitare_chassis.database import Db
from abitare_chassis.migrate import upgrade
from intake.adapters.models import metadata
from intake.domain.codice_fiscale import check_character
from intake.service import IntakeService

SAN_GIULIANO = "015195"
MILANO = "015146"
MELEGNANO = "015140"


def cf(first_fifteen: str) -> str:
    """A valid codice fiscale: the 15 characters given plus their check character."""
    return first_fifteen + check_character(first_fifteen)


HEAD_CF = "RSSMRA80A01F205X"  # Mario Rossi, 1 January 1980, Milano
SPOUSE_CF = cf("BNCLRA82E45F205")  # Laura Bianchi, 5 May 1982
CHILD_CF = cf("RSSLCU15M10F205")  # Luca Rossi, 10 August 2015

BASE_PAYLOAD = {
    "comune_istat": SAN_GIULIANO,
    "referring_body": "servizi_sociali_comune",
    "referring_body_name": "Servizi sociali di San Giuliano Milanese",
    "problem_reported": "sfratto_esecutivo",
    "housing_situation": "sfratto_in_corso",
    "description": "Sfratto per morosità incolpevole, udienza fissata.",
    "eviction_date": "2026-12-15",
    "monthly_net_income_cents": 140000,
    "monthly_rent_cents": 65000,
    "contact_phone": "+39 02 1234567",
    "household": [
        {
            "codice_fiscale": HEAD_CF,
            "first_name": "Mario",
            "last_name": "Rossi",
            "birth_date": "1980-01-01",
            "relation": "intestatario",
        },
        {
            "codice_fiscale": SPOUSE_CF,
            "first_name": "Laura",
            "last_name": "Bianchi",
            "birth_date": "1982-05-05",
            "relation": "coniuge",
        },
        {
            "codice_fiscale": CHILD_CF,
            "first_name": "Luca",
            "last_name": "Rossi",
            "birth_date": "2015-08-10",
            "relation": "figlio",
        },
    ],
}


def make_payload(**changes) -> dict:
    payload = copy.deepcopy(BASE_PAYLOAD)
    payload.update(changes)
    return payload


@pytest.fixture
def payload() -> dict:
    """A valid referral for San Giuliano Milanese: head, spouse, one minor child."""
    return make_payload()


@pytest.fixture(name="make_payload")
def make_payload_fixture():
    """``make_payload(**changes)``: the valid referral with top-level fields replaced."""
    return make_payload


@pytest.fixture(name="cf")
def cf_fixture():
    """``cf(first_fifteen)``: a valid codice fiscale with its check character."""
    return cf


@pytest.fixture
def db(db_url):
    """Intake's database at its latest migration (SQLite, and PostgreSQL when it answers)."""
    upgrade(IntakeService.migrations_dir, db_url)
    database = Db("intake", db_url, metadata)
    yield database
    database.dispose()
