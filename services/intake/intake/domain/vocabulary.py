"""The codes intake uses and their Italian labels (UI text).

Problem and housing-situation codes come from the C.A.S.A. San Giuliano Milanese
"Fotografia" of the Pronto Intervento Sociale 2024 and of April-May 2025.
"""

from __future__ import annotations

REFERRING_BODIES = {
    "servizi_sociali_comune": "Servizi sociali del Comune",
    "pronto_intervento_sociale": "Pronto Intervento Sociale",
    "forze_ordine": "Forze dell'ordine",
    "altro_ente": "Altro ente",
    "nucleo_familiare": "Nucleo familiare (richiesta diretta)",
}

PROBLEMS_REPORTED = {
    "incendio_abitazione": "Incendio abitazione",
    "allagamento_abitazione": "Allagamento abitazione",
    "sfratto_esecutivo": "Sfratto esecutivo",
    "allontanamento_da_ospitante": "Persona allontanata da ospitante",
    "assenza_acqua_morosita": "Assenza di acqua nell'abitazione per morosità",
    "assenza_dimora": "Assenza di dimora",
    "minori_stranieri_non_accompagnati": "Minori stranieri non accompagnati",
    "violenza_maltrattamenti": (
        "Impossibilità di rientrare nell'alloggio per violenza o maltrattamenti"
    ),
    "alloggio_non_sicuro": "Alloggio non sicuro per scarsa manutenzione",
    "morosita_affitto": "Morosità nel pagamento dell'affitto",
    "morosita_mutuo": "Morosità nel pagamento della rata del mutuo",
    "canone_insostenibile": "Canone di locazione non sostenibile",
    "altro": "Altro",
}

HOUSING_SITUATIONS = {
    "mancato_rinnovo_contratto": "Rilascio alloggio per mancato rinnovo contratto di locazione",
    "sfratto_in_corso": "Rilascio alloggio per procedimento di sfratto in corso",
    "sistemazione_stabile_provvisoria": "Sistemazione abitativa stabile ma provvisoria",
    "fine_accoglienza_temporanea": (
        "Termine temporale di accoglienza presso servizi di accoglienza temporanea"
    ),
    "affitto_insostenibile": "Difficoltà sostenibilità affitto",
    "rilascio_altro_motivo": (
        "Rilascio immobile per motivazione differente da procedimento di sfratto"
    ),
    "altro": "Altro",
}

HEAD_OF_HOUSEHOLD = "intestatario"

RELATIONS = {
    HEAD_OF_HOUSEHOLD: "Intestatario",
    "coniuge": "Coniuge",
    "convivente": "Convivente",
    "figlio": "Figlio/a",
    "genitore": "Genitore",
    "altro_parente": "Altro parente",
    "altro": "Altro",
}

VOCABULARIES = {
    "referring_body": REFERRING_BODIES,
    "problem_reported": PROBLEMS_REPORTED,
    "housing_situation": HOUSING_SITUATIONS,
    "relation": RELATIONS,
}

# A new referral starts here; the rest of the case lifecycle is in ``lifecycle``.
STATUS_RECEIVED = "ricevuta"


def label(vocabulary: str, code: str) -> str:
    """The Italian label of ``code`` in ``vocabulary`` (the code itself if unknown)."""
    return VOCABULARIES[vocabulary].get(code, code)


def as_options() -> dict[str, list[dict[str, str]]]:
    """Every vocabulary as ``[{code, label}]``, in a stable order (for forms)."""
    return {
        name: [{"code": code, "label": text} for code, text in codes.items()]
        for name, codes in VOCABULARIES.items()
    }


# -- the case path --------------------------------------------------------------------------
DIARY_KINDS = {
    "colloquio": "Colloquio",
    "visita_domiciliare": "Visita domiciliare",
    "telefonata": "Telefonata",
    "incontro_di_rete": "Incontro di rete",
    "colloquio_congiunto": "Colloquio congiunto (Agenzia e Comune)",
    "nota": "Nota",
    "aggiornamento_partner": "Aggiornamento da un partner",
    "altro": "Altro",
}
JOINT_INTERVIEW = "colloquio_congiunto"
PARTNER_UPDATE = "aggiornamento_partner"  # written by intake when a partner answers a referral

# ``labels`` gathers these and the case path's tables into the contract the gateway reads.
