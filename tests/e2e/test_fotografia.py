"""The Fotografia of seed 003 (C.A.S.A., April–May 2025): with its 44 referrals loaded through
the API, the Fotografia for that period shows exactly the published counts."""

import csv
import io
from datetime import date, timedelta

import pytest

from tests.support.data import referral
from tests.support.suite import operator_session

# "Schede di attivazione ricevute dai comuni: 44"
BY_COMUNE = {
    "015195": ("San Giuliano Milanese", 19),
    "015140": ("Melegnano", 9),
    "015101": ("Dresano", 4),
    "015192": ("San Donato Milanese", 4),
    "015244": ("Vizzolo Predabissi", 3),
    "015082": ("Colturano", 3),
    "015071": ("Cerro al Lambro", 1),
    "015202": ("San Zenone al Lambro", 1),
}
# "Situazioni abitative riscontrate"
BY_SITUATION = {
    "mancato_rinnovo_contratto": 14,
    "sfratto_in_corso": 10,
    "sistemazione_stabile_provvisoria": 6,
    "rilascio_altro_motivo": 6,
    "fine_accoglienza_temporanea": 5,
    "affitto_insostenibile": 3,
}


def snapshot():
    situations = [s for s, n in BY_SITUATION.items() for _ in range(n)]
    comuni = [istat for istat, (_, n) in BY_COMUNE.items() for _ in range(n)]
    start = date(2025, 4, 1)
    for i, (istat, situation) in enumerate(zip(comuni, situations)):
        received = start + timedelta(days=i * 61 // 44)  # spread over 1 April – 31 May
        yield i, istat, situation, received


@pytest.fixture(scope="module")
def loaded(suite):
    url = suite.base_url + "/api/v1"
    clients = {istat: suite.api(istat) for istat in BY_COMUNE}
    for i, istat, situation, received in snapshot():
        response = clients[istat].post(
            f"{url}/referrals",
            timeout=15,
            json=referral(
                istat, n=5000 + i, housing_situation=situation, received_at=received.isoformat()
            ),
        )
        assert response.status_code == 201, response.text
    # one referral just outside the period, and one of today: neither may be counted
    for when in ("2025-06-01", None):
        extra = referral(
            "015195", n=6000 if when else 6001, **({"received_at": when} if when else {})
        )
        assert clients["015195"].post(f"{url}/referrals", json=extra, timeout=15).status_code == 201
    return operator_session(suite, "agenzia", "agenzia-demo")


def test_fotografia_april_may_2025_matches_seed_003(suite, loaded):
    answer = loaded.get(
        f"{suite.base_url}/api/v1/fotografia",
        timeout=30,
        params={"from": "2025-04-01", "to": "2025-05-31"},
    )
    assert answer.status_code == 200, answer.text
    fotografia = answer.json()
    assert fotografia["total"] == 44
    assert fotografia["by_comune"] == {name: n for name, n in BY_COMUNE.values()}
    assert fotografia["by_housing_situation"] == BY_SITUATION
    assert fotografia["by_referring_body"] == {"servizi_sociali_comune": 44}


def test_fotografia_csv_export_has_the_same_counts(suite, loaded):
    answer = loaded.get(
        f"{suite.base_url}/api/v1/fotografia.csv",
        timeout=30,
        params={"from": "2025-04-01", "to": "2025-05-31"},
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    counts = {(r["dimension"], r["value"]): int(r["count"]) for r in rows}
    assert counts[("total", "")] == 44
    for situation, n in BY_SITUATION.items():
        assert counts[("housing_situation", situation)] == n


def test_fotografia_page_shows_charts_and_tables(suite, loaded):
    page = loaded.get(
        f"{suite.base_url}/fotografia", timeout=30, params={"dal": "2025-04-01", "al": "2025-05-31"}
    )
    assert page.status_code == 200
    assert "<svg" in page.text and "<table" in page.text
    assert "San Giuliano Milanese" in page.text and ">19<" in page.text
