"""/partner/<code>/consegne, "Consegne al partner" (coordinators): the partner's webhook
endpoints (register, rotate the secret, enable again) and each one's delivery log, failures
highlighted; a banner when an endpoint was disabled (410 Gone or a run of failures). The
partners service's codes (why disabled, each attempt's outcome and error) are worded by
:mod:`labels`.

A new secret is shown once, in the answer to the POST that made it (never stored, never
redirected to): that answer is ``Cache-Control: no-store``. Partners decides everything."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from .. import webhooks
from ..auth import current_operator, login_required, web_actor
from ..errors import Problem
from ..i18n import N_, _
from ..rpc import RemoteError
from . import bp, pager
from .case_forms import FormState
from .commands import attempt

LOG_PAGE_SIZE = 20


def _coordinator():
    if current_operator().role != "coordinator":
        raise Problem(
            403,
            N_("Le consegne ai partner sono gestite dal coordinamento."),
            title=N_("Accesso negato"),
            localized=True,
        )
    return web_actor()


def _page(code: str, form: FormState | None = None, secret: dict | None = None, status=200):
    actor = web_actor()
    endpoints = webhooks.list_webhooks(actor, code)
    chosen = request.args.get("webhook") or (endpoints[0]["id"] if endpoints else None)
    page = request.args.get("pagina", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    log = None
    if chosen and any(e["id"] == chosen for e in endpoints):
        log = webhooks.deliveries(actor, code, chosen, page, LOG_PAGE_SIZE)
        log["pager"] = pager(
            log["total"],
            LOG_PAGE_SIZE,
            page,
            lambda n: url_for("web.partner_deliveries", code=code, webhook=chosen, pagina=n),
        )
    response = render_template(
        "partner/consegne.html",
        code=code,
        endpoints=endpoints,
        log=log,
        form=form or FormState(values={"url": ""}),
        secret=secret,
    )
    headers = {"Cache-Control": "no-store"} if secret else {}
    return response, status, headers


@bp.get("/partner/<code>/consegne")
@login_required
def partner_deliveries(code):
    _coordinator()
    return _page(code.upper())


@bp.post("/partner/<code>/consegne/webhook")
@login_required
def partner_webhook_register(code):
    actor, code = _coordinator(), code.upper()
    url = (request.form.get("url") or "").strip()
    state = FormState(values={"url": url})
    if not url:
        state.error("url", _("Campo obbligatorio."))
        return _page(code, state, status=422)
    outcome = attempt(lambda: webhooks.register_webhook(actor, code, url), state)
    if not outcome.ok:
        return _page(code, state, status=outcome.status)
    return _page(code, secret={"endpoint": outcome.result, "created": True})


@bp.post("/partner/<code>/consegne/webhook/<endpoint_id>/segreto")
@login_required
def partner_webhook_rotate(code, endpoint_id):
    actor, code = _coordinator(), code.upper()
    rotated = webhooks.rotate_secret(actor, code, endpoint_id)
    return _page(code, secret={"endpoint": rotated, "created": False})


@bp.post("/partner/<code>/consegne/webhook/<endpoint_id>/riattiva")
@login_required
def partner_webhook_enable(code, endpoint_id):
    actor, code = _coordinator(), code.upper()
    webhooks.enable_webhook(actor, code, endpoint_id)
    flash(_("Webhook riattivato: i messaggi in attesa vengono inviati ora."), "success")
    return redirect(url_for("web.partner_deliveries", code=code, webhook=endpoint_id))


@bp.post("/partner/<code>/consegne/webhook/<endpoint_id>/reinvia")
@login_required
def partner_webhook_replay(code, endpoint_id):
    actor, code = _coordinator(), code.upper()
    event_id = (request.form.get("event_id") or "").strip()
    try:
        done = webhooks.replay(actor, code, endpoint_id, {"event_ids": [event_id]})
    except RemoteError:
        flash(_("Reinvio non riuscito: l'evento indicato non è valido."), "danger")
    else:
        replayed = done["replayed"]
        flash(
            _("Reinvio programmato (%(n)s messaggio, stesso identificativo).", n=replayed),
            "success",
        )
    return redirect(url_for("web.partner_deliveries", code=code, webhook=endpoint_id))
