"""Reference data the service ships with: the comuni of the Città Metropolitana di Milano
(``comuni.csv``: ISTAT data, list as of 1/1/2020)."""
from __future__ import annotations

import csv
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
    return [{"istat": code, "name": name}
            for code, name in sorted(comuni().items(), key=lambda item: item[1].casefold())]
