"""Italian labels of the codes the pages show. An unknown code shows as itself.

Intake owns its vocabulary (``intake/domain/vocabulary.py``, served by ``intake.get_vocabulary``)
and writes it to ``infra/contracts/vocabulary.json``, which this package ships as
``contracts/vocabulary.json``: the form options and their labels come from there, so pages and
forms work while intake is away (also when the gateway starts before it), with nothing copied by
hand; intake's and the gateway's tests fail when the file drifts from either. The other tables
name codes of the case path and of the other services, in the gateway's own words.
"""

from __future__ import annotations

import json
from importlib import resources

INTAKE_VOCABULARY = json.loads(
    resources.files(__package__)
    .joinpath("contracts", "vocabulary.json")
    .read_text(encoding="utf-8")
)

REFERRING_BODY = INTAKE_VOCABULARY["tables"]["referring_body"]
PROBLEM_REPORTED = INTAKE_VOCABULARY["tables"]["problem_reported"]
HOUSING_SITUATION = INTAKE_VOCABULARY["tables"]["housing_situation"]
RELATION = INTAKE_VOCABULARY["tables"]["relation"]
HEAD_OF_HOUSEHOLD = INTAKE_VOCABULARY["head_of_household"]
DIARY_KIND = INTAKE_VOCABULARY["tables"]["diary_kind"]

REFERRAL_STATUS = {
    "ricevuta": "Ricevuta",
    "in_carico": "In carico",
    "informazioni_richieste": "Informazioni richieste",
    "respinta": "Respinta",
    "chiusa": "Chiusa",
}

TRIAGE_OUTCOME = {
    "presa_in_carico": "Presa in carico",
    "richiesta_informazioni": "Richiesta di informazioni",
    "respinta": "Respinta",
}

GRADE = {
    "1": "Grado 1 · Fragilità abitativa",
    "2": "Grado 2 · Sofferenza abitativa",
    "3": "Grado 3 · Povertà abitativa multidimensionale",
    "4": "Grado 4 · Emergenza abitativa",
}

