"""SAP tenancies on a real database (SQLite, PostgreSQL): assignment of the demo SAP dwelling,
charges and payments, the arrears balance and the early-warning worklist of the actor's comuni."""

from datetime import date

import pytest

from abitare_chassis.actor import Actor
from housing_stock.errors import (
    DwellingInvalid,
    DwellingNotAvailable,
    HousingForbidden,
    TenancyNotFound,
)
from housing_stock.usecases import dwellings, tenancies

SGM, SAN_DONATO = "015195", "015192"
COORDINATOR = Actor(sub="coord:sgm", role="coordinator", comuni=(SGM, SAN_DONATO))
ELSEWHERE = Actor(sub="op:est", role="agency_operator", comuni=("015175",))
SGM_CLIENT = Actor(sub="client:sgm", role="municipal_client", comuni=(SGM,))
MONTHLY = 15_000 + 6_500  # canone applicato + servizi of the demo SAP dwelling


@pytest.fixture
def tenancy(db):
    return tenancies.assign_sap_dwelling(
        db, COORDINATOR, "SGM-SAP-01", 15_000, 6_500, date(2025, 12, 1), referral_id="ref-1"
    )


def charge_three_months(db, tenancy_id):
    for month in (1, 2, 3):
        tenancies.book(db, COORDINATOR, tenancy_id, "addebito", date(2026, month, 1), MONTHLY)


def test_assigning_the_sap_dwelling_occupies_it_once(db, tenancy):
    assert tenancy["dwelling_code"] == "SGM-SAP-01" and tenancy["referral_id"] == "ref-1"
    assert dwellings.get_dwelling(db, COORDINATOR, "SGM-SAP-01")["state"] == "occupata"
    with pytest.raises(DwellingNotAvailable):
        tenancies.assign_sap_dwelling(db, COORDINATOR, "SGM-SAP-01", 1, 0, date(2026, 1, 1))
    with pytest.raises(DwellingInvalid) as not_sap:  # a private vacancy is no SAP dwelling
        tenancies.assign_sap_dwelling(db, COORDINATOR, "SGM-PRV-01", 1, 0, date(2026, 1, 1))
    assert not_sap.value.errors["code"][0]["code"] == "one_of"


def test_two_months_unpaid_put_the_tenancy_on_the_worklist(db, tenancy):
    charge_three_months(db, tenancy["id"])
    tenancies.book(db, COORDINATOR, tenancy["id"], "pagamento", date(2026, 1, 10), MONTHLY)
    on = date(2026, 3, 10)
    balance = tenancies.arrears(db, COORDINATOR, tenancy["id"], on)
    assert balance["balance_cents"] == 2 * MONTHLY and balance["months_of_rent"] == "2.00"
    assert balance["oldest_unpaid_due_on"] == date(2026, 2, 1) and balance["age_days"] == 37
    assert balance["warning"] and "da segnalare al comune" in balance["explanation"]
    (listed,) = tenancies.arrears_worklist(db, COORDINATOR, on)
    assert listed["id"] == tenancy["id"]
    # a payment brings it under the threshold: off the worklist
    tenancies.book(db, COORDINATOR, tenancy["id"], "pagamento", date(2026, 3, 9), 10_000)
    assert tenancies.arrears_worklist(db, COORDINATOR, on) == []


def test_bad_entries_and_other_comuni_change_nothing(db, tenancy):
    with pytest.raises(DwellingInvalid) as bad:
        tenancies.book(db, COORDINATOR, tenancy["id"], "regalo", date(2026, 1, 1), 0)
    assert set(bad.value.errors) == {"kind", "amount_cents"}
    with pytest.raises(TenancyNotFound):
        tenancies.book(db, ELSEWHERE, tenancy["id"], "pagamento", date(2026, 1, 1), 100)
    assert tenancies.arrears_worklist(db, ELSEWHERE, date(2026, 3, 10)) == []
    with pytest.raises(HousingForbidden):  # the comune's API client sees no household's debts
        tenancies.arrears(db, SGM_CLIENT, tenancy["id"], date(2026, 3, 10))
    assert (
        tenancies.arrears(db, COORDINATOR, tenancy["id"], date(2026, 3, 10))["balance_cents"] == 0
    )
