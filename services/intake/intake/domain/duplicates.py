"""What a look for possible duplicates may tell, and how often an operator may look.

A household already known to the agency is what triage must know; where and how it is known is
a case file of another comune. So (issue 7, finding 3):

- only roles that triage may look (``permissions.TRIAGE``);
- a match in a comune of an ambito where the caller triages (an ambito that contains one of the
  caller's comuni) is told with its comune, status and date, and with its referral id when that
  comune is in the caller's scope;
- every other match is folded into one item, "known to the agency in another comune": no
  comune, status, date, referral, nor which member matched, nor how many referrals;
- each operator may look at the duplicates of at most ``limit`` different households per hour
  (looking again at the same one is free), so that filing referrals with chosen codici fiscali
  cannot enumerate who is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

KNOWN_ELSEWHERE = "known_elsewhere"


@dataclass(frozen=True)
class CheckLimit:
    valid_from: date
    per_hour: int
    source: str


# Dated parameter: the limit in force is the latest row whose valid_from is not after today.
CHECK_LIMITS = (
    CheckLimit(
        date(2025, 1, 1),
        60,
        "issue 7 (security review): one triage operator handles far fewer than 60 new "
        "households an hour; more is a probe",
    ),
)
WINDOW_MINUTES = 60


def check_limit(today: date, override: int | None = None) -> int:
    """The number of different households an operator may check per hour on ``today``;
    ``override`` (the service's configuration) wins when given."""
    if override is not None:
        return override
    in_force = [row for row in CHECK_LIMITS if row.valid_from <= today]
    return max(in_force, key=lambda row: row.valid_from).per_hour if in_force else 0


def triage_area(ambiti: Iterable[dict], actor_comuni: Iterable[str], today: date) -> set[str]:
    """The comuni of every ambito (valid ``today``) that contains one of the actor's comuni."""
    rows = [
        r
        for r in ambiti
        if r["valid_from"] <= today and (r["valid_to"] is None or today <= r["valid_to"])
    ]
    mine = set(actor_comuni)
    codes = {r["ambito_code"] for r in rows if r["comune_istat"] in mine}
    return {r["comune_istat"] for r in rows if r["ambito_code"] in codes} | mine


def disclose(matches: list[dict], actor_comuni: Iterable[str], area: set[str]) -> list[dict]:
    """``matches`` (one per other referral, newest first: ``{id, comune_istat, status,
    received_at, codice_fiscale}``) as the caller may see them."""
    scope = set(actor_comuni)
    told, elsewhere = [], False
    for match in matches:
        if match["comune_istat"] not in area:
            elsewhere = True
            continue
        told.append(
            {
                "match": "codice_fiscale",
                "codice_fiscale": match["codice_fiscale"],
                "comune_istat": match["comune_istat"],
                "status": match["status"],
                "received_at": match["received_at"],
                "referral_id": match["id"] if match["comune_istat"] in scope else None,
            }
        )
    if elsewhere:
        told.append(
            {
                "match": KNOWN_ELSEWHERE,
                "codice_fiscale": None,
                "comune_istat": None,
                "status": None,
                "received_at": None,
                "referral_id": None,
            }
        )
    return told