# assessment indicators: boolean ones first, as the form shows them
INDICATOR = {
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

EVICTION_STAGE = {
    "none": "Nessuna procedura",
    "intimazione": "Intimazione di sfratto",
    "convalida": "Convalida",
    "precetto": "Atto di precetto",
    "esecuzione_fissata": "Esecuzione fissata",
    "eseguito": "Sfratto eseguito",
}

PIS_SITUATION = {
    "incendio": "Incendio dell'abitazione",
    "allagamento": "Allagamento dell'abitazione",
    "sfratto_eseguito": "Sfratto eseguito",
    "acqua_interrotta_morosita": "Acqua interrotta per morosità",
    "assenza_dimora": "Assenza di dimora",
    "msna": "Minori stranieri non accompagnati",
}

ACTION_TYPE = {
    "fund_application": "Domanda di contributo (fondi)",
    "temporary_housing": "Alloggio temporaneo",
    "private_market_search": "Ricerca alloggio sul mercato privato",
    "public_housing_application": "Domanda di alloggio SAP",
    "partner_referral": "Invio a un partner",
    "isee_caf": "ISEE tramite CAF",
    "financial_coaching": "Accompagnamento finanziario",
    "cultural_mediation": "Mediazione culturale",
    "legal_assistance": "Assistenza legale",
    "other": "Altro",
}

RESPONSIBLE = {"agency": "Agenzia", "comune": "Comune", "partner": "Partner"}

ACTION_STATUS = {
    "da_avviare": "Da avviare",
    "in_corso": "In corso",
    "completata": "Completata",
    "annullata": "Annullata",
}

CLOSURE_OUTCOME = {
    "sap_assegnato": "Alloggio SAP assegnato",
    "affitto_canone_concordato": "Affitto a canone concordato",
    "affitto_libero_mercato": "Affitto sul libero mercato",
    "rientro_in_famiglia": "Rientro in famiglia",
    "trasferimento": "Trasferimento",
    "abbandono": "Abbandono del percorso",
    "altro": "Altro",
}

PROPOSAL_KIND = {
    "validate_project": "Validazione del progetto",
    "temporary_placement": "Inserimento in alloggio temporaneo",
    "extend_stay": "Proroga della permanenza",
    "early_discharge": "Dimissione anticipata",
}

DECISION = {"approvata": "Approvata", "respinta": "Respinta", "rinviata": "Rinviata"}

HOUSEHOLD_COMPOSITION = {
    "coppia_con_figli_minori": "Coppia genitoriale con figli minori",
    "madre_sola_con_figli_minori": "Madre sola con figli minori",
    "padre_solo_con_figli_minori": "Padre solo con figli minori",
    "adulto_solo": "Adulto solo",
    "genitore_con_figlio_neomaggiorenne": "Genitore con figlio neomaggiorenne",
    "adulto_con_over_65": "Adulto con adulto over 65",
    "coppia_con_figli_minori_e_over_65": "Coppia genitoriale con figli minori e adulto over 65",
    "coppia_senza_figli": "Coppia senza figli",
    "altro": "Altro",
}

AFFORDABILITY_OUTCOME = {
    "sostenibile": "Sostenibile",
    "non_sostenibile": "Non sostenibile",
    "non_valutabile": "Non valutabile",
}

SECTION_STATUS = {
    "disponibile": "Disponibile",
    "in_attesa": "In attesa",
    "non_disponibile": "Non disponibile",
}

ROLE = {
    "agency_operator": "Operatore dell'Agenzia",
    "comune_operator": "Operatore del Comune",
    "coordinator": "Coordinamento",
    "municipal_client": "Sistema comunale",
    "system": "Sistema",
}

# What a role may or may not do (intake's actions, see :mod:`roles`): "Il tuo profilo non consente
# di ..." on the 403 page.
ROLE_ACTION = {
    "read_status": "consultare lo stato delle schede",
    "read_case": "consultare il fascicolo delle schede",
    "triage": "fare il triage delle schede",
    "assign": "assegnare le schede agli operatori",
    "write_diary": "scrivere nel diario",
    "schedule_interview": "fissare i colloqui",
    "assess": "registrare le valutazioni del disagio abitativo",
    "write_project": "scrivere il progetto individualizzato",
    "close": "chiudere e riaprire le schede",
    "commission": "gestire la Commissione (sedute, proposte, decisioni e verbali)",
    "read_worklist": "consultare le liste di lavoro",
    "read_fotografia": "consultare la Fotografia",
    "read_audit": "consultare il registro degli accessi",
}

EVENT_TYPE = {
    "intake.referral_received.v1": "Scheda di attivazione ricevuta",
}

TABLES = {
    "referring_body": REFERRING_BODY,
    "problem_reported": PROBLEM_REPORTED,
    "housing_situation": HOUSING_SITUATION,
    "relation": RELATION,
    "referral_status": REFERRAL_STATUS,
    "affordability_outcome": AFFORDABILITY_OUTCOME,
    "section_status": SECTION_STATUS,
    "role": ROLE,
    "role_action": ROLE_ACTION,
    "event_type": EVENT_TYPE,
    "triage_outcome": TRIAGE_OUTCOME,
    "diary_kind": DIARY_KIND,
    "grade": GRADE,
    "indicator": INDICATOR,
    "eviction_stage": EVICTION_STAGE,
    "pis_situation": PIS_SITUATION,
    "action_type": ACTION_TYPE,
    "responsible": RESPONSIBLE,
    "action_status": ACTION_STATUS,
    "closure_outcome": CLOSURE_OUTCOME,
    "proposal_kind": PROPOSAL_KIND,
    "decision": DECISION,
    "household_composition": HOUSEHOLD_COMPOSITION,
}

# The vocabularies of the referral form.
FORM_VOCABULARIES = ("referring_body", "problem_reported", "housing_situation", "relation")


def label(table: str, code) -> str:
    if code is None or code == "":
        return "—"
    return TABLES.get(table, {}).get(str(code), str(code))


def choices(table: str) -> list[tuple[str, str]]:
    """``[(code, label)]`` for a select."""
    return list(TABLES[table].items())


def options(table: str) -> list[dict[str, str]]:
    return [{"code": code, "label": text} for code, text in TABLES[table].items()]


def form_vocabulary() -> dict[str, list[dict[str, str]]]:
    """``{referring_body: [{code, label}], ...}``: the referral form's options."""
    return {name: options(name) for name in FORM_VOCABULARIES}
