"""Retention of case files (GDPR art. 5(1)(e), storage limitation; art. 17) and what
pseudonymisation keeps.

A closed case is kept whole for a retention period counted from its closure, then pseudonymised:
what identifies the household goes, what the Fotografia counts stays (comune, dates, codes,
grades, outcomes, household size and composition). A case under a legal hold is never
pseudonymised. The period is a dated parameter per purpose, chosen on the closure date (a case
keeps the rule that applied when it was closed).

No source read so far gives a figure for the agency's case files (domain_rules.md has none;
reliability_security.md cites art. 5(1)(e) and ASVS 14.2.7, not a duration): the 10 years
below are the agency's default and marked ``to_verify`` ("da verificare") until its records
schedule (massimario di scarto) or the DPO says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

CASE_FILE = "case_file"  # the social-services case file of a closed case (fascicolo)
DECLINED_REFERRAL = "declined_referral"  # a referral the agency declined at triage
PURPOSES = {
    CASE_FILE: "Fascicolo del caso chiuso",
    DECLINED_REFERRAL: "Scheda respinta al triage",
}


@dataclass(frozen=True)
class RetentionPeriod:
    purpose: str
    years: int
    valid_from: date
    valid_to: date | None  # inclusive; None = still in force
    source: str
    to_verify: bool  # "da verificare": no source gives the figure yet

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


PERIODS: tuple[RetentionPeriod, ...] = (
    RetentionPeriod(
        purpose=CASE_FILE,
        years=10,
        valid_from=date.min,  # every case file, however old
        valid_to=None,
        source=(
            "Reg. (UE) 2016/679 art. 5(1)(e) e art. 17; durata: default dell'Agenzia per il "
            "fascicolo del servizio sociale, da verificare con il massimario di scarto e il DPO"
        ),
        to_verify=True,
    ),
    RetentionPeriod(
        purpose=DECLINED_REFERRAL,
        years=5,
        valid_from=date.min,
        valid_to=None,
        source=(
            "Reg. (UE) 2016/679 art. 5(1)(e) e art. 17; durata: default dell'Agenzia per una "
            "scheda respinta (nessun percorso avviato), da verificare con il massimario di "
            "scarto e il DPO"
        ),
        to_verify=True,
    ),
)


def period_on(
    purpose: str, day: date, periods: tuple[RetentionPeriod, ...] = PERIODS
) -> RetentionPeriod | None:
    """The period of ``purpose`` in force on ``day`` (the most recent if several), or None."""
    candidates = [p for p in periods if p.purpose == purpose and p.applies_on(day)]
    return max(candidates, key=lambda p: p.valid_from) if candidates else None


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retained_until(
    closed_on: date, purpose: str = CASE_FILE, periods: tuple[RetentionPeriod, ...] = PERIODS
) -> date | None:
    """The last day a case closed on ``closed_on`` is kept whole, or None when no period is in
    force on that day (then it is kept: nothing is pseudonymised without a rule)."""
    period = period_on(purpose, closed_on, periods)
    return add_years(closed_on, period.years) if period else None


@dataclass(frozen=True)
class CaseState:
    """What the rule looks at: the status, the day the case ended (Milan: its last closure, or
    the triage that declined it), the hold and whether it is already done."""

    status: str
    closed_on: date | None
    legal_hold: bool
    pseudonymised: bool


CLOSED = "chiusa"  # lifecycle.CHIUSA (the rule reads only the codes)
DECLINED = "respinta"  # lifecycle.RESPINTA
# The statuses that end a case, and the purpose whose period then runs.
PURPOSE_OF_STATUS = {CLOSED: CASE_FILE, DECLINED: DECLINED_REFERRAL}


def is_due(case: CaseState, today: date, periods: tuple[RetentionPeriod, ...] = PERIODS) -> bool:
    """A case is due for pseudonymisation when it is closed or declined, not held, not yet
    pseudonymised, and the retention period of its purpose ended before ``today``."""
    purpose = PURPOSE_OF_STATUS.get(case.status)
    if purpose is None or case.legal_hold or case.pseudonymised or case.closed_on is None:
        return False
    until = retained_until(case.closed_on, purpose, periods)
    return until is not None and until < today


# -- what pseudonymisation writes in place of identifying data ---------------------------------
REDACTED = "[omissis]"


def birth_year_only(birth_date: date) -> date:
    """A birth date reduced to its year (stored as 1 January of that year)."""
    return date(birth_date.year, 1, 1)


def month_only(day: date | None) -> date | None:
    """A date reduced to its month (first of the month): an eviction date and a comune can
    single a household out in the court's records; the month still counts."""
    return day.replace(day=1) if day is not None else None


def redact(text: str | None, terms: Iterable[str]) -> str | None:
    """``text`` with every occurrence of ``terms`` (names, codici fiscali: at least 2
    characters) replaced by ``[omissis]``, case-insensitively: for texts about several
    households (commission minutes), where only this household's part must go."""
    if not text:
        return text
    words = sorted({t.strip() for t in terms if t and len(t.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return text
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return pattern.sub(REDACTED, text)
