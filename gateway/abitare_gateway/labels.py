"""Italian labels of the codes the pages show.

Intake owns the referral vocabulary and serves it (``intake.get_vocabulary``); the form takes its
options from there when intake answers. This table mirrors it so that pages still read well
when intake is away, and names the codes of the other services. An unknown code shows as itself.
"""
from __future__ import annotations

REFERRING_BODY = {
    "servizi_sociali_comune": "Servizi sociali del Comune",
    "pronto_intervento_sociale": "Pronto Intervento Sociale",
    "forze_ordine": "Forze dell'ordine",
    "altro_ente": "Altro ente",
    "nucleo_familiare": "Nucleo familiare (richiesta diretta)",
}

PROBLEM_REPORTED = {
    "incendio_abitazione": "Incendio abitazione",
    "allagamento_abitazione": "Allagamento abitazione",
    "sfratto_esecutivo": "Sfratto esecutivo",
    "allontanamento_da_ospitante": "Persona allontanata da ospitante",
    "assenza_acqua_morosita": "Assenza di acqua nell'abitazione per morosità",
    "assenza_dimora": "Assenza di dimora",
    "minori_stranieri_non_accompagnati": "Minori stranieri non accompagnati",
    "violenza_maltrattamenti":
        "Impossibilità di rientrare nell'alloggio per violenza o maltrattamenti",
    "alloggio_non_sicuro": "Alloggio non sicuro per scarsa manutenzione",
    "morosita_affitto": "Morosità nel pagamento dell'affitto",
    "morosita_mutuo": "Morosità nel pagamento della rata del mutuo",
    "canone_insostenibile": "Canone di locazione non sostenibile",
    "altro": "Altro",
}

HOUSING_SITUATION = {
    "mancato_rinnovo_contratto": "Rilascio alloggio per mancato rinnovo contratto di locazione",
    "sfratto_in_corso": "Rilascio alloggio per procedimento di sfratto in corso",
    "sistemazione_stabile_provvisoria": "Sistemazione abitativa stabile ma provvisoria",
    "fine_accoglienza_temporanea":
        "Termine temporale di accoglienza presso servizi di accoglienza temporanea",
    "affitto_insostenibile": "Difficoltà sostenibilità affitto",
    "rilascio_altro_motivo":
        "Rilascio immobile per motivazione differente da procedimento di sfratto",
    "altro": "Altro",
}

RELATION = {
    "intestatario": "Intestatario",
    "coniuge": "Coniuge",
    "convivente": "Convivente",
    "figlio": "Figlio/a",
    "genitore": "Genitore",
    "altro_parente": "Altro parente",
    "altro": "Altro",
}
HEAD_OF_HOUSEHOLD = "intestatario"

REFERRAL_STATUS = {"ricevuta": "Ricevuta"}

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
    "event_type": EVENT_TYPE,
}

# The vocabularies intake serves, as form options.
FORM_VOCABULARIES = ("referring_body", "problem_reported", "housing_situation", "relation")


def label(table: str, code) -> str:
    if code is None or code == "":
        return "—"
    return TABLES.get(table, {}).get(code, str(code))


def options(table: str) -> list[dict[str, str]]:
    return [{"code": code, "label": text} for code, text in TABLES[table].items()]


def static_vocabulary() -> dict[str, list[dict[str, str]]]:
    return {name: options(name) for name in FORM_VOCABULARIES}
