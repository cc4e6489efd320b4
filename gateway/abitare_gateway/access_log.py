"""Who accessed a household's data, in every service: the trail behind the coordinators'
**Accessi** page and the household's own access report (GDPR art. 15).

Intake decides who may see it (coordinators of the case's comuni: ``CaseForbidden`` for other
roles, ``ReferralNotFound`` for another comune's case) before anyone else is asked; then funds,
housing_stock and partners give their trails in parallel. A service that is away leaves its rows
out and is named in ``unavailable`` (the page says so); one with no record of the household has
no rows. Filters (period, operator, service) are applied here, on the merged trail.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime

from abitare_chassis.actor import Actor

from . import backend, purposes
from .accounts import actor_name
from .agency_time import AGENCY_TZ
from .errors import status_for_remote
from .rpc import RemoteError, RpcError

log = logging.getLogger(__name__)


SERVICES = {  # service -> what its rows are about, as the page names them
    "intake": "Scheda e percorso del caso",
    "funds": "Fondi (reddito, canone)",
    "housing_stock": "Bisogno abitativo",
    "partners": "Condivisioni con i partner",
}
ACTIONS = {  # what intake and the services record, as the page names it
    "get_referral": "Consultazione della scheda di attivazione",
    "list_referrals": "Compare nell'elenco delle schede",
    "get_worklist": "Compare nelle liste di lavoro",
    "get_timeline": "Consultazione della cronologia",
    "check_eligibility": "Verifica dei requisiti",
    "find_possible_duplicates": "Ricerca di possibili doppioni",
    "duplicate_match": "Trovata come possibile doppione di un'altra scheda",
    "triage_referral": "Triage della scheda",
    "assign_case": "Assegnazione della scheda",
    "read_confidential_entry": "Lettura di una nota riservata",
    "close_case": "Chiusura della presa in carico",
    "add_proposal": "Proposta alla Commissione",
    "decide_proposal": "Decisione della Commissione",
    "agenda_candidates": "Ricerca per l'ordine del giorno della Commissione",
    "list_meetings": "Compare nell'elenco delle sedute della Commissione",
    "get_meeting": "Consultazione della seduta della Commissione",
    "record_minutes": "Verbale della seduta della Commissione",
    "list_anomalies": "Compare tra le anomalie dei codici fiscali",
    "set_legal_hold": "Blocco legale posto",
    "lift_legal_hold": "Blocco legale tolto",
    "pseudonymise_case": "Pseudonimizzazione dei dati",
    "get_case": "Consultazione della scheda",
    "list_diary": "Consultazione del diario",
    "list_assessments": "Consultazione delle valutazioni",
    "get_project": "Consultazione del progetto",
    "list_project_versions": "Consultazione delle versioni del progetto",
    "export_access_report": "Rapporto degli accessi consegnato all'interessato",
    "get_funds_file": "Consultazione del fascicolo fondi",
    "list_rent_fund_applications": "Consultazione delle domande al Fondo Affitto",
    "get_rent_fund_window": "Consultazione della graduatoria di un bando del Fondo Affitto",
    "get_housing_need": "Consultazione del bisogno abitativo",
    "get_dwelling": "Consultazione di un alloggio con i nuclei ospitati",
    "get_sap_arrears": "Consultazione della morosità di una locazione SAP",
    "list_sap_arrears": "Elenco delle locazioni SAP in morosità",
    "get_deliveries": "Consultazione delle condivisioni con i partner",
    "edit_convention": "Modifica di una convenzione con un partner",
    "suspend_convention": "Sospensione di una convenzione con un partner",
    "resume_convention": "Ripresa di una convenzione con un partner",
    "list_consents": "Consultazione dei consensi alla condivisione con i partner",
    "list_partner_referrals": "Consultazione degli invii ai partner",
    "list_own_referrals": "Elenco degli invii consultato dal partner",
    "get_own_referral": "Invio consultato dal partner",
    "report_lender_status": "Stato del prestito comunicato dal partner",
    "get_loan": "Prestito consultato dal partner",
    "list_isee": "Consultazione degli ISEE del nucleo",
    "record_certified_isee": "Registrazione di un ISEE certificato",
    "estimate_isee": "Stima dell'ISEE dai dati della DSU",
    "get_guarantee": "Consultazione del fondo di garanzia",
    "enrol_guarantee": "Adesione di un contratto al fondo di garanzia",
    "file_guarantee_claim": "Richiesta del proprietario al fondo di garanzia",
    "pay_guarantee_claim": "Pagamento di una richiesta al fondo di garanzia",
    "refuse_guarantee_claim": "Rifiuto di una richiesta al fondo di garanzia",
    "create_guarantee_repayment_plan": "Piano di rientro verso il fondo di garanzia",
    "mark_guarantee_instalment": "Rata del piano di rientro registrata",
}
ROLES = {
    "agency_operator": "Operatore dell'agenzia",
    "comune_operator": "Operatore del comune",
    "coordinator": "Coordinamento",
    "municipal_client": "Sistema del comune",
    "partner_client": "Sistema di un partner",
    "system": "Sistema",
}


def catalogue_texts():
    """The page's words for the UI's catalogue (:mod:`i18n`); the CSV report stays Italian."""
    for table in (SERVICES, ACTIONS, ROLES):
        yield from table.values()


def access_trail(actor: Actor, referral_id: str, *, export: bool = False) -> dict:
    """``{"entries": [...oldest first, each with "service"], "unavailable": [services]}``.
    ``export``: the trail is handed to the household, which intake records. Raises intake's
    ``RemoteError`` (403/404) and :class:`RpcError` when intake is away."""
    client, timeout = backend.rpc(), backend.rpc_timeout()
    kwargs = {"export": True, "purpose": purposes.ACCESS_REQUEST} if export else {}
    entries = [
        dict(row, service="intake")
        for row in client.call("intake", "list_audit", actor, referral_id, **kwargs)
    ]
    futures = {
        service: backend.executor().submit(_ask, client, timeout, service, actor, referral_id)
        for service in SERVICES
        if service != "intake"
    }
    unavailable = []
    for service, future in futures.items():
        rows = future.result()
        if rows is None:
            unavailable.append(service)
            continue
        entries.extend(dict(row, service=service) for row in rows)
    entries.sort(key=lambda e: (e["at"], e["service"], e["id"]))
    return {"entries": entries, "unavailable": unavailable}


def _ask(client, timeout, service, actor, referral_id) -> list[dict] | None:
    try:
        return client.call(service, "list_audit", actor, referral_id, timeout=timeout)
    except RemoteError as exc:
        if status_for_remote(exc) == 404:
            return []  # that service has no record of this household
        log.warning("access trail: %s.list_audit failed: %s", service, exc)
    except RpcError as exc:
        log.warning("access trail: %s.list_audit unavailable: %s", service, exc)
    return None


def local_day(moment: str) -> date:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(AGENCY_TZ).date()


def filtered(
    entries: list[dict],
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    operator: str | None = None,
    service: str | None = None,
) -> list[dict]:
    """The entries in the period (days in Milan, both ends included), by that operator (actor
    subject), of that service; a filter left empty keeps everything."""
    return [
        e
        for e in entries
        if (date_from is None or local_day(e["at"]) >= date_from)
        and (date_to is None or local_day(e["at"]) <= date_to)
        and (not operator or e["actor_sub"] == operator)
        and (not service or e["service"] == service)
    ]


def operators(entries: list[dict]) -> list[str]:
    return sorted({e["actor_sub"] for e in entries})


CSV_COLUMNS = ("Data e ora", "Servizio", "Chi", "Ruolo", "Che cosa", "Dati", "Finalità")


def to_csv(entries: list[dict]) -> str:
    """The access report as CSV in the Italian convention, as the Fotografia's (``;`` between
    cells, UTF-8 with a BOM, dd/mm/yyyy hh:mm:ss in Milan), in words: who by name, what was
    done as the page says it."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        moment = datetime.fromisoformat(e["at"].replace("Z", "+00:00")).astimezone(AGENCY_TZ)
        writer.writerow(
            [
                _cell(v)
                for v in (
                    moment.strftime("%d/%m/%Y %H:%M:%S"),
                    SERVICES.get(e["service"], e["service"]),
                    actor_name(e["actor_sub"]),
                    ROLES.get(e["actor_role"], e["actor_role"]),
                    ACTIONS.get(e["action"], e["action"]),
                    e.get("data_set") or "",
                    e.get("purpose") or "",
                )
            ]
        )
    return out.getvalue()


def _cell(value) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
