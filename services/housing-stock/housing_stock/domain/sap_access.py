"""Access to public housing (SAP): the requirements of R.R. Lombardia 4/2017 art. 7 c. 1, each one
met, not met or not assessable for missing data, with an Italian explanation that cites its
source (domain_rules.md §4.2), and the indigenza condition of art. 13 (§4.3).

a) citizenship: Italian or EU; non-EU long-term resident (D.Lgs. 3/2007); non-EU with a permit
   of at least 2 years *and* regular work (D.Lgs. 286/1998 art. 40 c. 6); others entitled to
   equal treatment (refugees, subsidiary protection);
b) residence or work in Lombardia on the application date (the former 5 years of residence
   fell with Corte costituzionale sent. 44/2020: a dated parameter, 0 years since);
c) ISEE ≤ € 16.000 and patrimonial values ≤ € 22.000 for one person, ≤ € 16.000 + € 5.000 × PSE
   (the scala di equivalenza of the ISEE) for two or more — the patrimonial limits "da
   verificare" (what "valori patrimoniali" and the PSE are is open);
d) no ownership or real right on an adequate dwelling, in Italy or abroad;
e) no SAP assignment revoked (decadenza) in the previous 5 years, no abusive occupation.

The outcome: ``ammissibile`` when every requirement is met, ``non_ammissibile`` when one is not,
``da_completare`` when none fails but data are missing. Worked example (unit tests): a household
of 3 (PSE 2,04) with ISEE € 9.800 and patrimonial values € 25.000 is within the limit of
€ 16.000 + € 5.000 × 2,04 = € 26.200.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .inputs import Problems
from .money import cents_times, format_euro
from .parameters import (
    PARAMETERS,
    SAP_DECADENZA_LOOKBACK_YEARS,
    SAP_INDIGENCE_MAX_ISEE_CENTS,
    SAP_MAX_ISEE_CENTS,
    SAP_MAX_PATRIMONY_BASE_CENTS,
    SAP_MAX_PATRIMONY_PER_PSE_CENTS,
    SAP_MAX_PATRIMONY_SINGLE_CENTS,
    SAP_MIN_RESIDENCE_YEARS,
    SAP_PERMIT_MIN_YEARS,
    DatedParameter,
    required_on,
)

MET = "soddisfatto"
NOT_MET = "non_soddisfatto"
MISSING = "dati_mancanti"

ELIGIBLE = "ammissibile"
NOT_ELIGIBLE = "non_ammissibile"
INCOMPLETE = "da_completare"

# a) the applicant's title to stay
ITALIAN_OR_EU = "italiana_o_ue"
LONG_TERM_RESIDENT = "soggiornante_lungo_periodo"
RESIDENCE_PERMIT = "permesso_di_soggiorno"
EQUAL_TREATMENT = "altro_titolo_di_parita"  # refugees, subsidiary protection...
NO_TITLE = "nessun_titolo"
CITIZENSHIPS = (ITALIAN_OR_EU, LONG_TERM_RESIDENT, RESIDENCE_PERMIT, EQUAL_TREATMENT, NO_TITLE)


@dataclass(frozen=True)
class Criterion:
    """One requirement's verdict. ``criterion`` is its letter's name (``cittadinanza``...)."""

    criterion: str
    outcome: str  # MET, NOT_MET, MISSING
    explanation: str  # Italian, ends with the source
    to_verify: bool = False


@dataclass(frozen=True)
class SapApplicant:
    """What the application says. ``None`` = not known yet."""

    household_size: int | None = None
    citizenship: str | None = None
    permit_years: int | None = None  # duration of the permit, for RESIDENCE_PERMIT
    regular_work: bool | None = None  # for RESIDENCE_PERMIT
    resident_or_working_in_lombardia: bool | None = None
    years_resident_in_lombardia: int | None = None  # only where a minimum applies
    isee_cents: int | None = None
    patrimony_cents: int | None = None  # valori patrimoniali mobiliari + immobiliari
    pse: Decimal | None = None  # parametro della scala di equivalenza (ISEE attestazione)
    owns_adequate_dwelling: bool | None = None
    sap_decadenza_on: date | None = None  # the last revocation, if any
    had_sap_decadenza: bool | None = None  # False: never; True: see ``sap_decadenza_on``
    abusive_occupation: bool | None = None


@dataclass(frozen=True)
class SapAccessCheck:
    outcome: str
    criteria: tuple[Criterion, ...]
    indigent: bool | None  # R.R. 4/2017 art. 13 (ISEE ≤ € 3.000), None when ISEE unknown
    indigence_explanation: str

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c.criterion for c in self.criteria if c.outcome == MISSING)

    @property
    def not_met(self) -> tuple[str, ...]:
        return tuple(c.criterion for c in self.criteria if c.outcome == NOT_MET)


def _validate(applicant: SapApplicant) -> None:
    problems = Problems()
    problems.at_least("household_size", applicant.household_size, 1)
    problems.one_of("citizenship", applicant.citizenship, CITIZENSHIPS)
    problems.at_least("permit_years", applicant.permit_years, 0)
    problems.at_least("years_resident_in_lombardia", applicant.years_resident_in_lombardia, 0)
    problems.at_least("isee_cents", applicant.isee_cents, 0)
    problems.at_least("patrimony_cents", applicant.patrimony_cents, 0)
    problems.at_least("pse", applicant.pse, Decimal(1))
    problems.raise_any()


def _verdict(name: str, ok: bool | None, text: str, param: DatedParameter | None = None):
    outcome = MISSING if ok is None else MET if ok else NOT_MET
    cited = param.cited() if param is not None else ""
    to_verify = bool(param and param.to_verify)
    return Criterion(name, outcome, f"{text} {cited}".strip(), to_verify)


def check_sap_access(
    applicant: SapApplicant, on: date, parameters: tuple[DatedParameter, ...] = PARAMETERS
) -> SapAccessCheck:
    """Assess ``applicant`` against the requirements in force on ``on`` (the application date)."""
    _validate(applicant)
    criteria = (
        _citizenship(applicant, on, parameters),
        _residence(applicant, on, parameters),
        _isee(applicant, on, parameters),
        _patrimony(applicant, on, parameters),
        _dwelling(applicant),
        _decadenza(applicant, on, parameters),
    )
    outcomes = {c.outcome for c in criteria}
    outcome = (
        NOT_ELIGIBLE if NOT_MET in outcomes else INCOMPLETE if MISSING in outcomes else ELIGIBLE
    )
    indigent, why = indigence(applicant.isee_cents, on, parameters)
    return SapAccessCheck(outcome, criteria, indigent, why)


def indigence(
    isee_cents: int | None, on: date, parameters: tuple[DatedParameter, ...] = PARAMETERS
) -> tuple[bool | None, str]:
    """Art. 13: a household with ISEE ≤ € 3.000 is "in condizioni di indigenza" (with the social
    services' attestation that it cannot meet basic needs, recorded elsewhere)."""
    limit = required_on(SAP_INDIGENCE_MAX_ISEE_CENTS, on, parameters)
    if isee_cents is None:
        return (
            None,
            f"ISEE non indicato: la condizione di indigenza non è valutabile. {limit.cited()}",
        )
    cap = int(limit.value)
    if isee_cents <= cap:
        return True, (
            f"ISEE {format_euro(isee_cents)} non superiore a {format_euro(cap)}: nucleo in "
            "condizioni di indigenza, se attestato dai servizi sociali (quota riservata e "
            f"progetto individuale). {limit.cited()}"
        )
    return False, (
        f"ISEE {format_euro(isee_cents)} superiore a {format_euro(cap)}: non rientra nella "
        f"quota per nuclei indigenti. {limit.cited()}"
    )


def _citizenship(a: SapApplicant, on: date, parameters) -> Criterion:
    name = "cittadinanza"
    permit = required_on(SAP_PERMIT_MIN_YEARS, on, parameters)
    years = int(permit.value)
    if a.citizenship is None:
        return _verdict(name, None, "Cittadinanza o titolo di soggiorno non indicati.", permit)
    if a.citizenship in (ITALIAN_OR_EU, LONG_TERM_RESIDENT, EQUAL_TREATMENT):
        label = {
            ITALIAN_OR_EU: "Cittadinanza italiana o di uno Stato dell'Unione europea",
            LONG_TERM_RESIDENT: "Permesso di soggiorno UE per soggiornanti di lungo periodo",
            EQUAL_TREATMENT: "Titolo che dà diritto alla parità di trattamento",
        }[a.citizenship]
        return _verdict(name, True, f"{label}: requisito soddisfatto.", permit)
    if a.citizenship == NO_TITLE:
        return _verdict(name, False, "Nessun titolo di soggiorno valido.", permit)
    if a.permit_years is None or a.regular_work is None:
        return _verdict(
            name,
            None,
            f"Permesso di soggiorno: servono la sua durata (almeno {years} anni) e l'attività "
            "lavorativa regolare.",
            permit,
        )
    ok = a.permit_years >= years and a.regular_work
    detail = (
        f"Permesso di soggiorno di {a.permit_years} anni (minimo {years}), "
        f"{'con' if a.regular_work else 'senza'} attività lavorativa regolare"
    )
    return _verdict(name, ok, f"{detail}: requisito {'' if ok else 'non '}soddisfatto.", permit)


def _residence(a: SapApplicant, on: date, parameters) -> Criterion:
    name = "residenza_o_lavoro_in_lombardia"
    rule = required_on(SAP_MIN_RESIDENCE_YEARS, on, parameters)
    minimum = int(rule.value)
    if a.resident_or_working_in_lombardia is None:
        return _verdict(name, None, "Non è indicato se risiede o lavora in Lombardia.", rule)
    if not a.resident_or_working_in_lombardia:
        return _verdict(name, False, "Non risiede né lavora in Lombardia.", rule)
    if minimum == 0:
        return _verdict(name, True, "Risiede o lavora in Lombardia alla data della domanda.", rule)
    if a.years_resident_in_lombardia is None:
        return _verdict(
            name, None, f"Servono gli anni di residenza in Lombardia (minimo {minimum}).", rule
        )
    ok = a.years_resident_in_lombardia >= minimum
    return _verdict(
        name,
        ok,
        f"{a.years_resident_in_lombardia} anni di residenza in Lombardia (minimo {minimum}).",
        rule,
    )


def _isee(a: SapApplicant, on: date, parameters) -> Criterion:
    name = "isee"
    rule = required_on(SAP_MAX_ISEE_CENTS, on, parameters)
    cap = int(rule.value)
    if a.isee_cents is None:
        return _verdict(name, None, f"ISEE non indicato (limite {format_euro(cap)}).", rule)
    ok = a.isee_cents <= cap
    return _verdict(
        name,
        ok,
        f"ISEE {format_euro(a.isee_cents)}: {'non supera' if ok else 'supera'} il limite di "
        f"{format_euro(cap)}.",
        rule,
    )


def patrimony_limit(
    household_size: int, pse: Decimal | None, on: date, parameters=PARAMETERS
) -> tuple[int | None, DatedParameter, str]:
    """The patrimonial limit in cents (None when the PSE is needed and unknown), the parameter
    to cite, and how it was computed."""
    if household_size == 1:
        single = required_on(SAP_MAX_PATRIMONY_SINGLE_CENTS, on, parameters)
        return int(single.value), single, "persona sola"
    base = required_on(SAP_MAX_PATRIMONY_BASE_CENTS, on, parameters)
    per_pse = required_on(SAP_MAX_PATRIMONY_PER_PSE_CENTS, on, parameters)
    if pse is None:
        return None, per_pse, ""
    limit = int(base.value) + cents_times(int(per_pse.value), pse)
    how = (
        f"{format_euro(int(base.value))} + {format_euro(int(per_pse.value))} × "
        f"{str(pse).replace('.', ',')} (scala di equivalenza)"
    )
    return limit, per_pse, how


def _patrimony(a: SapApplicant, on: date, parameters) -> Criterion:
    name = "patrimonio"
    if a.household_size is None:
        rule = required_on(SAP_MAX_PATRIMONY_BASE_CENTS, on, parameters)
        return _verdict(name, None, "Numero dei componenti non indicato.", rule)
    limit, rule, how = patrimony_limit(a.household_size, a.pse, on, parameters)
    if limit is None:
        return _verdict(
            name, None, "Per un nucleo di più persone serve la scala di equivalenza ISEE.", rule
        )
    if a.patrimony_cents is None:
        return _verdict(
            name, None, f"Valori patrimoniali non indicati (limite {format_euro(limit)}).", rule
        )
    ok = a.patrimony_cents <= limit
    return _verdict(
        name,
        ok,
        f"Valori patrimoniali {format_euro(a.patrimony_cents)}: "
        f"{'non superano' if ok else 'superano'} il limite di {format_euro(limit)} ({how}).",
        rule,
    )


def _dwelling(a: SapApplicant) -> Criterion:
    name = "alloggio_adeguato"
    source = "Fonte: R.R. Lombardia 4 agosto 2017 n. 4, art. 7 c. 1 lett. d."
    texts = {
        None: "Non è indicato se il nucleo ha diritti su un alloggio adeguato.",
        True: "Il nucleo ha la proprietà o un diritto reale su un alloggio adeguato, in Italia "
        "o all'estero: requisito non soddisfatto.",
        False: "Nessun diritto su un alloggio adeguato, in Italia o all'estero.",
    }
    ok = None if a.owns_adequate_dwelling is None else not a.owns_adequate_dwelling
    return Criterion(
        name,
        MISSING if ok is None else MET if ok else NOT_MET,
        f"{texts[a.owns_adequate_dwelling]} {source}",
    )


def _decadenza(a: SapApplicant, on: date, parameters) -> Criterion:
    name = "decadenza_e_occupazioni"
    rule = required_on(SAP_DECADENZA_LOOKBACK_YEARS, on, parameters)
    years = int(rule.value)
    if a.abusive_occupation:
        return _verdict(name, False, "Occupazione senza titolo di un alloggio pubblico.", rule)
    if a.had_sap_decadenza is None or a.abusive_occupation is None:
        return _verdict(
            name,
            None,
            "Non è indicato se il nucleo ha avuto decadenze o occupazioni abusive.",
            rule,
        )
    if not a.had_sap_decadenza:
        return _verdict(name, True, "Nessuna decadenza da un alloggio SAP.", rule)
    if a.sap_decadenza_on is None:
        return _verdict(name, None, "Decadenza da un alloggio SAP: manca la data.", rule)
    since = _years_before(on, years)
    ok = a.sap_decadenza_on < since
    when = a.sap_decadenza_on.strftime("%d/%m/%Y")
    return _verdict(
        name,
        ok,
        f"Decadenza da un alloggio SAP del {when}: "
        f"{'oltre' if ok else 'entro'} i {years} anni precedenti la domanda.",
        rule,
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
