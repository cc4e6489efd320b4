"""Valid test data: codici fiscali with a correct check character (or coherent with the person),
referral and project payloads."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from stdnum.it.codicefiscale import calc_check_digit

from intake.domain.codice_fiscale import name_letters, surname_letters

MONTHS = "ABCDEHLMPRST"
_counter = itertools.count()


def codice_fiscale(n: int | None = None, female: bool = False) -> str:
    """A distinct, checksum-valid codice fiscale per ``n``."""
    n = next(_counter) if n is None else n
    letters = "BCDFGHLMNPRSTVZ"
    surname = "".join(letters[(n // 15**i) % 15] for i in range(3))
    name = "".join(letters[(n // 15 ** (i + 3)) % 15] for i in range(3))
    year, month, day = 60 + n % 40, MONTHS[n % 12], 1 + n % 28 + (40 if female else 0)
    body = f"{surname}{name}{year:02d}{month}{day:02d}F205"
    return body + calc_check_digit(body)


def personal_code(
    last_name: str, first_name: str, born: date, female: bool = False, belfiore: str = "F205"
) -> str:
    """The codice fiscale of that person (DM 23/12/1976), coherent with name and birth date:
    what a form accepts without a warning (``codice_fiscale`` above is only checksum-valid)."""
    day = born.day + (40 if female else 0)
    body = (
        f"{surname_letters(last_name)}{name_letters(first_name)}"
        f"{born.year % 100:02d}{MONTHS[born.month - 1]}{day:02d}{belfiore}"
    )
    return body + calc_check_digit(body)


def referral(istat: str = "015195", members: int = 2, n: int | None = None, **overrides) -> dict:
    base = next(_counter) * 10 if n is None else n * 10
    household = [
        {
            "codice_fiscale": codice_fiscale(base),
            "first_name": "Maria",
            "last_name": "Rossi",
            "birth_date": "1984-02-10",
            "relation": "intestatario",
        }
    ]
    for i in range(1, members):
        household.append(
            {
                "codice_fiscale": codice_fiscale(base + i),
                "first_name": "Figlio",
                "last_name": "Rossi",
                "birth_date": f"2015-05-0{i}",
                "relation": "figlio",
            }
        )
    payload = {
        "comune_istat": istat,
        "referring_body": "servizi_sociali_comune",
        "problem_reported": "sfratto_esecutivo",
        "housing_situation": "sfratto_in_corso",
        "monthly_rent_cents": 90000,
        "monthly_net_income_cents": 150000,
        "description": "Nucleo con sfratto esecutivo, udienza fissata.",
        "household": household,
    }
    payload.update(overrides)
    return payload


def project(agreed_on: date) -> dict:
    """A project agreed on ``agreed_on``: one objective, one fund application due 20 days on."""
    return {
        "objectives": ["Evitare lo sfratto"],
        "agreed_on": agreed_on.isoformat(),
        "actions": [
            {
                "type": "fund_application",
                "description": "Fondo morosità incolpevole",
                "responsible": "agency",
                "due_date": (agreed_on + timedelta(days=20)).isoformat(),
                "status": "da_avviare",
            }
        ],
    }


def consent(partner_code: str, service: str, given_on: date | str) -> dict:
    """A household's consent to share its contacts with ``partner_code`` for ``service``, from
    ``given_on`` for a year (the body of ``POST /api/v1/cases/{id}/consents``)."""
    day = date.fromisoformat(str(given_on)[:10])
    return {
        "partner_code": partner_code,
        "service": service,
        "categories": ["contatti"],
        "given_by": "Maria Rossi",
        "given_on": day.isoformat(),
        "valid_until": (day + timedelta(days=365)).isoformat(),
    }
