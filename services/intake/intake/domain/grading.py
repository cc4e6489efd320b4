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
}
EVICTION_STAGES = tuple(EVICTION_STAGE_LABELS)
LATE_EVICTION_STAGES = ("precetto", "esecuzione_fissata")
DOCUMENTS_EXPIRING_DAYS = 90
RENT_BURDEN_LIMIT_PERCENT = 30

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


def suggest(indicators: dict, pis_situation: str | None, today: date) -> Suggestion:
    """The grade the indicators point to, with one Italian sentence per reason."""
    i = {name: indicators.get(name) for name in INDICATORS}
    stage = i["eviction_stage"] or "none"
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
        return Suggestion(4, urgent + [_conclusion(4)])

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
            return Suggestion(3, trouble + dimensions + [_conclusion(3)])
        return Suggestion(2, trouble + dimensions + [_conclusion(2)])

    # Grade 1: no difficulty yet; say what makes the situation fragile, if anything.
    signs = []
    if i["rent_burden_over_30"]:
        signs.append(
            f"Il canone supera il {RENT_BURDEN_LIMIT_PERCENT}% del reddito familiare mensile."
        )
    signs += dimensions
    if not signs:
        signs.append("Non emergono difficoltà in atto nel mantenimento dell'alloggio.")
    return Suggestion(1, signs + [_conclusion(1)])


def _conclusion(grade: int) -> str:
    return f"Grado suggerito: {grade} ({GRADES[grade]})."


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
