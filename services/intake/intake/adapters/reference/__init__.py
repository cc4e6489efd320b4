"""Reference data the service ships with: the comuni of the Città Metropolitana di Milano
(``comuni.csv``: ISTAT data, list as of 1/1/2020) and the ambiti the agency serves
(``ambiti.csv``: dated rows, valid_from/valid_to inclusive, valid_to empty = still valid)."""

from __future__ import annotations

import csv
from datetime import date
from functools import lru_cache
from importlib.resources import files


@lru_cache(maxsize=1)
def comuni() -> dict[str, str]:
    """ISTAT code -> name, in file order."""
    with files(__package__).joinpath("comuni.csv").open(encoding="utf-8", newline="") as f:
        return {row["codice_istat"]: row["nome"] for row in csv.DictReader(f)}


def is_known(istat: str) -> bool:
    return istat in comuni()


def comune_name(istat: str) -> str | None:
    return comuni().get(istat)


def comuni_list() -> list[dict[str, str]]:
    """``[{istat, name}]`` sorted by name, for forms."""
    return [
        {"istat": code, "name": name}
        for code, name in sorted(comuni().items(), key=lambda item: item[1].casefold())
    ]


@lru_cache(maxsize=1)
def ambiti() -> tuple[dict, ...]:
    """The served ambiti, one row per comune and validity period, dates parsed."""
    with files(__package__).joinpath("ambiti.csv").open(encoding="utf-8", newline="") as f:
        return tuple(
            {
                "ambito_code": row["ambito_code"],
                "ambito_name": row["ambito_name"],
                "comune_istat": row["comune_istat"],
                "valid_from": date.fromisoformat(row["valid_from"]),
                "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            }
            for row in csv.DictReader(f)
        )
