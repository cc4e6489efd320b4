"""Morosità incolpevole (no-fault arrears, DL 102/2013 art. 6 c. 5): the household's eviction
file as a state machine with dates, the cause of the income loss (DM 30/3/2016 art. 2), the
access criteria of DM 14/5/2014 art. 3 checked one by one, and the contribution lines a–d of
DM 30/3/2016 art. 5 with their caps (domain_rules.md §3).

Plain Python: the use cases (``usecases/arrears_relief.py``) load and store.

**The eviction file.** Stages (domain_rules.md §3.5)::

    morosita_lieve → intimazione_notificata → udienza_convalida (→ udienza_convalida: rinvio)
      → termine_grazia → convalidato → precetto → preavviso_rilascio
      → accesso_ufficiale (→ accesso_ufficiale: another access) → eseguito

and, from every stage before the end, ``rinuncia_proprietario`` (the landlord withdraws, e.g.
with line a's contribution); ``sanato`` (the tenant pays everything in court) from the hearing
or the grace period. ``eseguito``, ``sanato`` and ``rinuncia_proprietario`` are final. Each
stage has the date it happened (never before the previous stage's, never after today) and,
for some, the date it fixes next: the hearing (intimazione, rinvio, termine di grazia), the date
of execution (convalida), the officer's access (avviso di rilascio, rinvio of an access). The
termine di grazia is at most 90 days (120 for the hardship of L. 392/1978 art. 55) and its
hearing at most 10 days after it ends; the avviso di rilascio comes at least 10 days before the
access (c.p.c. art. 608, da verificare).

**Money** is integer cents; nothing is rounded (every line is a sum or a product of cents by
whole months). Lines are capped one by one (a ≤ € 8.000, b ≤ € 6.000), then given in the order
a, b, c, d until the total cap (€ 12.000) is reached: d "fino alla capienza" takes what remains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ..errors import ArrearsInputInvalid, ArrearsStageTransitionInvalid
from .criteria import MET, MISSING, NOT_MET, Criterion
from .dates import add_months
from .money import format_euro, format_percent
from .parameters import DatedParameter, required_parameter

# -- sources, as a person cites them ------------------------------------------------------------
DM_2014 = "DM 14 maggio 2014 (Fondo inquilini morosi incolpevoli), art. 3"
DM_2016 = "DM 30 marzo 2016 (Fondo inquilini morosi incolpevoli)"
L_392 = "L. 27 luglio 1978 n. 392, art. 55"
CPC_608 = "c.p.c. art. 608 (preavviso di rilascio)"
BANDI = "prassi dei bandi comunali (incidenza del canone sul reddito)"

# -- eligibility of the whole request -------------------------------------------------------------
ELIGIBLE = "ammissibile"
NOT_ELIGIBLE = "non_ammissibile"
INCOMPLETE = "incompleta"

# -- the eviction file's stages -------------------------------------------------------------------
ARREARS = "morosita_lieve"
NOTICE = "intimazione_notificata"
HEARING = "udienza_convalida"
GRACE = "termine_grazia"
VALIDATED = "convalidato"
PRECETTO = "precetto"
RELEASE_NOTICE = "preavviso_rilascio"
ACCESS = "accesso_ufficiale"
EXECUTED = "eseguito"
CURED = "sanato"
WITHDRAWN = "rinuncia_proprietario"

STAGES = (
    ARREARS,
    NOTICE,
    HEARING,
    GRACE,
    VALIDATED,
    PRECETTO,
    RELEASE_NOTICE,
    ACCESS,
    EXECUTED,
    CURED,
    WITHDRAWN,
)
FINAL = frozenset({EXECUTED, CURED, WITHDRAWN})
STAGE_WORDS = {
    ARREARS: "morosità (prima dell'intimazione)",
    NOTICE: "intimazione di sfratto con citazione per la convalida notificata",
    HEARING: "udienza di convalida",
    GRACE: "termine di grazia concesso",
    VALIDATED: "sfratto convalidato",
    PRECETTO: "atto di precetto notificato",
    RELEASE_NOTICE: "preavviso di rilascio notificato",
    ACCESS: "accesso dell'ufficiale giudiziario (con rinvio)",
    EXECUTED: "sfratto eseguito",
    CURED: "morosità sanata",
    WITHDRAWN: "rinuncia del proprietario allo sfratto",
}
TRANSITIONS: dict[str, frozenset[str]] = {
    ARREARS: frozenset({NOTICE, WITHDRAWN}),
    NOTICE: frozenset({HEARING, WITHDRAWN}),
    HEARING: frozenset({HEARING, GRACE, VALIDATED, CURED, WITHDRAWN}),
    GRACE: frozenset({VALIDATED, CURED, WITHDRAWN}),
    VALIDATED: frozenset({PRECETTO, WITHDRAWN}),
    PRECETTO: frozenset({RELEASE_NOTICE, WITHDRAWN}),
    RELEASE_NOTICE: frozenset({ACCESS, EXECUTED, WITHDRAWN}),
    ACCESS: frozenset({ACCESS, EXECUTED, WITHDRAWN}),
    EXECUTED: frozenset(),
    CURED: frozenset(),
    WITHDRAWN: frozenset(),
}

# the date a stage fixes next, its kind, and whether the stage needs it
DUE_HEARING = "udienza"
DUE_EXECUTION = "esecuzione"
DUE_ACCESS = "accesso"
DUE_KINDS = (DUE_HEARING, DUE_EXECUTION, DUE_ACCESS)
DUE: dict[str, tuple[str, bool]] = {
    NOTICE: (DUE_HEARING, True),  # the citazione names the hearing
    HEARING: (DUE_HEARING, False),  # a rinvio
    GRACE: (DUE_HEARING, True),  # the hearing that checks the payment
    VALIDATED: (DUE_EXECUTION, False),  # the date of execution the judge fixes
    RELEASE_NOTICE: (DUE_ACCESS, True),
    ACCESS: (DUE_ACCESS, False),  # the next access
}

# field error codes (the gateway has their words)
DATE_ORDER = "date_order"
DATE_IN_THE_FUTURE = "date_in_the_future"
DUE_DATE_REQUIRED = "arrears_due_date_required"
DUE_DATE_NOT_EXPECTED = "arrears_due_date_not_expected"
GRACE_TOO_LONG = "arrears_grace_too_long"
RELEASE_NOTICE_TOO_SHORT = "arrears_release_notice_too_short"
CAUSE_UNKNOWN = "arrears_cause_unknown"
CAUSE_NOTE_REQUIRED = "arrears_cause_note_required"

# -- parameters -----------------------------------------------------------------------------------
GRACE_MAX_DAYS = "arrears_grace_max_days"
GRACE_MAX_DAYS_HARDSHIP = "arrears_grace_max_days_hardship"
GRACE_HEARING_MAX_DAYS = "arrears_grace_hearing_max_days"  # after the grace period ends
RELEASE_NOTICE_MIN_DAYS = "arrears_release_notice_min_days"
ISE_CAP = "arrears_ise_cap_cents"
ISEE_CAP = "arrears_isee_cap_cents"
MIN_RESIDENCE_MONTHS = "arrears_min_residence_months"
PREFERENCE_AGE = "arrears_preference_age"
PREFERENCE_INVALIDITY = "arrears_preference_invalidity_percent"
RENT_BURDEN = "arrears_rent_burden_threshold"
LINE_A_CAP = "arrears_line_a_cap_cents"
LINE_B_CAP = "arrears_line_b_cap_cents"
TOTAL_CAP = "arrears_total_cap_cents"
LINE_A_MIN_RESIDUAL_MONTHS = "arrears_line_a_min_residual_months"

L_392_START = date(1978, 7, 27)
DM_2014_START = date(2014, 7, 14)  # published in GU 14/7/2014
DM_2016_START = date(2016, 7, 25)  # published in GU 25/7/2016


def _p(name, value, valid_from, source, to_verify=False) -> DatedParameter:
    return DatedParameter(name, Decimal(value), valid_from, None, source, to_verify)


PARAMETERS: tuple[DatedParameter, ...] = (
    _p(GRACE_MAX_DAYS, "90", L_392_START, f"{L_392} c. 2"),
    _p(GRACE_MAX_DAYS_HARDSHIP, "120", L_392_START, f"{L_392} c. 4"),
    _p(GRACE_HEARING_MAX_DAYS, "10", L_392_START, f"{L_392} c. 2"),
    _p(RELEASE_NOTICE_MIN_DAYS, "10", date(1942, 4, 21), CPC_608, to_verify=True),
    _p(ISE_CAP, "3500000", DM_2014_START, f"{DM_2014} c. 1 lett. a"),
    _p(ISEE_CAP, "2600000", DM_2014_START, f"{DM_2014} c. 1 lett. a"),
    _p(MIN_RESIDENCE_MONTHS, "12", DM_2014_START, f"{DM_2014} c. 1 lett. c"),
    _p(PREFERENCE_AGE, "70", DM_2014_START, f"{DM_2014} c. 3"),
    _p(PREFERENCE_INVALIDITY, "74", DM_2014_START, f"{DM_2014} c. 3"),
    _p(RENT_BURDEN, "0.30", DM_2016_START, BANDI, to_verify=True),
    _p(LINE_A_CAP, "800000", DM_2016_START, f"{DM_2016}, art. 5 c. 1 lett. a"),
    _p(LINE_A_MIN_RESIDUAL_MONTHS, "24", DM_2016_START, f"{DM_2016}, art. 5 c. 1 lett. a"),
    _p(LINE_B_CAP, "600000", DM_2016_START, f"{DM_2016}, art. 5 c. 1 lett. b"),
    _p(TOTAL_CAP, "1200000", DM_2016_START, f"{DM_2016}, art. 5 c. 1 lett. d"),
)


def _value(name: str, day: date, parameters) -> tuple[int, DatedParameter]:
    found = required_parameter(name, day, parameters)
    return int(found.value), found


def it_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# -- the state machine ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Stage:
    """One step of the eviction file: what happened on ``on``, and the date it fixes next."""

    stage: str
    on: date
    due_on: date | None = None
    hardship: bool = False  # termine di grazia: the longer one of art. 55 c. 4

    @property
    def due_kind(self) -> str | None:
        return DUE[self.stage][0] if self.due_on is not None and self.stage in DUE else None


def allowed_next(current: str | None) -> frozenset[str]:
    """The stages that may follow ``current`` (None: a new file starts at the arrears or the
    notice)."""
    if current is None:
        return frozenset({ARREARS, NOTICE})
    return TRANSITIONS[current]


def check_stage(
    history: Sequence[Stage],
    new: Stage,
    today: date,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> Stage:
    """``new`` if it may follow ``history`` (oldest first); else
    :class:`ArrearsStageTransitionInvalid` (the move is impossible) or
    :class:`ArrearsInputInvalid` (its dates are not)."""
    current = history[-1] if history else None
    allowed = allowed_next(current.stage if current else None)
    if new.stage not in STAGES or new.stage not in allowed:
        raise ArrearsStageTransitionInvalid(
            current=current.stage if current else None,
            requested=new.stage,
            allowed=sorted(allowed),
        )
    errors: dict[str, list[dict]] = {}

    def refuse(path: str, code: str, **details) -> None:
        errors.setdefault(path, []).append({"code": code, **details})

    if new.on > today:
        refuse("on", DATE_IN_THE_FUTURE, today=today.isoformat())
    if current is not None and new.on < current.on:
        refuse("on", DATE_ORDER, after=current.on.isoformat())
    due_kind, due_required = DUE.get(new.stage, (None, False))
    if new.due_on is None and due_required:
        refuse("due_on", DUE_DATE_REQUIRED, kind=due_kind)
    if new.due_on is not None and due_kind is None:
        refuse("due_on", DUE_DATE_NOT_EXPECTED, stage=new.stage)
    if new.due_on is not None and due_kind is not None and new.due_on < new.on:
        refuse("due_on", DATE_ORDER, after=new.on.isoformat())
    if new.stage == GRACE and new.due_on is not None:
        name = GRACE_MAX_DAYS_HARDSHIP if new.hardship else GRACE_MAX_DAYS
        grace_days, _ = _value(name, new.on, parameters)
        hearing_days, _ = _value(GRACE_HEARING_MAX_DAYS, new.on, parameters)
        latest = new.on + timedelta(days=grace_days + hearing_days)
        if new.due_on > latest:
            refuse("due_on", GRACE_TOO_LONG, max=grace_days, latest=latest.isoformat())
    if new.stage == RELEASE_NOTICE and new.due_on is not None:
        min_days, _ = _value(RELEASE_NOTICE_MIN_DAYS, new.on, parameters)
        if new.due_on < new.on + timedelta(days=min_days):
            refuse("due_on", RELEASE_NOTICE_TOO_SHORT, min=min_days)
    if errors:
        raise ArrearsInputInvalid(errors)
    return new


def next_date(history: Sequence[Stage]) -> tuple[date, str] | None:
    """The date the file waits for (hearing, execution, access) and its kind, or None (a final
    stage, or none fixed)."""
    if not history or history[-1].stage in FINAL:
        return None
    last = history[-1]
    return (last.due_on, last.due_kind) if last.due_on and last.due_kind else None


def reached(history: Sequence[Stage], stage: str) -> Stage | None:
    """The first time ``history`` reached ``stage``."""
    return next((s for s in history if s.stage == stage), None)


# -- the cause of the income loss (DM 30/3/2016 art. 2 c. 2) --------------------------------------
DISMISSAL = "licenziamento"
REDUCED_HOURS = "riduzione_orario"
REDUNDANCY_FUND = "cassa_integrazione"
CONTRACT_NOT_RENEWED = "mancato_rinnovo_contratto"
BUSINESS_CLOSED = "cessazione_attivita"
ILLNESS_OR_DEATH = "malattia_infortunio_decesso"
OTHER_CAUSE = "altra_causa"
CAUSES = {
    DISMISSAL: "licenziamento",
    REDUCED_HOURS: (
        "accordi aziendali o sindacali con consistente riduzione dell'orario di lavoro"
    ),
    REDUNDANCY_FUND: (
        "cassa integrazione ordinaria o straordinaria che limiti notevolmente la capacità "
        "reddituale"
    ),
    CONTRACT_NOT_RENEWED: "mancato rinnovo di contratti a termine o di lavoro atipici",
    BUSINESS_CLOSED: (
        "cessazione di attività libero-professionali o di imprese registrate, per cause di forza "
        "maggiore o perdita di avviamento in misura consistente"
    ),
    ILLNESS_OR_DEATH: (
        "malattia grave, infortunio o decesso di un componente del nucleo, con consistente "
        "riduzione del reddito o rilevanti spese mediche e assistenziali"
    ),
    OTHER_CAUSE: "altra causa (l'elenco del decreto è esemplificativo)",
}
CAUSE_REFERENCE = f"{DM_2016}, art. 2"


def check_cause_input(cause: str | None, note: str | None) -> None:
    """A known cause; ``altra_causa`` needs a description."""
    if cause is None:
        return
    if cause not in CAUSES:
        raise ArrearsInputInvalid({"cause": [{"code": CAUSE_UNKNOWN, "allowed": sorted(CAUSES)}]})
    if cause == OTHER_CAUSE and not (note or "").strip():
        raise ArrearsInputInvalid({"cause_note": [{"code": CAUSE_NOTE_REQUIRED}]})


# -- the access criteria (DM 14/5/2014 art. 3) ----------------------------------------------------
CITIZENSHIPS = ("italiana", "ue", "extra_ue")
EXCLUDED_CATEGORIES = ("A1", "A8", "A9")


@dataclass(frozen=True)
class Facts:
    """What the operator knows of the household (None = not known)."""

    cause: str | None = None
    cause_note: str | None = None
    income_loss_on: date | None = None
    ise_cents: int | None = None
    isee_cents: int | None = None
    monthly_rent_cents: int | None = None
    monthly_net_income_cents: int | None = None
    lease_registered: bool | None = None
    lease_start: date | None = None
    cadastral_category: str | None = None  # "A2", "A3", ...
    resident_since: date | None = None
    citizenship: str | None = None  # italiana | ue | extra_ue
    residence_permit_valid: bool | None = None
    owns_adequate_dwelling_in_province: bool | None = None
    # preferential criteria (c. 3)
    member_over_70: bool | None = None
    member_minor: bool | None = None
    member_invalidity_74: bool | None = None
    social_care_plan: bool | None = None


@dataclass(frozen=True)
class Assessment:
    eligibility: str
    criteria: tuple[Criterion, ...]
    preferences: tuple[Criterion, ...]
    checked_on: date

    @property
    def preferential(self) -> bool:
        return any(c.outcome == MET for c in self.preferences)

    def as_record(self) -> dict:
        return {
            "eligibility": self.eligibility,
            "checked_on": self.checked_on.isoformat(),
            "preferential": self.preferential,
            "criteria": [c.as_record() for c in self.criteria],
            "preferences": [c.as_record() for c in self.preferences],
        }


def _criterion(code, outcome, text, parameter: DatedParameter | None = None, reference=None):
    return Criterion(
        code,
        outcome,
        text,
        parameter.source if parameter else reference,
        parameter.to_verify if parameter else False,
    )


def check_cause(facts: Facts) -> Criterion:
    def said(outcome, text):
        return Criterion("causa", outcome, text, CAUSE_REFERENCE, to_verify=True)

    if facts.cause is None:
        return said(MISSING, "Causa della perdita o riduzione del reddito non indicata.")
    words = CAUSES.get(facts.cause, facts.cause)
    if facts.cause == OTHER_CAUSE:
        words = f"{words}: {facts.cause_note or ''}".rstrip(": ")
    if facts.income_loss_on is None or facts.lease_start is None:
        return said(
            MISSING,
            f"Causa: {words}. Serve la data della perdita del reddito e quella del contratto: "
            "la perdita deve essere successiva alla stipula.",
        )
    if facts.income_loss_on < facts.lease_start:
        return said(
            NOT_MET,
            f"Causa: {words}, dal {it_date(facts.income_loss_on)}: precede il contratto "
            f"({it_date(facts.lease_start)}), la morosità non è sopravvenuta.",
        )
    text = f"Causa: {words}, dal {it_date(facts.income_loss_on)}, dopo la stipula del contratto."
    if facts.cause == OTHER_CAUSE:
        text += " Causa non elencata dal decreto: la valuta il Comune."
    return said(MET, text)


def check_income(facts: Facts, on: date, parameters) -> Criterion:
    ise_cap, ise_p = _value(ISE_CAP, on, parameters)
    isee_cap, isee_p = _value(ISEE_CAP, on, parameters)
    limits = f"ISE fino a {format_euro(ise_cap)} oppure ISEE fino a {format_euro(isee_cap)}"
    ise_ok = None if facts.ise_cents is None else facts.ise_cents <= ise_cap
    isee_ok = None if facts.isee_cents is None else facts.isee_cents <= isee_cap
    said = "; ".join(
        f"{name} {format_euro(value)}"
        for name, value in (("ISE", facts.ise_cents), ("ISEE", facts.isee_cents))
        if value is not None
    )
    if ise_ok or isee_ok:
        which = ise_p if ise_ok else isee_p
        return _criterion("reddito", MET, f"{said}: entro il limite ({limits}).", which)
    if ise_ok is False and isee_ok is False:
        return _criterion("reddito", NOT_MET, f"{said}: oltre i limiti ({limits}).", ise_p)
    if said:
        return _criterion(
            "reddito",
            MISSING,
            f"{said}: oltre il limite; manca l'altro valore ({limits}).",
            ise_p,
        )
    return _criterion("reddito", MISSING, f"ISE e ISEE non indicati ({limits}).", ise_p)


def check_notice(history: Sequence[Stage]) -> Criterion:
    notice = reached(history, NOTICE)
    ref = f"{DM_2014} c. 1 lett. b"
    if notice is not None:
        return _criterion(
            "intimazione",
            MET,
            f"Intimazione di sfratto per morosità con citazione per la convalida notificata il "
            f"{it_date(notice.on)}.",
            reference=ref,
        )
    return _criterion(
        "intimazione",
        NOT_MET,
        "Nessuna intimazione di sfratto con citazione per la convalida registrata nel fascicolo.",
        reference=ref,
    )


def check_lease(facts: Facts) -> Criterion:
    ref = f"{DM_2014} c. 1 lett. c"
    category = (facts.cadastral_category or "").upper().replace("/", "") or None
    if facts.lease_registered is False:
        return _criterion(
            "contratto", NOT_MET, "Il contratto di locazione non è registrato.", reference=ref
        )
    if category in EXCLUDED_CATEGORIES:
        return _criterion(
            "contratto",
            NOT_MET,
            f"Alloggio di categoria catastale {category}: escluse A1, A8 e A9.",
            reference=ref,
        )
    if facts.lease_registered is None or category is None:
        return _criterion(
            "contratto",
            MISSING,
            "Registrazione del contratto o categoria catastale dell'alloggio non indicate "
            "(escluse A1, A8 e A9).",
            reference=ref,
        )
    return _criterion(
        "contratto",
        MET,
        f"Contratto di locazione registrato, alloggio di categoria {category}.",
        reference=ref,
    )


def check_residence(facts: Facts, on: date, parameters) -> Criterion:
    months, p = _value(MIN_RESIDENCE_MONTHS, on, parameters)
    if facts.resident_since is None:
        return _criterion(
            "residenza",
            MISSING,
            f"Data di residenza nell'alloggio non indicata: servono almeno {months} mesi.",
            p,
        )
    since = it_date(facts.resident_since)
    if add_months(facts.resident_since, months) <= on:
        return _criterion(
            "residenza", MET, f"Residente nell'alloggio dal {since}: almeno {months} mesi.", p
        )
    return _criterion(
        "residenza", NOT_MET, f"Residente nell'alloggio dal {since}: meno di {months} mesi.", p
    )


def check_citizenship(facts: Facts) -> Criterion:
    ref = f"{DM_2014} c. 1 lett. d"
    if facts.citizenship in ("italiana", "ue"):
        words = "italiana" if facts.citizenship == "italiana" else "di un Paese dell'UE"
        return _criterion("cittadinanza", MET, f"Cittadinanza {words}.", reference=ref)
    if facts.citizenship == "extra_ue":
        if facts.residence_permit_valid:
            return _criterion(
                "cittadinanza",
                MET,
                "Cittadinanza extra UE con regolare titolo di soggiorno.",
                reference=ref,
            )
        if facts.residence_permit_valid is False:
            return _criterion(
                "cittadinanza",
                NOT_MET,
                "Cittadinanza extra UE senza regolare titolo di soggiorno.",
                reference=ref,
            )
        return _criterion(
            "cittadinanza",
            MISSING,
            "Cittadinanza extra UE: indicare se il titolo di soggiorno è valido.",
            reference=ref,
        )
    return _criterion("cittadinanza", MISSING, "Cittadinanza non indicata.", reference=ref)


def check_dwelling(facts: Facts) -> Criterion:
    ref = f"{DM_2014} c. 2"
    if facts.owns_adequate_dwelling_in_province is None:
        return _criterion(
            "altro_alloggio",
            MISSING,
            "Non indicato se un componente ha un altro alloggio adeguato nella provincia.",
            reference=ref,
        )
    if facts.owns_adequate_dwelling_in_province:
        return _criterion(
            "altro_alloggio",
            NOT_MET,
            "Un componente ha in proprietà, usufrutto, uso o abitazione un altro alloggio "
            "fruibile e adeguato nella provincia di residenza.",
            reference=ref,
        )
    return _criterion(
        "altro_alloggio",
        MET,
        "Nessun componente ha un altro alloggio fruibile e adeguato nella provincia.",
        reference=ref,
    )


def check_rent_burden(facts: Facts, on: date, parameters) -> Criterion | None:
    """How bandi read "consistente riduzione": rent over 30% of income (da verificare). None
    when rent or income is not known (it is a sign, not a condition of the decree)."""
    if facts.monthly_rent_cents is None or facts.monthly_net_income_cents is None:
        return None
    p = required_parameter(RENT_BURDEN, on, parameters)
    rent = format_euro(facts.monthly_rent_cents)
    if facts.monthly_net_income_cents == 0:
        return _criterion("incidenza_canone", MET, f"Reddito mensile nullo, canone {rent}.", p)
    ratio = Decimal(facts.monthly_rent_cents) / Decimal(facts.monthly_net_income_cents)
    said = (
        f"Canone {rent} su reddito {format_euro(facts.monthly_net_income_cents)}: incidenza "
        f"{format_percent(ratio.quantize(Decimal('0.0001')))}"
    )
    if ratio > p.value:
        return _criterion("incidenza_canone", MET, f"{said}, oltre il {p.value * 100:.0f}%.", p)
    return _criterion("incidenza_canone", NOT_MET, f"{said}, non oltre il {p.value * 100:.0f}%.", p)


def check_preferences(facts: Facts, on: date, parameters) -> tuple[Criterion, ...]:
    age, age_p = _value(PREFERENCE_AGE, on, parameters)
    invalidity, inv_p = _value(PREFERENCE_INVALIDITY, on, parameters)
    rows = (
        ("ultrasettantenne", facts.member_over_70, f"un componente con più di {age} anni", age_p),
        ("minore", facts.member_minor, "un componente minorenne", age_p),
        (
            "invalidita",
            facts.member_invalidity_74,
            f"un componente con invalidità accertata di almeno il {invalidity}%",
            inv_p,
        ),
        (
            "presa_in_carico",
            facts.social_care_plan,
            "un componente in carico ai servizi sociali o all'ASL con progetto individuale",
            inv_p,
        ),
    )
    found = []
    for code, value, words, p in rows:
        if value is None:
            found.append(_criterion(code, MISSING, f"Non indicato se c'è {words}.", p))
        elif value:
            found.append(
                _criterion(code, MET, f"Nel nucleo c'è {words} (criterio preferenziale).", p)
            )
        else:
            found.append(_criterion(code, NOT_MET, f"Nel nucleo non c'è {words}.", p))
    return tuple(found)


def assess(
    facts: Facts,
    history: Sequence[Stage],
    on: date,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> Assessment:
    """Each access criterion on ``on``, explained; eligible when all are met, not eligible when
    one is not met, incomplete otherwise. The preferential criteria are listed apart."""
    criteria = [
        check_cause(facts),
        check_income(facts, on, parameters),
        check_notice(history),
        check_lease(facts),
        check_residence(facts, on, parameters),
        check_citizenship(facts),
        check_dwelling(facts),
    ]
    burden = check_rent_burden(facts, on, parameters)
    outcomes = {c.outcome for c in criteria}
    eligibility = (
        NOT_ELIGIBLE if NOT_MET in outcomes else INCOMPLETE if MISSING in outcomes else ELIGIBLE
    )
    if burden is not None:
        criteria.append(burden)  # shown, never decisive
    return Assessment(eligibility, tuple(criteria), check_preferences(facts, on, parameters), on)


# -- the contribution (DM 30/3/2016 art. 5) -------------------------------------------------------
LINE_A = "a"  # sanare la morosità, the landlord renounces the eviction
LINE_B = "b"  # compensate the landlord for the months of deferred eviction
LINE_C = "c"  # deposit of a new lease
LINE_D = "d"  # monthly rents of a new canone concordato lease
LINE_PURPOSES = {
    LINE_A: "sanatoria della morosità accertata con rinuncia del proprietario allo sfratto",
    LINE_B: "ristoro al proprietario per le mensilità di differimento dello sfratto",
    LINE_C: "deposito cauzionale per un nuovo contratto di locazione",
    LINE_D: "mensilità di un nuovo contratto a canone concordato",
}


@dataclass(frozen=True)
class ContributionRequest:
    """What each line asks for; 0 / None = not asked."""

    arrears_cents: int = 0  # line a: the arrears ascertained
    lease_end: date | None = None  # line a: the current contract's end
    landlord_renounces_eviction: bool = False  # line a
    deferral_months: int = 0  # line b
    monthly_rent_cents: int = 0  # line b: the current rent
    landlord_defers_eviction: bool = False  # line b
    deposit_cents: int = 0  # line c
    new_lease_months: int = 0  # line d
    new_monthly_rent_cents: int = 0  # line d
    new_lease_concordato: bool = False  # line d


@dataclass(frozen=True)
class ContributionLine:
    line: str
    purpose: str
    requested_cents: int
    cap_cents: int | None  # the line's own cap (c and d: only the total's)
    granted_cents: int
    explanation: str
    reference: str
    to_verify: bool = False

    def as_record(self) -> dict:
        return {
            "line": self.line,
            "purpose": self.purpose,
            "requested_cents": self.requested_cents,
            "cap_cents": self.cap_cents,
            "granted_cents": self.granted_cents,
            "explanation": self.explanation,
            "reference": self.reference,
            "to_verify": self.to_verify,
        }


@dataclass(frozen=True)
class Contribution:
    lines: tuple[ContributionLine, ...]
    requested_cents: int
    total_cap_cents: int
    total_cents: int
    computed_on: date
    notes: tuple[str, ...]
    parameters: tuple[DatedParameter, ...] = field(default=())

    @property
    def to_verify(self) -> bool:
        return any(line.to_verify for line in self.lines) or any(
            p.to_verify for p in self.parameters
        )

    def as_record(self) -> dict:
        return {
            "lines": [line.as_record() for line in self.lines],
            "requested_cents": self.requested_cents,
            "total_cap_cents": self.total_cap_cents,
            "total_cents": self.total_cents,
            "computed_on": self.computed_on.isoformat(),
            "notes": list(self.notes),
            "to_verify": self.to_verify,
            "parameters": [p.as_record() for p in self.parameters],
        }


def check_request_input(request: ContributionRequest) -> None:
    errors: dict[str, list[dict]] = {}
    for name in (
        "arrears_cents",
        "deferral_months",
        "monthly_rent_cents",
        "deposit_cents",
        "new_lease_months",
        "new_monthly_rent_cents",
    ):
        value = getattr(request, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors.setdefault(name, []).append({"code": "range", "min": 0})
    if errors:
        raise ArrearsInputInvalid(errors)


def compute_contribution(
    request: ContributionRequest,
    on: date,
    parameters: tuple[DatedParameter, ...] = PARAMETERS,
) -> Contribution:
    """The lines a–d on ``on``: each requested amount, its conditions, its cap, then the total
    cap given out in the order a, b, c, d."""
    check_request_input(request)
    a_cap, a_p = _value(LINE_A_CAP, on, parameters)
    b_cap, b_p = _value(LINE_B_CAP, on, parameters)
    total_cap, total_p = _value(TOTAL_CAP, on, parameters)
    min_residual, residual_p = _value(LINE_A_MIN_RESIDUAL_MONTHS, on, parameters)
    art5 = f"{DM_2016}, art. 5 c. 1"
    remaining = total_cap
    lines: list[ContributionLine] = []
    notes: list[str] = []

    def give(line, requested, cap, reasons_against, why, reference, to_verify=False):
        nonlocal remaining
        if requested == 0:
            return
        if reasons_against:
            lines.append(
                ContributionLine(
                    line,
                    LINE_PURPOSES[line],
                    requested,
                    cap,
                    0,
                    f"Richiesti {format_euro(requested)}, non concedibili: "
                    + "; ".join(reasons_against)
                    + ".",
                    reference,
                    to_verify,
                )
            )
            return
        own = min(requested, cap) if cap is not None else requested
        granted = min(own, remaining)
        remaining -= granted
        text = f"{why}: richiesti {format_euro(requested)}"
        if cap is not None and requested > cap:
            text += f", ridotti al massimo della voce di {format_euro(cap)}"
        if granted < own:
            text += (
                f", ridotti a {format_euro(granted)} per il massimo complessivo di "
                f"{format_euro(total_cap)}"
            )
        text += f": concessi {format_euro(granted)}."
        lines.append(
            ContributionLine(
                line, LINE_PURPOSES[line], requested, cap, granted, text, reference, to_verify
            )
        )

    b_requested = request.deferral_months * request.monthly_rent_cents
    both = bool(request.arrears_cents and b_requested)  # domain_rules.md §3.3 [U]
    # a) the arrears, if the contract has ≥ 2 years left and the landlord renounces the eviction
    against = []
    if request.arrears_cents:
        if request.lease_end is None:
            against.append("manca la scadenza del contratto")
        elif add_months(on, min_residual) > request.lease_end:
            against.append(
                f"il contratto scade il {it_date(request.lease_end)}, meno di {min_residual} "
                "mesi di durata residua"
            )
        if not request.landlord_renounces_eviction:
            against.append("il proprietario non rinuncia alla procedura di sfratto")
    give(
        LINE_A,
        request.arrears_cents,
        a_cap,
        against,
        "Morosità accertata",
        f"{art5} lett. a",
        both,
    )
    # b) the months of deferred eviction at the current rent
    against = (
        []
        if request.landlord_defers_eviction
        else ["il proprietario non consente il differimento dell'esecuzione"]
    )
    give(
        LINE_B,
        b_requested,
        b_cap,
        against,
        f"{request.deferral_months} mensilità di differimento da "
        f"{format_euro(request.monthly_rent_cents)}",
        f"{art5} lett. b",
        both,
    )
    if both:
        notes.append(
            "Voci a) e b) insieme: di norma alternative (a) mantiene il contratto, b) accompagna "
            "il rilascio); cumulabilità da verificare."
        )
    # c) the deposit of a new lease
    give(LINE_C, request.deposit_cents, None, [], "Deposito cauzionale", f"{art5} lett. c")
    # d) monthly rents of a new canone concordato lease, up to what the total leaves
    d_requested = request.new_lease_months * request.new_monthly_rent_cents
    against = (
        [] if request.new_lease_concordato else ["il nuovo contratto non è a canone concordato"]
    )
    give(
        LINE_D,
        d_requested,
        None,
        against,
        f"{request.new_lease_months} mensilità del nuovo canone concordato da "
        f"{format_euro(request.new_monthly_rent_cents)}",
        f"{art5} lett. d",
    )
    if request.deposit_cents or d_requested:
        notes.append(
            "Le voci c) e d) possono essere versate in un'unica soluzione alla sottoscrizione "
            "del nuovo contratto (art. 5 c. 2)."
        )
    total = sum(line.granted_cents for line in lines)
    requested = sum(line.requested_cents for line in lines)
    used = (a_p, b_p, total_p, residual_p)
    return Contribution(tuple(lines), requested, total_cap, total, on, tuple(notes), used)
