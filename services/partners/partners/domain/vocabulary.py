"""The words of the partner network, for the pages that show it (the gateway asks once per page
with ``get_vocabulary``): what each code of a partner, a convention, a service, an event type and
a field means in Italian, and which fields each event type may grant (the edit form's choices)."""

from __future__ import annotations

from . import event_catalogue, offers
from .conventions import CHANNELS, KINDS, STATUSES, field_label

# Partner.kind: what kind of organisation the partner is
PARTNER_KINDS = {
    "microcredito": "Fondazione per il microcredito",
    "orientamento_lavoro": "Agenzia per il lavoro e la formazione",
    "edilizia_pubblica": "Gestore di edilizia residenziale pubblica",
    "caf": "Centro di assistenza fiscale",
    "cooperativa_sociale": "Cooperativa sociale",
    "agenzia_immobiliare": "Agenzia immobiliare accreditata",
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
