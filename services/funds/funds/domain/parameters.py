"""Dated parameters: thresholds taken from regulations or agency documents.

A threshold is never a bare constant. Each value carries the period it is valid for and the
document it comes from, and a check picks the value valid on the date of the case it assesses,
so a case keeps being judged by the rule that applied when it arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DatedParameter:
    """The one shape of a dated rule value in funds (every area: ISEE, rent fund, guarantee,
    microcredit). ``to_verify``: the figure (or its date) comes from a secondary or weak source
    only ([S]/[U] in domain_rules.md) and is shown "da verificare"."""

    name: str
    value: Decimal
    valid_from: date
    valid_to: date | None  # inclusive; None = still in force
    source: str  # as a person cites it, in Italian (no internal references)
    to_verify: bool = False

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def as_record(self) -> dict:
        return {
            "name": self.name,
            "value": str(self.value),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": self.source,
            "to_verify": self.to_verify,
        }


RENT_TO_INCOME_THRESHOLD = "rent_to_income_threshold"

PARAMETERS: tuple[DatedParameter, ...] = (
    # "Un canone – per essere sostenibile – non dovrebbe superare il 30% del reddito familiare
    # mensile." (C.A.S.A. San Giuliano Milanese, press kit 2025: seeds/003). ``source`` is
    # written as a person cites it: it ends the explanation operators read.
    DatedParameter(
        name=RENT_TO_INCOME_THRESHOLD,
        value=Decimal("0.30"),
        valid_from=date(2024, 1, 1),
        valid_to=None,
        source=(
            "C.A.S.A., Agenzia per l'abitare dell'Ambito di San Giuliano Milanese, "
            "cartella stampa 2025"
        ),
    ),
)


def parameter_on(
    name: str, day: date, parameters: tuple[DatedParameter, ...] = PARAMETERS
) -> DatedParameter | None:
    """The value of ``name`` valid on ``day`` (the most recent one if periods overlap), or None."""
    candidates = [p for p in parameters if p.name == name and p.applies_on(day)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: p.valid_from)


def required_parameter(
    name: str, day: date, parameters: tuple[DatedParameter, ...]
) -> DatedParameter:
    """Like ``parameter_on``, for a rule that cannot be applied without the value."""
    found = parameter_on(name, day, parameters)
    if found is None:
        raise LookupError(f"no parameter {name} in force on {day.isoformat()}")
    return found


# -- isee: the ISEE aid's parameters (domain_rules.md §1) ---------------------------------------
# Each coefficient, threshold and deduction of the ISEE computation (DPCM 5 dicembre 2013 n. 159
# and later changes) is a dated row. ``regime`` says which ISEE it belongs to: "ordinario" (the
# one housing measures and municipal services use) or "misure_famiglia_2026" (L. 199/2025: only
# Assegno unico, Assegno di inclusione, bonus nido and the like); a regime without its own row
# uses the ordinary one. ``denominator``: the value is ``value / denominator`` (2/3 stays exact).
ORDINARY = "ordinario"
FAMILY_2026 = "misure_famiglia_2026"
ISEE_REGIMES = (ORDINARY, FAMILY_2026)


@dataclass(frozen=True)
class IseeParameter(DatedParameter):
    regime: str = ORDINARY
    denominator: int = 1

    def as_record(self) -> dict:
        return {**super().as_record(), "regime": self.regime, "denominator": self.denominator}


DPCM_159 = "DPCM 5 dicembre 2013 n. 159"
DPCM_START = date(2015, 1, 1)  # the new ISEE applies to DSU from 1 January 2015


def _isee(name, value, source, valid_from=DPCM_START, valid_to=None, **kw) -> IseeParameter:
    return IseeParameter(
        name=name,
        value=Decimal(value),
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
        **kw,
    )


ISEE_PARAMETERS: tuple[IseeParameter, ...] = (
    # ISE = ISR + 20% ISP
    _isee("isee_patrimony_share", "0.20", f"{DPCM_159}, art. 2 c. 3"),
    # ISR, deductions per member (art. 4 c. 3)
    _isee("isee_employment_deduction_rate", "0.20", f"{DPCM_159}, art. 4 c. 3"),
    _isee("isee_employment_deduction_cap_cents", "300000", f"{DPCM_159}, art. 4 c. 3"),
    _isee("isee_pension_deduction_rate", "0.20", f"{DPCM_159}, art. 4 c. 3"),
    _isee(
        "isee_pension_deduction_cap_cents",
        "100000",
        f"{DPCM_159}, art. 4 c. 3 (applicazione per componente da verificare)",
        to_verify=True,
    ),
    # ISR, rent of a registered lease (art. 4 c. 4)
    _isee("isee_rent_deduction_cap_cents", "700000", f"{DPCM_159}, art. 4 c. 4 lett. a"),
    _isee(
        "isee_rent_deduction_per_child_after_second_cents",
        "50000",
        f"{DPCM_159}, art. 4 c. 4 lett. a",
    ),
    # reddito figurativo of financial assets other than deposits (art. 4 c. 2): the lower of the
    # 10-year BTP's average yield and the legal interest rate + 1 point, yearly
    _isee(
        "isee_figurative_yield",
        "0.03",
        f"{DPCM_159}, art. 4 c. 2 (tasso di interesse legale 2025 + 1 punto; da verificare)",
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 12, 31),
        to_verify=True,
    ),
    _isee(
        "isee_figurative_yield",
        "0.026",
        f"{DPCM_159}, art. 4 c. 2 (tasso di interesse legale 2026 + 1 punto; da verificare)",
        valid_from=date(2026, 1, 1),
        to_verify=True,
    ),
    # ISP, real estate (art. 5): IMU value = rendita × 1,05 × multiplier
    _isee("imu_revaluation", "1.05", "L. 662/1996 art. 3 c. 48; DL 201/2011 art. 13 c. 4"),
    *(
        _isee(f"imu_multiplier_{group}", value, "DL 201/2011 art. 13 c. 4")
        for group, value in (
            ("A", "160"),
            ("C2_C6_C7", "160"),
            ("B", "140"),
            ("C3_C4_C5", "140"),
            ("A10", "80"),
            ("D5", "80"),
            ("D", "65"),
            ("C1", "55"),
        )
    ),
    _isee("isee_home_franchise_cents", "5250000", f"{DPCM_159}, art. 5 c. 2"),
    _isee("isee_home_franchise_per_child_cents", "250000", f"{DPCM_159}, art. 5 c. 2 (dal terzo)"),
    _isee("isee_home_franchise_children_without_increment", "2", f"{DPCM_159}, art. 5 c. 2"),
    _isee("isee_home_excess_share", "2", f"{DPCM_159}, art. 5 c. 2", denominator=3),
    # ISP, financial assets (art. 5 c. 4-6)
    _isee("isee_movable_franchise_cents", "600000", f"{DPCM_159}, art. 5 c. 6"),
    _isee("isee_movable_franchise_per_member_cents", "200000", f"{DPCM_159}, art. 5 c. 6"),
    _isee("isee_movable_franchise_max_cents", "1000000", f"{DPCM_159}, art. 5 c. 6"),
    _isee(
        "isee_movable_franchise_per_child_after_second_cents",
        "100000",
        f"{DPCM_159}, art. 5 c. 6 (da verificare sul testo)",
        to_verify=True,
    ),
    _isee(
        "isee_state_bonds_exclusion_cents",
        "5000000",
        "L. 213/2023 art. 1 cc. 183-185; DPCM 14 gennaio 2025 n. 13 "
        "(decorrenza per le DSU da verificare)",
        valid_from=date(2025, 4, 3),
        to_verify=True,
    ),
    # scala di equivalenza (Allegato 1)
    *(
        _isee(f"isee_scale_{n}", value, f"{DPCM_159}, Allegato 1")
        for n, value in (("1", "1.00"), ("2", "1.57"), ("3", "2.04"), ("4", "2.46"), ("5", "2.85"))
    ),
    _isee("isee_scale_each_further", "0.35", f"{DPCM_159}, Allegato 1"),
    _isee("isee_scale_children_2", "0", f"{DPCM_159}, Allegato 1 lett. a"),
    _isee("isee_scale_children_3", "0.20", f"{DPCM_159}, Allegato 1 lett. a"),
    _isee("isee_scale_children_4", "0.35", f"{DPCM_159}, Allegato 1 lett. a"),
    _isee("isee_scale_children_5", "0.50", f"{DPCM_159}, Allegato 1 lett. a"),
    _isee("isee_scale_working_parents", "0.20", f"{DPCM_159}, Allegato 1 lett. b"),
    _isee("isee_scale_child_under_3", "0.30", f"{DPCM_159}, Allegato 1 lett. b"),
    _isee(
        "isee_scale_disability",
        "0.50",
        "DL 29 marzo 2016 n. 42 art. 2-sexies (conv. L. 89/2016)",
        valid_from=date(2016, 5, 27),
    ),
    # L. 30 dicembre 2025 n. 199 art. 1 cc. 208-209: only for the family measures
    *(
        _isee(
            name,
            value,
            "L. 30 dicembre 2025 n. 199, art. 1 cc. 208-209",
            valid_from=date(2026, 1, 1),
            regime=FAMILY_2026,
        )
        for name, value in (
            ("isee_home_franchise_cents", "9150000"),
            ("isee_home_franchise_children_without_increment", "1"),
            ("isee_scale_children_2", "0.10"),
            ("isee_scale_children_3", "0.25"),
            ("isee_scale_children_4", "0.40"),
            ("isee_scale_children_5", "0.55"),
        )
    ),
    _isee(
        "isee_home_franchise_capoluogo_cents",
        "20000000",
        "L. 30 dicembre 2025 n. 199, art. 1 c. 208 (emendamento del 20/12/2025; fonti "
        "discordanti: 200.000 o 120.000, da verificare)",
        valid_from=date(2026, 1, 1),
        regime=FAMILY_2026,
        to_verify=True,
    ),
)


def isee_parameter_on(
    name: str, day: date, regime: str = ORDINARY, parameters=ISEE_PARAMETERS
) -> IseeParameter | None:
    """The ISEE parameter ``name`` of ``regime`` valid on ``day``, else the ordinary one."""
    for wanted in dict.fromkeys((regime, ORDINARY)):
        rows = [p for p in parameters if p.name == name and p.regime == wanted]
        found = parameter_on(name, day, tuple(rows))
        if found is not None:
            return found  # type: ignore[return-value]
    return None
