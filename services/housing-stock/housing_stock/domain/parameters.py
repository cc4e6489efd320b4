"""Dated parameters of the housing rules: thresholds taken from regulations or agency documents.

The same shape as the funds service's (``funds.domain.parameters.DatedParameter``, copied here
because a service imports no other service): a threshold is never a bare constant. Each value
carries the period it is valid for, the document it comes from, as a person cites it, and
``to_verify`` when it was read in secondary sources only or the text leaves it open ([S]/[U] in
domain_rules.md): the explanations then say "da verificare". A check picks the value valid on
the date of the case it assesses, so a case keeps being judged by the rule that applied when it
arrived.

Money in integer cents; shares and ratios as exact ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..errors import HousingParameterNotInForce


@dataclass(frozen=True)
class DatedParameter:
    name: str
    value: Decimal
    valid_from: date
    valid_to: date | None  # inclusive; None = still in force
    source: str  # as a person cites it, in Italian (no internal references)
    to_verify: bool = False  # "da verificare": secondary source only, or the text is open

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def cited(self) -> str:
        """``Fonte: ...`` for an explanation, with "da verificare" when the value is uncertain."""
        return f"Fonte: {self.source}" + (" (da verificare)." if self.to_verify else ".")


def parameter_on(
    name: str, day: date, parameters: tuple[DatedParameter, ...]
) -> DatedParameter | None:
    """The value of ``name`` valid on ``day`` (the most recent one if periods overlap), or None."""
    candidates = [p for p in parameters if p.name == name and p.applies_on(day)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: p.valid_from)


def required_on(name: str, day: date, parameters: tuple[DatedParameter, ...]) -> DatedParameter:
    """:func:`parameter_on`, raising the typed error when no value is in force on ``day``."""
    found = parameter_on(name, day, parameters)
    if found is None:
        raise HousingParameterNotInForce(name=name, on=day.isoformat())
    return found


# -- names ------------------------------------------------------------------------------------
SAP_MAX_ISEE_CENTS = "sap_max_isee_cents"
SAP_MAX_PATRIMONY_SINGLE_CENTS = "sap_max_patrimony_single_cents"
SAP_MAX_PATRIMONY_BASE_CENTS = "sap_max_patrimony_base_cents"
SAP_MAX_PATRIMONY_PER_PSE_CENTS = "sap_max_patrimony_per_pse_cents"
SAP_MIN_RESIDENCE_YEARS = "sap_min_residence_years"
SAP_PERMIT_MIN_YEARS = "sap_permit_min_years"
SAP_DECADENZA_LOOKBACK_YEARS = "sap_decadenza_lookback_years"
SAP_INDIGENCE_MAX_ISEE_CENTS = "sap_indigence_max_isee_cents"
SAP_INDIGENCE_QUOTA = "sap_indigence_quota"
SAT_RESERVE_MAX_SHARE = "sat_reserve_max_share"
SAT_EVICTION_WINDOW_MONTHS = "sat_eviction_window_months"
SAT_MAX_STAY_MONTHS = "sat_max_stay_months"
SAT_RENEWAL_MONTHS = "sat_renewal_months"
SAT_MAX_RENEWALS = "sat_max_renewals"
ADEQUATE_AREA_M2 = "adequate_area_m2_up_to_{persons}"  # .format(persons=2, 4, 6, 99)
RENT_TO_INCOME_THRESHOLD = "rent_to_income_threshold"
SEVERE_RENT_BURDEN = "severe_rent_burden"
ARREARS_INCOLPEVOLE_MIN_BURDEN = "arrears_incolpevole_min_burden"
ARREARS_WARNING_MONTHS = "arrears_warning_months"
SOLIDARITY_MAX_MONTHS = "solidarity_max_months"
SOLIDARITY_MAX_YEARLY_CENTS = "solidarity_max_yearly_cents"

ADEQUATE_AREA_BANDS = (2, 4, 6, 99)  # household size up to, for ADEQUATE_AREA_M2

# -- sources, as a person cites them -----------------------------------------------------------
RR_4_2017 = "R.R. Lombardia 4 agosto 2017 n. 4"
LR_16_2016 = "L.R. Lombardia 8 luglio 2016 n. 16"
RR_4_2017_START = date(2017, 8, 4)
SAT_CRITERIA = "DGR Lombardia XI/2063 del 2019 (criteri dei servizi abitativi transitori)"
SAT_MILANO = "Comune di Milano, regolamento dei servizi abitativi transitori (2020)"
CASA_2025 = (
    "C.A.S.A., Agenzia per l'abitare dell'Ambito di San Giuliano Milanese, cartella stampa 2025"
)
RR_11_2019 = "L.R. Lombardia 16/2016 art. 25 c. 3; R.R. Lombardia 10 ottobre 2019 n. 11"


def _p(name, value, source, valid_from=RR_4_2017_START, valid_to=None, to_verify=False):
    return DatedParameter(name, Decimal(value), valid_from, valid_to, source, to_verify)


PARAMETERS: tuple[DatedParameter, ...] = (
    # SAP access, R.R. 4/2017 art. 7 c. 1 (domain_rules.md §4.2, read in normelombardia)
    _p(SAP_MAX_ISEE_CENTS, "1600000", f"{RR_4_2017}, art. 7 c. 1 lett. c"),
    # the figures are read in the text; what "valori patrimoniali" and the PSE are (the ISP of
    # the DSU or the gross values; the scale with or without its increases) is open
    _p(
        SAP_MAX_PATRIMONY_SINGLE_CENTS,
        "2200000",
        f"{RR_4_2017}, art. 7 c. 1 lett. c (definizione dei valori patrimoniali)",
        to_verify=True,
    ),
    _p(
        SAP_MAX_PATRIMONY_BASE_CENTS,
        "1600000",
        f"{RR_4_2017}, art. 7 c. 1 lett. c (definizione dei valori patrimoniali)",
        to_verify=True,
    ),
    _p(
        SAP_MAX_PATRIMONY_PER_PSE_CENTS,
        "500000",
        f"{RR_4_2017}, art. 7 c. 1 lett. c (parametro della scala di equivalenza)",
        to_verify=True,
    ),
    # residence: 5 years in Lombardia (L.R. 16/2016 art. 22 c. 1 lett. b) until the Corte
    # costituzionale struck it down (sent. 44/2020 of 9/3/2020; its day of effect, the day after
    # publication in the Gazzetta Ufficiale, is not read: hence to_verify on both sides)
    _p(
        SAP_MIN_RESIDENCE_YEARS,
        "5",
        f"{LR_16_2016}, art. 22 c. 1 lett. b (fino a Corte costituzionale sent. 44/2020)",
        valid_to=date(2020, 3, 8),
        to_verify=True,
    ),
    _p(
        SAP_MIN_RESIDENCE_YEARS,
        "0",
        "Corte costituzionale sent. 44/2020: basta la residenza o il lavoro in Lombardia "
        "alla data della domanda",
        valid_from=date(2020, 3, 9),
        to_verify=True,
    ),
    _p(
        SAP_PERMIT_MIN_YEARS, "2", f"{RR_4_2017}, art. 7 c. 1 lett. a; D.Lgs. 286/1998 art. 40 c. 6"
    ),
    _p(
        SAP_DECADENZA_LOOKBACK_YEARS,
        "5",
        f"{RR_4_2017}, art. 7 c. 1 lett. e (come riportato dal Comune di Milano)",
        to_verify=True,
    ),
    # indigenza, R.R. 4/2017 art. 13 (§4.3)
    _p(SAP_INDIGENCE_MAX_ISEE_CENTS, "300000", f"{RR_4_2017}, art. 13"),
    _p(SAP_INDIGENCE_QUOTA, "0.20", f"{RR_4_2017}, art. 13"),
    # SAT (§4.5, secondary sources)
    _p(SAT_RESERVE_MAX_SHARE, "0.10", f"{LR_16_2016}, art. 23 c. 13", to_verify=True),
    _p(
        SAT_EVICTION_WINDOW_MONTHS,
        "6",
        f"{SAT_CRITERIA}, come riportato dal Comune di Milano",
        valid_from=date(2019, 1, 1),
        to_verify=True,
    ),
    _p(SAT_MAX_STAY_MONTHS, "12", SAT_MILANO, valid_from=date(2020, 1, 1), to_verify=True),
    _p(SAT_RENEWAL_MONTHS, "12", SAT_MILANO, valid_from=date(2020, 1, 1), to_verify=True),
    _p(SAT_MAX_RENEWALS, "1", SAT_MILANO, valid_from=date(2020, 1, 1), to_verify=True),
    # the adequate dwelling (art. 7 c. 1 lett. d: superficie utile by household size). The
    # figures are NOT in the research notes and lett. d was rewritten by R.R. 2/2025: all to
    # verify on the official text before an assignment relies on them.
    *(
        _p(
            ADEQUATE_AREA_M2.format(persons=persons),
            area,
            f"{RR_4_2017}, art. 7 c. 1 lett. d (alloggio adeguato; testo modificato dal "
            "R.R. 6 marzo 2025 n. 2)",
            to_verify=True,
        )
        for persons, area in ((2, "45"), (4, "60"), (6, "75"), (99, "95"))
    ),
    # affordability (§6): the agency's 30% (seed 003), the severe burden at 50%
    _p(RENT_TO_INCOME_THRESHOLD, "0.30", CASA_2025, valid_from=date(2024, 1, 1)),
    _p(
        SEVERE_RENT_BURDEN,
        "0.50",
        "convenzione HUD (Stati Uniti) sul carico abitativo grave",
        valid_from=date(2024, 1, 1),
        to_verify=True,
    ),
    # morosità (§3.1, §4.6)
    _p(
        ARREARS_INCOLPEVOLE_MIN_BURDEN,
        "0.30",
        "DM 30 marzo 2016 art. 2 (consistente riduzione del reddito) come applicato dai bandi "
        "comunali: incidenza del canone sul reddito oltre il 30%",
        valid_from=date(2016, 7, 25),
        to_verify=True,
    ),
    _p(
        ARREARS_WARNING_MONTHS,
        "2",
        "soglia di allerta dell'agenzia sulla morosità SAP (mensilità di canone non pagate)",
        valid_from=date(2024, 1, 1),
        to_verify=True,
    ),
    _p(
        SOLIDARITY_MAX_MONTHS,
        "12",
        f"{RR_11_2019} (durata del contributo regionale di solidarietà)",
        valid_from=date(2019, 10, 10),
        to_verify=True,
    ),
    # no yearly cap is recorded: the DGR of each year sets it and none was read (§4.6 [U])
)
