"""The words of the partner network, for the pages that show it (the gateway asks once per page
with ``get_vocabulary``): what each code of a partner, a convention, a service, an event type and
a field means in Italian, and which fields each event type may grant (the edit form's choices).

The same words are published as ``infra/contracts/partners-vocabulary.json`` (``make
vocabulary``; :func:`as_contract`), as intake publishes its own: the gateway ships the file, words
every code the service answers with from it in the page's language (its catalogue has their
English) and the service itself knows nothing of languages. ``tests/
test_partners_vocabulary_contract.py`` fails when the file drifts from these tables.
"""

from __future__ import annotations

import json

from . import consent, event_catalogue, lending, offers, referrals
from .conventions import CHANNELS, FIELD_LABELS, KINDS, STATUSES, field_label

# Partner.kind: what kind of organisation the partner is
PARTNER_KINDS = {
    "microcredito": "Fondazione per il microcredito",
    "orientamento_lavoro": "Agenzia per il lavoro e la formazione",
    "edilizia_pubblica": "Gestore di edilizia residenziale pubblica",
    "caf": "Centro di assistenza fiscale",
    "cooperativa_sociale": "Cooperativa sociale",
    "agenzia_immobiliare": "Agenzia immobiliare accreditata",
}

# What a lending partner reports of a loan (``domain.lending``), and so the loan's state
LENDER_STATUSES = {
    lending.APPROVED: "Prestito approvato",
    lending.DISBURSED: "Prestito erogato",
    lending.INSTALMENT_PAID: "Rata pagata",
    lending.INSTALMENT_MISSED: "Rata non pagata",
    lending.RESCHEDULED: "Piano di rimborso rinegoziato",
    lending.REPAID: "Prestito rimborsato",
    lending.WRITTEN_OFF: "Prestito passato a perdita",
}


def vocabulary() -> dict:
    types = event_catalogue.event_types()
    return {
        "partner_kinds": PARTNER_KINDS,
        "convention_kinds": KINDS,
        "statuses": STATUSES,
        "channels": CHANNELS,
        "services": {code: offer.label for code, offer in offers.OFFERS.items()},
        "event_types": {t: event_catalogue.event_label(t) for t in types},
        "fields": {
            t: {path: field_label(path) for path in sorted(event_catalogue.field_paths(t))}
            for t in types
        },
    }


def as_contract() -> dict:
    """What ``infra/contracts/partners-vocabulary.json`` holds: every table of codes the
    service answers with and their Italian words; ``service_outcome`` by service (the same
    outcome code may be worded differently for two services)."""
    types = event_catalogue.event_types()
    return {
        "tables": {
            "partner_kind": PARTNER_KINDS,
            "convention_kind": KINDS,
            "convention_status": STATUSES,
            "channel": CHANNELS,
            "service": {code: offer.label for code, offer in offers.OFFERS.items()},
            "referral_state": referrals.STATES,
            "consent_category": {code: words for code, (words, _) in consent.CATEGORIES.items()},
            "event_type": {t: event_catalogue.event_label(t) for t in types},
            "field": FIELD_LABELS,
            "lender_status": LENDER_STATUSES,
        },
        "service_outcome": {
            code: {o.code: o.label for o in offer.outcomes} for code, offer in offers.OFFERS.items()
        },
    }


def rendered() -> str:
    """The contract file's text."""
    return json.dumps(as_contract(), ensure_ascii=False, indent=2) + "\n"
