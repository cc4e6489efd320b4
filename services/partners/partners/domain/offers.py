"""What partners offer the agency: the services a household can be sent to, and the outcomes a
partner may report for each.

A convention lists the services (codes below) the partner provides under it. Each outcome says
what it means for the project action that asked for it (``action_status``, the
``partners.action_outcome_recorded.v1`` status intake applies): ``in_corso`` while the path goes
on, ``completata`` when it reached its aim, ``annullata`` when it stopped without reaching it.
Sources: the seeds' description of the network (seeds 000 and 003) and domain_rules.md §5.2 (FWA).
"""

from __future__ import annotations

from dataclasses import dataclass

IN_PROGRESS = "in_corso"
COMPLETED = "completata"
CANCELLED = "annullata"


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    action_status: str


@dataclass(frozen=True)
class Offer:
    code: str
    label: str
    outcomes: tuple[Outcome, ...]

    def outcome(self, code: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.code == code), None)


def _offer(code: str, label: str, *outcomes: tuple[str, str, str]) -> Offer:
    return Offer(code, label, tuple(Outcome(*o) for o in outcomes))


OFFERS: dict[str, Offer] = {
    o.code: o
    for o in (
        _offer(
            "microcredito",
            "Microcredito sociale",
            ("pratica_aperta", "Pratica aperta", IN_PROGRESS),
            ("prestito_approvato", "Prestito approvato", IN_PROGRESS),
            ("prestito_erogato", "Prestito erogato", COMPLETED),
            ("respinto", "Richiesta respinta", CANCELLED),
        ),
        _offer(
            "anticipazione_sociale",
            "Anticipazione sociale (cassa integrazione)",
            ("pratica_aperta", "Pratica aperta", IN_PROGRESS),
            ("anticipo_approvato", "Anticipo approvato", IN_PROGRESS),
            ("anticipo_erogato", "Anticipo erogato", COMPLETED),
            ("respinto", "Richiesta respinta", CANCELLED),
        ),
        _offer(
            "consulenza_debiti",
            "Consulenza sul debito",
            ("colloquio_svolto", "Colloquio svolto", IN_PROGRESS),
            ("piano_rientro_concordato", "Piano di rientro concordato", COMPLETED),
            ("non_presentato", "Il nucleo non si è presentato", CANCELLED),
        ),
        _offer(
            "mutua_sanitaria",
            "Mutua sanitaria integrativa per anziani",
            ("iscrizione_avviata", "Iscrizione avviata", IN_PROGRESS),
            ("iscritto", "Iscrizione completata", COMPLETED),
            ("non_idoneo", "Requisiti non presenti", CANCELLED),
        ),
        _offer(
            "orientamento_lavoro",
            "Orientamento al lavoro",
            ("colloquio_svolto", "Colloquio svolto", IN_PROGRESS),
            ("percorso_avviato", "Percorso avviato", IN_PROGRESS),
            ("tirocinio", "Tirocinio avviato", IN_PROGRESS),
            ("assunzione", "Assunzione", COMPLETED),
            ("percorso_interrotto", "Percorso interrotto", CANCELLED),
        ),
        _offer(
            "formazione",
            "Formazione professionale",
            ("iscritto", "Iscrizione al corso", IN_PROGRESS),
            ("corso_completato", "Corso completato", COMPLETED),
            ("ritirato", "Ritiro dal corso", CANCELLED),
        ),
        _offer(
            "alloggio_sap",
            "Alloggio dei servizi abitativi pubblici",
            ("domanda_istruita", "Domanda istruita", IN_PROGRESS),
            ("alloggio_proposto", "Alloggio proposto", IN_PROGRESS),
            ("alloggio_assegnato", "Alloggio assegnato", COMPLETED),
            ("non_idoneo", "Requisiti non presenti", CANCELLED),
        ),
        _offer(
            "pratica_isee",
            "Pratica ISEE (DSU)",
            ("appuntamento_fissato", "Appuntamento fissato", IN_PROGRESS),
            ("dsu_presentata", "DSU presentata", IN_PROGRESS),
            ("isee_rilasciato", "Attestazione ISEE rilasciata", COMPLETED),
            ("non_presentato", "Il nucleo non si è presentato", CANCELLED),
        ),
        _offer(
            "assistenza_legale",
            "Assistenza legale sui contratti a canone concordato",
            ("consulenza_svolta", "Consulenza svolta", IN_PROGRESS),
            ("contratto_registrato", "Contratto registrato", COMPLETED),
            ("non_presentato", "Il nucleo non si è presentato", CANCELLED),
        ),
        _offer(
            "accompagnamento_autonomia",
            "Accompagnamento all'autonomia abitativa",
            ("presa_in_carico", "Presa in carico", IN_PROGRESS),
            ("percorso_concluso", "Percorso concluso", COMPLETED),
            ("percorso_interrotto", "Percorso interrotto", CANCELLED),
        ),
        _offer(
            "mediazione",
            "Mediazione abitativa e dei conflitti",
            ("incontro_svolto", "Incontro svolto", IN_PROGRESS),
            ("accordo_raggiunto", "Accordo raggiunto", COMPLETED),
            ("mediazione_non_riuscita", "Mediazione non riuscita", CANCELLED),
        ),
        _offer(
            "ricerca_alloggio",
            "Ricerca di un alloggio sul mercato privato",
            ("ricerca_avviata", "Ricerca avviata", IN_PROGRESS),
            ("alloggio_proposto", "Alloggio proposto", IN_PROGRESS),
            ("contratto_firmato", "Contratto firmato", COMPLETED),
            ("ricerca_interrotta", "Ricerca interrotta", CANCELLED),
        ),
    )
}


def offer(code: str) -> Offer | None:
    return OFFERS.get(code)
