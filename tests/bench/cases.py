"""Bench part 2 (issues 3 and 8): with 100,000 cases in intake's database, the worklist (paged,
filtered), the case list and its search (surname, codice fiscale, status/comune/period, grade,
assignee), a year's Fotografia and the coordinator's Anomalie list (2 % of the members have a
codice fiscale that contradicts them) through the gateway (median and p95), beside a bare Flask
GET endpoint served the same way in the same run; and the query plans SQLite chose for the
searches and the Anomalie page (an index, not a scan).

The cases are written straight into intake's (migrated) SQLite database with SQLAlchemy Core,
reflecting its tables: loading them one by one through the API would measure the loading."""

from __future__ import annotations

import random
import signal
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import requests
from sqlalchemy import JSON, MetaData, create_engine, insert
from sqlalchemy.dialects import sqlite

from intake.domain.codice_fiscale import coherence
from intake.domain.household import search_key
from intake.usecases.anomalies import page_of_flagged_members
from tests.support.data import codice_fiscale, personal_code

AMBITO = ["015195", "015192", "015050", "015071", "015082", "015101", "015140", "015202", "015244"]
SITUATIONS = [
    "mancato_rinnovo_contratto",
    "sfratto_in_corso",
    "sistemazione_stabile_provvisoria",
    "fine_accoglienza_temporanea",
    "affitto_insostenibile",
    "rilascio_altro_motivo",
]
PROBLEMS = [
    "sfratto_esecutivo",
    "morosita_affitto",
    "canone_insostenibile",
    "assenza_dimora",
    "altro",
]
BODIES = [
    "servizi_sociali_comune",
    "pronto_intervento_sociale",
    "forze_ordine",
    "altro_ente",
    "nucleo_familiare",
]
COMPOSITIONS = [
    "coppia_con_figli_minori",
    "madre_sola_con_figli_minori",
    "adulto_solo",
    "genitore_con_figlio_neomaggiorenne",
    "adulto_con_over_65",
    "coppia_senza_figli",
]
STATUSES = [
    "ricevuta",
    "in_carico",
    "in_carico",
    "in_carico",
    "chiusa",
    "respinta",
    "informazioni_richieste",
]
SURNAMES = [
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
    "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
    "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale",
    "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa",
    "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini",
]  # fmt: skip
SUFFIXES = ["", "", "", "ni", "ello", "etti", "one", "ucci", "elli", "otto", "ini", "ato"]
FIRST_NAMES = ["Maria", "Giuseppe", "Anna", "Marco", "Giulia", "Luca", "Sara", "Ahmed", "Fatima"]
ANOMALOUS = 50  # 2 % of the members: the codice fiscale search finds one (codice_fiscale(150000))
# Operators the bench assigns cases to: the demo agency operator is one.
ASSIGNEES = ["operator:agenzia", "operator:coordinatrice", "operator:b1", "operator:b2"]
OUTCOMES = [
    "sap_assegnato",
    "affitto_canone_concordato",
    "affitto_libero_mercato",
    "rientro_in_famiglia",
    "trasferimento",
    "abbandono",
]


