"""/utenti, "Utenti e accessi" (coordinators): the operators and API clients of the comuni the
coordinator coordinates; create, deactivate and reactivate, reset a password, rotate a client
secret. The rules of who may manage whom: :mod:`abitare_gateway.accounts`. A partner's system is
an API client with the partner chosen from the partners service's list (kind ``partner``).

A temporary password or a new secret is shown once, in the answer to the POST that made it
(never stored in the session, never redirected to): the page is ``Cache-Control: no-store``.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from .. import accounts, backend, labels
from ..auth import coordinator_required, current_operator, identity, throttle, web_actor
from ..errors import Problem
from ..i18n import _
from ..identity import CLIENT_ID, USERNAME, AccountExists
from ..throttle import account_key
from . import bp
from .case_forms import FormState

NAME_LIMIT = 200


def _comune_names() -> dict[str, str]:
    names = backend.comune_names(web_actor())
    return {code: names.get(code, code) for code in current_operator().comuni}


@bp.get("/utenti")
@coordinator_required
def accounts_page():
    manager = current_operator()
    store = identity()
    return render_template(
        "admin/accounts.html",
        operators=accounts.operators(store, manager),
        clients=accounts.clients(store, manager),
        history=accounts.history(store, manager),
        names=_comune_names(),
        actions=accounts.ACTION_TEXT,
        may_manage=lambda o: accounts.may_manage(manager, o),
    )


# -- operators ------------------------------------------------------------------------------------
def _account_form(kind: str) -> tuple[dict, FormState]:
    """The fields of a new account: its name, display name, comuni (and role, or partner)."""
    manager = current_operator()
    form, state = request.form, FormState()
    name = (form.get("account_id") or "").strip()
    pattern, hint = (
        (USERNAME, _("2-63 lettere minuscole, cifre, «.», «_» o «-»"))
        if kind == "operator"
        else (CLIENT_ID, "2-63 lettere, cifre, «.», «_» o «-»")
    )
    if kind == "operator":
        name = name.lower()
    display = (form.get("display_name") or "").strip()
    role = form.get("role") or ""
    partner = form.get("partner") or ""
    comuni = sorted(set(form.getlist("comuni")))
    state.values = {
        "account_id": name,
        "display_name": display,
        "role": role,
        "partner": partner,
        "comuni": comuni,
    }
    if not name:
        state.error("account_id", _("Campo obbligatorio."))
    elif not pattern.match(name):
        state.error("account_id", _("Formato non valido: %(hint)s.", hint=_(hint)))
    if not display:
        state.error("display_name", _("Campo obbligatorio."))
    elif len(display) > NAME_LIMIT:
        state.error("display_name", _("Al massimo %(n)s caratteri.", n=NAME_LIMIT))
    if kind == "operator" and role not in accounts.grantable(manager):
        state.error("role", _("Seleziona un ruolo dall'elenco."))
    if kind == "partner" and partner not in dict(backend.partner_choices(web_actor())):
        state.error("partner", _("Seleziona un partner dall'elenco."))
    if not comuni:
        state.error("comuni", _("Seleziona almeno un comune."))
    elif not accounts.within(manager, comuni):
        state.error("comuni", _("Puoi indicare solo i comuni che coordini."))
    data = {"name": name, "display": display, "role": role, "comuni": comuni, "partner": partner}
    return data, state


def _new_account_page(kind: str, state: FormState, status: int = 200):
    manager = current_operator()
    return render_template(
        "admin/new_account.html",
        kind=kind,
        form=state,
        names=_comune_names(),
        roles=[(role, labels.label("role", role)) for role in accounts.grantable(manager)],
        partners=backend.partner_choices(web_actor()) if kind == "partner" else [],
    ), status


def _secret_page(kind: str, account, secret: str, created: bool):
    return render_template(
        "admin/secret.html", kind=kind, account=account, secret=secret, created=created
    )


@bp.route("/utenti/operatori/nuovo", methods=["GET", "POST"])
@coordinator_required
def account_operator_new():
    if request.method == "GET":
        return _new_account_page("operator", FormState(values={"comuni": []}))
    data, state = _account_form("operator")
    if state.errors:
        return _new_account_page("operator", state, 422)
    password = accounts.temporary_password()
    try:
        operator = identity().create_operator(
            data["name"],
            password,
            data["display"],
            data["role"],
            data["comuni"],
            audit=accounts.audit(current_operator(), "operator_created"),
        )
    except AccountExists:
        state.error("account_id", _("Questo nome utente è già in uso: scegline un altro."))
        return _new_account_page("operator", state, 409)
    return _secret_page("operator", operator, password, created=True)


@bp.post("/utenti/operatori/<username>/password")
@coordinator_required
def account_operator_reset(username):
    manager = current_operator()
    operator = accounts.operator_in_scope(identity(), manager, username)
    password = accounts.temporary_password()
    operator = identity().reset_password(
        operator.username, password, audit=accounts.audit(manager, "operator_password_reset")
    )
    throttle().forget(account_key("operator", operator.username))
    return _secret_page("operator", operator, password, created=False)


@bp.post("/utenti/operatori/<username>/stato")
@coordinator_required
def account_operator_active(username):
    manager = current_operator()
    operator = accounts.operator_in_scope(identity(), manager, username)
    active = _wanted_state()
    identity().set_operator_active(
        operator.username,
        active,
        audit=accounts.audit(manager, "operator_reactivated" if active else "operator_deactivated"),
    )
    flash(
        f"{operator.display_name} ({operator.username}): "
        + (
            _("utente riattivato.")
            if active
            else _("utente disattivato, le sue sessioni sono state chiuse.")
        ),
        "success",
    )
    return redirect(url_for("web.accounts_page"))


# -- API clients ----------------------------------------------------------------------------------
@bp.route("/utenti/sistemi/nuovo", methods=["GET", "POST"])
@coordinator_required
def account_client_new():
    return _new_client("client", FormState(values={"comuni": []}))


@bp.route("/utenti/partner/nuovo", methods=["GET", "POST"])
@coordinator_required
def account_partner_new():
    # a partner's system serves the whole agency: every comune the coordinator has, preselected
    return _new_client("partner", FormState(values={"comuni": list(current_operator().comuni)}))


def _new_client(kind: str, blank: FormState):
    """A comune's system (``client``) or a partner's (``partner``); its secret shown once."""
    if request.method == "GET":
        return _new_account_page(kind, blank)
    data, state = _account_form(kind)
    if state.errors:
        return _new_account_page(kind, state, 422)
    secret = accounts.client_secret()
    try:
        client = identity().create_client(
            data["name"],
            secret,
            data["display"],
            data["comuni"],
            audit=accounts.audit(current_operator(), "client_created"),
            partner_code=data["partner"] if kind == "partner" else None,
        )
    except AccountExists:
        state.error("account_id", _("Questo identificativo è già in uso: scegline un altro."))
        return _new_account_page(kind, state, 409)
    return _secret_page("client", client, secret, created=True)


@bp.post("/utenti/sistemi/<client_id>/segreto")
@coordinator_required
def account_client_rotate(client_id):
    manager = current_operator()
    client = accounts.client_in_scope(identity(), manager, client_id)
    secret = accounts.client_secret()
    client = identity().rotate_client_secret(
        client.client_id, secret, audit=accounts.audit(manager, "client_secret_rotated")
    )
    throttle().forget(account_key("client", client.client_id))
    return _secret_page("client", client, secret, created=False)


@bp.post("/utenti/sistemi/<client_id>/stato")
@coordinator_required
def account_client_active(client_id):
    manager = current_operator()
    client = accounts.client_in_scope(identity(), manager, client_id)
    active = _wanted_state()
    identity().set_client_active(
        client.client_id,
        active,
        audit=accounts.audit(manager, "client_reactivated" if active else "client_deactivated"),
    )
    flash(
        f"{client.name} ({client.client_id}): "
        + (
            _("sistema riattivato.")
            if active
            else _("sistema disattivato, i suoi token non valgono più.")
        ),
        "success",
    )
    return redirect(url_for("web.accounts_page"))


def _wanted_state() -> bool:
    """``stato=attiva`` or ``stato=disattiva`` (the button pressed)."""
    value = request.form.get("stato", "")
    if value not in ("attiva", "disattiva"):
        raise Problem(
            400, _("Operazione non riconosciuta."), title=_("Richiesta non valida"), localized=True
        )
    return value == "attiva"
