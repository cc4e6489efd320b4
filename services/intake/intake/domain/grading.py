"""The four grades of housing distress of the C.A.S.A. method (seeds/003) and the rules that
suggest one from the assessment's indicators, with the reasons in Italian.

1 fragilità abitativa: no need yet, but conditions that may lead to one (a rent above 30% of
  income, unstable or low income, a weak network): prevention, information, funds.
2 sofferenza abitativa: a first difficulty keeping the home (arrears on rent, mortgage or
  utilities, an eviction under way).
3 povertà abitativa multidimensionale: that difficulty plus other dimensions (documents about to
  expire, a weak support network, unstable or low-paid work, criminal proceedings, an unsafe
  dwelling): two or more of them, or one with an eviction at precetto or execution stage.
4 emergenza abitativa: a home is needed at once (a Pronto Intervento Sociale situation, an
  eviction carried out, no home to return to, violence or abuse, an unsafe dwelling with
  fragile members).

What the referral already says (an eviction under way and its date, arrears, violence, rent and
income) counts as indicators where the assessment says nothing of them; what is missing to weigh
the grade (rent or income, the eviction's date) is said, and a grade 1 without it is provisional,
never "no difficulty" (issue 8).

The social worker confirms the suggestion or overrides it with a written reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..errors import InvalidInput

GRADES = {
    1: "fragilità abitativa",
    2: "sofferenza abitativa",
    3: "povertà abitativa multidimensionale",
    4: "emergenza abitativa",
}

# What the Fotografia counts for a case that has no assessment yet.
NOT_ASSESSED = "non_valutato"

# Pronto Intervento Sociale situations (Fotografia PIS 2024): each is grade 4 at once.
PIS_SITUATIONS = {
    "incendio": "incendio dell'abitazione",
    "allagamento": "allagamento dell'abitazione",
    "sfratto_eseguito": "sfratto eseguito",
    "acqua_interrotta_morosita": "acqua interrotta per morosità",
    "assenza_dimora": "assenza di dimora",
    "msna": "minore straniero non accompagnato",
}

EVICTION_STAGE_LABELS = {
    "none": "nessuna procedura",
    "intimazione": "intimazione di sfratto",
    "convalida": "sfratto convalidato",
    "precetto": "atto di precetto notificato",
    "esecuzione_fissata": "esecuzione dello sfratto fissata",
    "eseguito": "sfratto eseguito",
    "in_corso": "fase non indicata",  # an eviction known only from the referral
}
# What an assessment may record ("in_corso" is only ever read from the referral).
EVICTION_STAGES = tuple(stage for stage in EVICTION_STAGE_LABELS if stage != "in_corso")
LATE_EVICTION_STAGES = ("precetto", "esecuzione_fissata")
DOCUMENTS_EXPIRING_DAYS = 90
# "Un canone – per essere sostenibile – non dovrebbe superare il 30% del reddito familiare
# mensile" (C.A.S.A. San Giuliano Milanese, «Le sfumature del disagio abitativo», seeds/003).
RENT_BURDEN_LIMIT_PERCENT = 30

# What the referral already says (its problem and housing situation, intake's vocabulary) read as
# the indicators of the grade definitions (C.A.S.A. San Giuliano Milanese, «Le sfumature del
# disagio abitativo», seeds/003): arrears and an eviction under way are
# grade 2's "esordio di difficoltà rispetto al mantenimento dell'alloggio"; violence and no home
# to go back to are grade 4's "impossibilità a rientrare nell'alloggio".
EVICTION_REPORTED = {
    "problem_reported": ("sfratto_esecutivo",),
    "housing_situation": ("sfratto_in_corso",),
}
# An eviction known only from the referral: "sfratto esecutivo" is at least validated
# (convalida); with an execution date it is fixed; otherwise only "in corso" is known.
REPORTED_EVICTION_STAGE = "in_corso"
PROBLEM_INDICATORS = {
    "morosita_affitto": "arrears_rent",
    "morosita_mutuo": "arrears_mortgage",
    "assenza_acqua_morosita": "arrears_utilities",
    "violenza_maltrattamenti": "violence_or_abuse",
    "alloggio_non_sicuro": "unsafe_dwelling",
    "assenza_dimora": "no_home_to_return",
}
RENT_BURDEN_REPORTED = {
    "problem_reported": ("canone_insostenibile",),
    "housing_situation": ("affitto_insostenibile",),
}
REFERRAL_LABELS = {
    "eviction_stage": "la procedura di sfratto",
    "eviction_date": "la data dello sfratto",
    "rent_burden_over_30": "canone e reddito",
    "minors": "i minori del nucleo",
    "over_65": "le persone over 65 del nucleo",
    **{name: "la problematica segnalata" for name in PROBLEM_INDICATORS.values()},
}

# The yes/no indicators of an assessment, in the order the form shows them, with their labels.
INDICATOR_LABELS = {
    "rent_burden_over_30": "Canone oltre il 30% del reddito",
    "arrears_rent": "Morosità nell'affitto",
    "arrears_mortgage": "Morosità nella rata del mutuo",
    "arrears_utilities": "Morosità nelle utenze o spese dell'alloggio",
    "low_income": "Reddito basso",
    "unstable_income": "Lavoro instabile o reddito discontinuo",
    "weak_support_network": "Scarsa rete sociale o familiare di supporto",
    "legal_proceedings": "Procedimenti penali in corso",
    "violence_or_abuse": "Violenza o maltrattamenti",
    "no_home_to_return": "Impossibilità di rientrare nell'alloggio",
    "unsafe_dwelling": "Alloggio non sicuro per scarsa manutenzione",
    "minors": "Presenza di minori",
    "over_65": "Presenza di persone over 65",
    "disability": "Presenza di persone con disabilità",
}
BOOLEAN_INDICATORS = tuple(INDICATOR_LABELS)
INDICATORS = BOOLEAN_INDICATORS + ("eviction_stage", "eviction_date", "documents_expiring_on")


@dataclass(frozen=True)
class Suggestion:
    grade: int
    explanation: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what the suggestion could not weigh


@dataclass(frozen=True)
class Grading:
    suggested_grade: int
    explanation: list[str]
    grade: int
    overridden: bool


def rent_burden_over_30(monthly_rent_cents: int | None, monthly_net_income_cents: int | None):
    """True/False if rent and income are known (no income and some rent = over), else None."""
    if monthly_rent_cents is None or monthly_net_income_cents is None:
        return None
    if monthly_net_income_cents == 0:
        return monthly_rent_cents > 0
    return monthly_rent_cents * 100 > monthly_net_income_cents * RENT_BURDEN_LIMIT_PERCENT


def referral_indicators(referral: dict) -> dict:
    """The indicators the referral itself states (``problem_reported``, ``housing_situation``,
    ``eviction_date``, ``monthly_rent_cents``, ``monthly_net_income_cents``, ``minors``,
    ``over_65``); an unknown one is left out, never guessed as absent."""
    problem, housing = referral.get("problem_reported"), referral.get("housing_situation")

    def reported(codes: dict) -> bool:
        return problem in codes["problem_reported"] or housing in codes["housing_situation"]

    found: dict = {}
    if reported(EVICTION_REPORTED):
        if referral.get("eviction_date") is not None:
            found["eviction_stage"] = "esecuzione_fissata"
        elif problem == "sfratto_esecutivo":
            found["eviction_stage"] = "convalida"
        else:
            found["eviction_stage"] = REPORTED_EVICTION_STAGE
    if referral.get("eviction_date") is not None:
        found["eviction_date"] = referral["eviction_date"]
    if problem in PROBLEM_INDICATORS:
        found[PROBLEM_INDICATORS[problem]] = True
    burden = rent_burden_over_30(
        referral.get("monthly_rent_cents"), referral.get("monthly_net_income_cents")
    )
    if burden is None and reported(RENT_BURDEN_REPORTED):
        burden = True
    if burden is not None:
        found["rent_burden_over_30"] = burden
    for name in ("minors", "over_65"):
        if referral.get(name) is not None:
            found[name] = referral[name] > 0
    return found


def with_referral(given: dict, referral: dict) -> tuple[dict, list[str]]:
    """The indicators given in the assessment, completed with what the referral states (the
    assessment wins where both say something), and the Italian line saying what was taken from
    the referral (empty if nothing)."""
    indicators = {k: v for k, v in given.items() if v is not None}
    taken = []
    for name, value in referral_indicators(referral).items():
        if name not in indicators:
            indicators[name] = value
            weighed = value or name == "rent_burden_over_30"  # within 30% counts too
            if weighed and REFERRAL_LABELS[name] not in taken:
                taken.append(REFERRAL_LABELS[name])
    line = [f"Dalla scheda di attivazione: {', '.join(taken)}."] if taken else []
    return indicators, line


def suggest_for_referral(
    given: dict, referral: dict, pis_situation: str | None, today: date
) -> tuple[dict, Suggestion]:
    """The indicators weighed (given + the referral's) and the suggestion, whose explanation
    starts by saying what came from the referral."""
    indicators, taken = with_referral(given, referral)
    suggestion = suggest(indicators, pis_situation, today)
    return indicators, Suggestion(
        suggestion.grade, taken + suggestion.explanation, suggestion.missing
    )


def missing_data(indicators: dict) -> list[str]:
    """What the suggestion needs and does not have, one Italian sentence each."""
    missing = []
    if indicators.get("rent_burden_over_30") is None:
        missing.append(
            "Mancano il canone o il reddito mensile: la sostenibilità del canone non è valutata."
        )
    stage = indicators.get("eviction_stage") or "none"
    if stage not in ("none", "eseguito") and not indicators.get("eviction_date"):
        missing.append("Manca la data dell'esecuzione dello sfratto.")
    return missing


def suggest(indicators: dict, pis_situation: str | None, today: date) -> Suggestion:
    """The grade the indicators point to, with one Italian sentence per reason, and what is
    missing to weigh it (then a grade 1 is provisional, never "no difficulty")."""
    i = {name: indicators.get(name) for name in INDICATORS}
    stage = i["eviction_stage"] or "none"
    missing = missing_data(i)
    fragile = [
        label
        for name, label in (
            ("minors", "minori"),
            ("over_65", "persone over 65"),
            ("disability", "persone con disabilità"),
        )
        if i[name]
    ]

    # Grade 4: a home is needed at once.
    urgent = []
    if pis_situation:
        urgent.append(f"Situazione di Pronto Intervento Sociale: {PIS_SITUATIONS[pis_situation]}.")
    if stage == "eseguito":
        urgent.append("Lo sfratto è già stato eseguito: il nucleo non ha più un alloggio.")
    if i["no_home_to_return"]:
        urgent.append("Il nucleo non può rientrare nel proprio alloggio.")
    if i["violence_or_abuse"]:
        urgent.append(
            "Sono presenti violenza o maltrattamenti: serve mettere in sicurezza il nucleo."
        )
    if i["unsafe_dwelling"] and fragile:
        urgent.append(
            "L'alloggio non è sicuro e nel nucleo ci sono componenti fragili ("
            + ", ".join(fragile)
            + ")."
        )
    if urgent:
        return Suggestion(4, urgent + [_conclusion(4)], missing)

    # Grade 2 and 3: a difficulty keeping the home, possibly with other dimensions.
    trouble = []
    arrears = [
        label
        for name, label in (
            ("arrears_rent", "affitto"),
            ("arrears_mortgage", "rata del mutuo"),
            ("arrears_utilities", "spese e utenze"),
        )
        if i[name]
    ]
    if arrears:
        trouble.append("Morosità in corso: " + ", ".join(arrears) + ".")
    if stage != "none":
        text = f"Procedura di sfratto in corso ({EVICTION_STAGE_LABELS[stage]}"
        if i["eviction_date"]:
            text += f", data {i['eviction_date'].strftime('%d/%m/%Y')}"
        trouble.append(text + ").")

    dimensions = []
    expiring = i["documents_expiring_on"]
    if expiring is not None and expiring <= today + timedelta(days=DOCUMENTS_EXPIRING_DAYS):
        dimensions.append(
            ("Documenti scaduti o in scadenza" if expiring >= today else "Documenti scaduti")
            + f" ({expiring.strftime('%d/%m/%Y')})."
        )
    if i["weak_support_network"]:
        dimensions.append("Rete sociale e familiare di supporto scarsa.")
    if i["unstable_income"] or i["low_income"]:
        dimensions.append("Attività lavorativa instabile o a basso reddito.")
    if i["legal_proceedings"]:
        dimensions.append("Procedimenti penali in corso.")
    if i["unsafe_dwelling"]:
        dimensions.append("Scarsa manutenzione che pregiudica la sicurezza dell'alloggio.")

    if trouble:
        if len(dimensions) >= 2 or (dimensions and stage in LATE_EVICTION_STAGES):
            return Suggestion(3, trouble + dimensions + missing + [_conclusion(3)], missing)
        return Suggestion(2, trouble + dimensions + missing + [_conclusion(2)], missing)

    # Grade 1: no difficulty yet; say what makes the situation fragile, if anything.
    signs = []
    if i["rent_burden_over_30"]:
        signs.append(
            f"Il canone supera il {RENT_BURDEN_LIMIT_PERCENT}% del reddito familiare mensile."
        )
    signs += dimensions
    if missing:
        return Suggestion(
            1,
            signs
            + missing
            + [
                "I dati non bastano per escludere una difficoltà nel mantenimento dell'alloggio: "
                "completali prima di confermare il grado.",
                _conclusion(1, provisional=True),
            ],
            missing,
        )
    if not signs:
        signs.append("Non emergono difficoltà in atto nel mantenimento dell'alloggio.")
    return Suggestion(1, signs + [_conclusion(1)])


def _conclusion(grade: int, provisional: bool = False) -> str:
    return f"Grado suggerito: {grade} ({GRADES[grade]}){', provvisorio' if provisional else ''}."


def decide(
    suggestion: Suggestion,
    confirmed_grade: int | None,
    override_reason: str | None,
    pis_situation: str | None,
) -> Grading:
    """The grade the social worker records: the suggestion, or a different grade with a reason.
    A Pronto Intervento Sociale situation is grade 4 and cannot be overridden."""
    if confirmed_grade is None or confirmed_grade == suggestion.grade:
        return Grading(suggestion.grade, suggestion.explanation, suggestion.grade, False)
    if pis_situation:
        raise InvalidInput({"confirmed_grade": [{"code": "pis_grade_fixed", "grade": 4}]})
    if not override_reason:
        raise InvalidInput({"override_reason": [{"code": "override_reason_required"}]})
    return Grading(suggestion.grade, suggestion.explanation, confirmed_grade, True)