def load_cases(database_url: str, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    engine = create_engine(database_url)
    tables = MetaData()
    tables.reflect(engine, only=["referral", "household_member"])
    referral, member = tables.tables["referral"], tables.tables["household_member"]
    # reflected JSON writes None as the JSON text 'null'; intake's model stores SQL NULL
    member.c.codice_fiscale_warnings.type = JSON(none_as_null=True)
    now = datetime.now(UTC)
    today = date.today()
    batch_referrals, batch_members = [], []
    with engine.begin() as conn:
        for i in range(count):
            rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            status = rng.choice(STATUSES)
            received = now - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            size = rng.randint(1, 5)
            batch_referrals.append(
                {
                    "id": rid,
                    "comune_istat": rng.choice(AMBITO),
                    "received_at": received,
                    "status": status,
                    "referring_body": rng.choice(BODIES),
                    "referring_body_name": None,
                    "problem_reported": rng.choice(PROBLEMS),
                    "housing_situation": rng.choice(SITUATIONS),
                    "description": None,
                    "eviction_date": today + timedelta(days=rng.randrange(-30, 200))
                    if rng.random() < 0.3
                    else None,
                    "monthly_net_income_cents": rng.randrange(0, 300000),
                    "monthly_rent_cents": rng.randrange(30000, 150000),
                    "contact_phone": None,
                    "household_size": size,
                    "minors": rng.randint(0, size - 1),
                    "over_65": 0,
                    "submitted_by": "client:bench",
                    "idempotency_key": f"bench-{i}",
                    "updated_at": received,
                    "household_composition": rng.choice(COMPOSITIONS),
                    "assigned_to": rng.choice(ASSIGNEES) if status == "in_carico" else None,
                    "assigned_at": received if status == "in_carico" else None,
                    "assigned_by": "operator:coordinatrice" if status == "in_carico" else None,
                    "current_grade": rng.choice([None, 1, 2, 3, 4]),
                    "documents_expiring_on": today + timedelta(days=rng.randrange(0, 400))
                    if rng.random() < 0.1
                    else None,
                    "closure_outcome": rng.choice(OUTCOMES) if status == "chiusa" else None,
                }
            )
            last_name = rng.choice(SURNAMES) + rng.choice(SUFFIXES)
            first_name = rng.choice(FIRST_NAMES)
            born = date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
            # one member in ANOMALOUS has a code that contradicts it (an Anomalie), the others
            # their own code
            code = (
                codice_fiscale(100000 + i)
                if i % ANOMALOUS == 0
                else personal_code(last_name, first_name, born)
            )
            batch_members.append(
                {
                    "referral_id": rid,
                    "position": 0,
                    "codice_fiscale": code,
                    "first_name": first_name,
                    "last_name": last_name,
                    "last_name_key": search_key(last_name),
                    "first_name_key": search_key(first_name),
                    "birth_date": born,
                    "relation": "intestatario",
                    "codice_fiscale_warnings": coherence(code, last_name, first_name, born) or None,
                }
            )
            if len(batch_referrals) == 5000:
                conn.execute(insert(referral), _complete(referral, batch_referrals))
                conn.execute(insert(member), _complete(member, batch_members))
                batch_referrals, batch_members = [], []
        if batch_referrals:
            conn.execute(insert(referral), _complete(referral, batch_referrals))
            conn.execute(insert(member), _complete(member, batch_members))
    engine.dispose()


def _complete(table, rows):
    """Columns this bench does not know about (added by later migrations) get NULL, or fail
    loudly if they are NOT NULL without a default."""
    names = set(table.c.keys())
    return [{k: v for k, v in row.items() if k in names} for row in rows]


def timings(
    session: requests.Session, url: str, params=None, repeat: int = 30
) -> tuple[float, float]:
    samples = []
    session.get(url, params=params, timeout=120).raise_for_status()  # warm-up
    for _ in range(repeat):
        start = time.perf_counter()
        response = session.get(url, params=params, timeout=120)
        samples.append(time.perf_counter() - start)
        response.raise_for_status()
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.95) - 1] * 1000


def query_plans(database_url: str) -> dict[str, str]:
    """SQLite's plan for each search the bench times (as intake's use case writes it): the
    index each one uses, or SCAN where it reads the whole table."""

    scoped = "r.comune_istat IN ('015195','015192','015050','015071','015082')"
    searches = {
        "surname 'ross' (prefix)": "r.id IN (SELECT referral_id FROM household_member "
        "WHERE last_name_key >= 'ross' AND last_name_key < 'rost')",
        "codice fiscale": "r.id IN (SELECT referral_id FROM household_member "
        f"WHERE codice_fiscale = '{codice_fiscale(150000)}')",
        "status + comune + period": "r.comune_istat = '015195' AND r.status = 'in_carico' "
        "AND r.received_at >= '2026-01-01' AND r.received_at < '2026-04-01'",
        "assignee": "r.assigned_to = 'operator:agenzia'",
    }
    anomalies_page = page_of_flagged_members(AMBITO, 1, 50).compile(
        dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
    )
    engine = create_engine(database_url)
    plans = {}
    with engine.connect() as conn:
        for name, condition in searches.items():
            plans[name] = _plan(
                conn, f"SELECT count(*) FROM referral r WHERE {scoped} AND {condition}"
            )
        plans["Anomalie, page 1 (intake's query)"] = _plan(conn, str(anomalies_page))
    engine.dispose()
    return plans


def _plan(conn, sql: str) -> str:
    from sqlalchemy import text

    return "; ".join(row[-1] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all())


def planner_rows(database_url: str, table: str) -> int | None:
    """The rows of ``table`` as SQLite's planner statistics record them (None: none yet)."""
    from sqlalchemy import text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name='sqlite_stat1'")):
            rows = None
        else:
            rows = conn.scalar(
                text("SELECT max(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl = :t"),
                {"t": table},
            )
    engine.dispose()
    return rows


def restart_for_statistics(suite, service: str, table: str, rows: int) -> tuple[float, str]:
    """Restart ``service`` and wait until its chassis has analysed ``table`` (``rows`` rows);
    returns the seconds from the restart to that, and what the service logged about it."""
    url = suite.database_url(service)
    assert planner_rows(url, table) != rows, "statistics already there: nothing to show"
    suite.kill(service, signal.SIGTERM)
    started = time.perf_counter()
    suite.start_service(service)
    deadline = time.monotonic() + 300
    while planner_rows(url, table) != rows:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{service} gathered no statistics:\n{suite.tail(service)}")
        time.sleep(0.2)
    gathered_in = time.perf_counter() - started
    suite.wait_healthy()
    logged = [line for line in suite.tail(service, 400).splitlines() if "statistics of" in line]
    return gathered_in, logged[-1].split(": ", 1)[-1]
