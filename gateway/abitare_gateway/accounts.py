"""Who may manage which account, from the accounts page ("Utenti e accessi").

A coordinator manages the accounts of the comuni they coordinate: an account is theirs when all
its comuni are among the coordinator's (an account of Milano, or one spanning Milano and San
Giuliano, is not). Outside that scope an account does not exist for them (404, never 403).
A coordinator grants only the roles in :data:`GRANTABLE_ROLES` and acts only on accounts holding
such a role: other coordinators are listed, not managed (the first coordinator is made with
``abitare-gateway create-operator``). Every action is audited by the identity store, in the
same transaction as the change.
"""

from __future__ import annotations

import secrets

from flask import g

from abitare_chassis.actor import AGENCY_OPERATOR, COMUNE_OPERATOR, COORDINATOR

from .auth import identity
from .errors import Problem
from .i18n import N_, _
from .identity import ApiClient, AuditEntry, AuditRecord, IdentityStore, Operator

GRANTABLE_ROLES: dict[str, tuple[str, ...]] = {COORDINATOR: (AGENCY_OPERATOR, COMUNE_OPERATOR)}
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed once
ACTION_TEXT = {
    "operator_created": N_("Operatore creato"),
    "operator_updated": N_("Operatore aggiornato"),
    "operator_password_set": N_("Password impostata"),
    "operator_password_reset": N_("Password reimpostata"),
    "own_password_changed": N_("Password cambiata dall'operatore"),
    "operator_deactivated": N_("Operatore disattivato"),
    "operator_reactivated": N_("Operatore riattivato"),
    "client_created": N_("Sistema creato"),
    "client_updated": N_("Sistema aggiornato"),
    "client_secret_rotated": N_("Nuovo segreto del sistema"),
    "client_deactivated": N_("Sistema disattivato"),
    "client_reactivated": N_("Sistema riattivato"),
}
NOT_FOUND = N_("L'utente cercato non esiste oppure non è gestito da te.")


def grantable(manager: Operator) -> tuple[str, ...]:
    return GRANTABLE_ROLES.get(manager.role, ())


def within(manager: Operator, comuni) -> bool:
    return bool(comuni) and set(comuni) <= set(manager.comuni)


def may_manage(manager: Operator, operator: Operator) -> bool:
    return operator.username != manager.username and operator.role in grantable(manager)


def audit(manager: Operator, action: str) -> AuditEntry:
    return AuditEntry(actor=f"operator:{manager.username}", action=action)


def temporary_password() -> str:
    """16 letters and digits in groups of four: ``k7pq-…``; replaced at the first login."""
    raw = "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def client_secret() -> str:
    return secrets.token_urlsafe(32)


def operators(store: IdentityStore, manager: Operator) -> list[Operator]:
    return [o for o in store.list_operators() if within(manager, o.comuni)]


def clients(store: IdentityStore, manager: Operator) -> list[ApiClient]:
    return [c for c in store.list_clients() if within(manager, c.comuni)]


def operator_in_scope(
    store: IdentityStore, manager: Operator, username: str, manage: bool = True
) -> Operator:
    operator = store.get_operator(username, include_inactive=True)
    if operator is None or not within(manager, operator.comuni):
        raise Problem(404, NOT_FOUND, title=_("Utente non trovato"), localized=True)
    if manage and not may_manage(manager, operator):
        raise Problem(
            403,
            _(
                "Non puoi modificare questo utente: il coordinamento gestisce "
                "gli operatori, non gli altri coordinatori né sé stesso."
            ),
            title=_("Accesso negato"),
            localized=True,
        )
    return operator


def client_in_scope(store: IdentityStore, manager: Operator, client_id: str) -> ApiClient:
    client = store.get_client(client_id, include_inactive=True)
    if client is None or not within(manager, client.comuni):
        raise Problem(404, NOT_FOUND, title=_("Sistema non trovato"), localized=True)
    return client


def history(store: IdentityStore, manager: Operator, limit: int = 30) -> list[AuditRecord]:
    """The latest account actions on accounts of the manager's comuni."""
    return [r for r in store.audit_records(limit=500) if within(manager, r.comuni)][:limit]


# The services, when a history names one as the actor (``service:funds``).
SERVICE_NAMES = {
    "funds": N_("Servizio fondi"),
    "housing_stock": N_("Servizio patrimonio abitativo"),
    "partners": N_("Servizio partner"),
    "intake": N_("Servizio schede"),
}


def actor_name(sub, fallback: str | None = None) -> str:
    """The name people know an actor by, for every history a page shows: an operator's display
    name (``operator:coordinatrice`` -> ``Maria Bianchi``), a comune's system by its name, the
    software as "Sistema", a service by its name. An account the store no longer knows shows
    ``fallback`` or its user name; nothing shows as ``fallback`` or ``—``. The accounts are read
    once per request."""
    if not sub:
        return fallback or "—"
    kind, _sep, name = str(sub).partition(":")
    if kind == "system":
        return _("Sistema")
    if kind == "service":
        return SERVICE_NAMES.get(name) or str(sub)
    names = g.get("actor_names")
    if names is None:
        store = identity()
        names = {f"operator:{o.username}": o.display_name for o in store.list_operators()}
        clients = store.list_clients()
        names.update({f"client:{c.client_id}": c.name for c in clients})
        names.update({f"partner:{c.partner_code}": c.name for c in clients if c.partner_code})
        g.actor_names = names
    return names.get(str(sub)) or fallback or name or str(sub)
