"""Load the demo data through the real entrances, idempotently (safe to run twice):
- subscribe the partner FWA to new referrals (partners RPC, as the system);
- file demo referrals for the demo comuni through the gateway's REST API, as each comune's
  API client, with an Idempotency-Key so a second run files nothing new.
"""

from __future__ import annotations

import argparse
import sys
import time

import requests
from nameko.standalone.rpc import ClusterRpcProxy
from stdnum.it.codicefiscale import calc_check_digit

from abitare_chassis import config
from abitare_chassis.actor import SYSTEM, Actor, rpc_audience, sign_actor

# The 9 comuni of the Ambito di San Giuliano Milanese, and Milano (ISTAT codes).
DEMO_COMUNI = [
    "015195",
    "015192",
    "015050",
    "015071",
    "015082",
    "015101",
    "015140",
    "015202",
    "015244",
    "015146",
]
MONTHS = "ABCDEHLMPRST"


def codice_fiscale(
    surname: str, name: str, year: int, month: int, day: int, female: bool, belfiore: str = "F205"
) -> str:
    def consonants(s):
        return [c for c in s.upper() if c.isalpha() and c not in "AEIOU"]

    def vowels(s):
        return [c for c in s.upper() if c in "AEIOU"]

    def part(s, is_name):
        cons = consonants(s)
        if is_name and len(cons) > 3:
            cons = [cons[0], cons[2], cons[3]]
        return "".join((cons + vowels(s) + ["X"] * 3)[:3])

    body = (
        part(surname, False)
        + part(name, True)
        + f"{year % 100:02d}"
        + MONTHS[month - 1]
        + f"{day + (40 if female else 0):02d}"
        + belfiore
    )
    return body + calc_check_digit(body)


def member(surname, name, birth, relation, female):
    y, m, d = (int(x) for x in birth.split("-"))
    return {
        "codice_fiscale": codice_fiscale(surname, name, y, m, d, female),
        "first_name": name,
        "last_name": surname,
        "birth_date": birth,
        "relation": relation,
    }


DEMO_REFERRALS = [
    (
        "015195",
        "servizi_sociali_comune",
        "sfratto_esecutivo",
        "sfratto_in_corso",
        140000,
        85000,
        [
            member("Bianchi", "Giulia", "1985-03-12", "intestatario", True),
            member("Bianchi", "Luca", "2014-06-01", "figlio", False),
            member("Bianchi", "Sara", "2017-09-23", "figlio", True),
        ],
    ),
    (
        "015195",
        "servizi_sociali_comune",
        "canone_insostenibile",
        "affitto_insostenibile",
        120000,
        65000,
        [
            member("Ferrari", "Marco", "1979-11-02", "intestatario", False),
            member("Esposito", "Anna", "1982-01-15", "coniuge", True),
        ],
    ),
    (
        "015140",
        "pronto_intervento_sociale",
        "incendio_abitazione",
        "rilascio_altro_motivo",
        None,
        None,
        [member("Romano", "Paolo", "1958-07-30", "intestatario", False)],
    ),
    (
        "015192",
        "servizi_sociali_comune",
        "morosita_affitto",
        "mancato_rinnovo_contratto",
        180000,
        70000,
        [
            member("Colombo", "Elena", "1990-05-05", "intestatario", True),
            member("Colombo", "Matteo", "2019-02-11", "figlio", False),
        ],
    ),
    (
        "015101",
        "forze_ordine",
        "allontanamento_da_ospitante",
        "fine_accoglienza_temporanea",
        0,
        None,
        [member("Ricci", "Karim", "1996-12-19", "intestatario", False)],
    ),
    (
        "015244",
        "nucleo_familiare",
        "morosita_mutuo",
        "sistemazione_stabile_provvisoria",
        210000,
        60000,
        [
            member("Marino", "Franco", "1950-04-04", "intestatario", False),
            member("Greco", "Rosa", "1953-08-18", "coniuge", True),
        ],
    ),
    (
        "015082",
        "servizi_sociali_comune",
        "sfratto_esecutivo",
        "sfratto_in_corso",
        95000,
        55000,
        [
            member("Bruno", "Fatima", "1988-10-10", "intestatario", True),
            member("Bruno", "Yusuf", "2012-03-03", "figlio", False),
            member("Bruno", "Amina", "2015-07-07", "figlio", True),
            member("Bruno", "Omar", "2020-01-20", "figlio", False),
        ],
    ),
    (
        "015146",
        "servizi_sociali_comune",
        "canone_insostenibile",
        "mancato_rinnovo_contratto",
        150000,
        90000,
        [member("Gallo", "Chiara", "1993-09-09", "intestatario", True)],
    ),
]


def wait_for_gateway(base_url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(f"{base_url}/readyz", timeout=3).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"the suite did not become healthy at {base_url}/readyz within {seconds}s")
        time.sleep(1)


def subscribe_fwa() -> None:
    system = sign_actor(
        Actor(sub="system:demo", role=SYSTEM, comuni=tuple(DEMO_COMUNI)), rpc_audience("partners")
    )
    with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=10) as rpc:
        rpc.partners.subscribe(system, "FWA", "intake.referral_received.v1")


def file_referrals(base_url: str) -> int:
    filed = 0
    for index, (istat, body, problem, situation, rent, income, members) in enumerate(
        DEMO_REFERRALS
    ):
        token = requests.post(
            f"{base_url}/api/v1/auth/token",
            timeout=10,
            json={"client_id": f"comune-{istat}", "client_secret": f"demo-secret-{istat}"},
        ).json()["access_token"]
        response = requests.post(
            f"{base_url}/api/v1/referrals",
            timeout=15,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"demo-{index}"},
            json={
                "comune_istat": istat,
                "referring_body": body,
                "problem_reported": problem,
                "housing_situation": situation,
                "monthly_rent_cents": rent,
                "monthly_net_income_cents": income,
                "household": members,
            },
        )
        response.raise_for_status()
        filed += response.status_code == 201
    return filed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--wait", type=float, default=60)
    args = parser.parse_args()
    wait_for_gateway(args.base_url, args.wait)
    subscribe_fwa()
    print(
        f"demo data loaded: {len(DEMO_REFERRALS)} referrals "
        f"({file_referrals(args.base_url)} new), FWA subscribed"
    )


if __name__ == "__main__":
    main()
