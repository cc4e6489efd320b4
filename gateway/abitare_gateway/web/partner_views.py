"""/partner: the partner network (the list, with the convention in force or why none is) and a
partner's page (its convention in force, what it receives and why, the history of versions) with,
for coordinators, the form to edit a convention and the one to suspend or resume it. Every
change is a new version recorded by the partners service, which checks it and audits it; a
convention changed by someone else meanwhile is refused (412) with the way to reload."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for

from .. import backend, labels, partner_network, roles, webhooks
from ..auth import login_required, web_actor
from ..i18n import N_, _
from . import bp
from .case_forms import FormState
from .commands import attempt
from .forms import parse_date

ISTAT = re.compile(r"^[0-9]{6}$")
COLUMN_WORDS = {
    "kind": N_("Tipo di accordo"),
    "title": N_("Oggetto"),
    "reference": N_("Estremi dell'atto"),
    "services": N_("Servizi offerti"),
    "comuni": N_("Comuni coperti"),
    "valid_from": N_("Valida dal"),
    "valid_to": N_("Valida fino al"),
    "response_days": N_("Giorni per rispondere a un invio"),
    "channels": N_("Canali di consegna"),
    "status": N_("Stato"),
    "status_reason": N_("Motivo dello stato"),
}


# the tables of the partners service's vocabulary (``get_vocabulary``) -> the gateway's labels
VOCABULARY_TABLES = {
    "partner_kinds": "partner_partner_kind",
    "convention_kinds": "partner_convention_kind",
    "statuses": "partner_convention_status",
    "channels": "partner_channel",
    "services": "partner_service",
    "event_types": "partner_event_type",
}


def _vocabulary(actor) -> dict:
    """The partners service's codes (which ones, and which fields each event type may grant, it
    decides) worded in the page's language from its contract file (:mod:`labels`); a code the
    file does not know yet keeps the service's Italian."""
    served = partner_network.get_vocabulary(actor)

    def worded(table: str, code: str, italian: str) -> str:
        return labels.label(table, code) if code in labels.TABLES[table] else _(italian)

    words = {
        name: {code: worded(VOCABULARY_TABLES[name], code, text) for code, text in table.items()}
        for name, table in served.items()
        if name in VOCABULARY_TABLES
    }
    words["fields"] = {
        event_type: {path: labels.partner_field(path) for path in fields}
        for event_type, fields in served.get("fields", {}).items()
    }
    return words


@bp.get("/partner")
@login_required
def partners():
    actor = web_actor()
    return render_template(
        "partner/list.html",
        partners=partner_network.list_partners(actor),
        disabled={e["partner_code"] for e in webhooks.disabled_alert(actor) or []},
        words=_vocabulary(actor),
        comuni=backend.comune_names(actor),
    )


def _partner_page(code, status=200, edit_form=None, status_form=None):
    actor = web_actor()
    partner = partner_network.get_partner(actor, code)
    words = _vocabulary(actor)
    comuni = backend.comune_names(actor)
    for convention in partner["conventions"]:
        for version in convention["versions"]:
            version["described_changes"] = [
                describe_change(change, words, comuni) for change in version["changes"]
            ]
    return render_template(
        "partner/detail.html",
        partner=partner,
        words=words,
        comuni=comuni,
        edits=roles.may(actor.role, roles.EDIT_CONVENTIONS),
        edit_forms=edit_form or {},
        status_forms=status_form or {},
        blank=FormState(),
    ), status


@bp.get("/partner/<code>")
@login_required
def partner_detail(code):
    return _partner_page(code)


@bp.post("/partner/<code>/convenzioni/<convention>/modifica")
@login_required
def partner_convention_edit(code, convention):
    actor = web_actor()
    current = _current(actor, code, convention)
    words = _vocabulary(actor)
    changes, state = convention_changes(request.form, current, words)
    status = 422
    if not state.errors:
        outcome = attempt(
            lambda: partner_network.edit_convention(
                actor, code, convention, _version(request.form), changes
            ),
            state,
        )
        if outcome.ok:
            version = outcome.result["version"]
            flash(_("Convenzione modificata: versione %(version)s.", version=version), "success")
            return redirect(url_for("web.partner_detail", code=code))
        status = outcome.status
    return _partner_page(code, status, edit_form={convention: state})


@bp.post("/partner/<code>/convenzioni/<convention>/stato")
@login_required
def partner_convention_status(code, convention):
    """Suspend or resume (the form says which, ``status``) the version the page showed."""
    actor = web_actor()
    state = FormState(values={"reason": (request.form.get("reason") or "").strip()})
    target = request.form.get("status")
    if target not in ("sospesa", "attiva"):
        state.error("_form", _("Ricarica la pagina e riprova."))
    if not state.values["reason"]:
        state.error("reason", _("Indica il motivo."))
    status = 422
    if not state.errors:
        outcome = attempt(
            lambda: partner_network.set_convention_status(
                actor, code, convention, _version(request.form), target, state.values["reason"]
            ),
            state,
        )
        if outcome.ok:
            flash(
                _("Convenzione sospesa.") if target == "sospesa" else _("Convenzione ripresa."),
                "success",
            )
            return redirect(url_for("web.partner_detail", code=code))
        status = outcome.status
    return _partner_page(code, status, status_form={convention: state})


def _current(actor, code: str, convention: str) -> dict:
    partner = partner_network.get_partner(actor, code)
    for found in partner["conventions"]:
        if found["code"] == convention:
            return found["current"]
    return {"status": "attiva", "grants": {}}  # the service answers 404 on the call itself


def _version(form) -> int:
    try:
        return int(form.get("expected_version") or 0)
    except ValueError:
        return 0


def convention_changes(form, current: dict, words: dict) -> tuple[dict, FormState]:
    """The columns the coordinator changed (those equal to the current version's are left out)
    and the form as posted with what is wrong with its shape; the partners service checks the
    rest (services, event types and fields, validity)."""
    state = FormState()
    posted: dict = {}
    for name in ("title", "reference", "kind"):
        state.values[name] = (form.get(name) or "").strip()
        posted[name] = state.values[name]
        if not posted[name]:
            state.error(name, _("Campo obbligatorio."))
    for name in ("valid_from", "valid_to"):
        state.values[name] = (form.get(name) or "").strip()
        posted[name] = None
        if state.values[name]:
            try:
                posted[name] = parse_date(state.values[name]).isoformat()
            except ValueError as exc:
                state.error(name, str(exc))
    if posted["valid_from"] is None and not state.errors.get("valid_from"):
        state.error("valid_from", _("Campo obbligatorio."))
    state.values["response_days"] = (form.get("response_days") or "").strip()
    try:
        posted["response_days"] = int(state.values["response_days"])
    except ValueError:
        state.error("response_days", _("Indica un numero di giorni."))
    state.values["comuni"] = (form.get("comuni") or "").strip()
    posted["comuni"] = [c for c in re.split(r"[\s,;]+", state.values["comuni"]) if c]
    wrong = [c for c in posted["comuni"] if not ISTAT.match(c)]
    if wrong:
        state.error(
            "comuni", _("Non sono codici ISTAT (6 cifre): %(codes)s.", codes=", ".join(wrong))
        )
    for name in ("services", "channels"):
        posted[name] = form.getlist(name)
        state.values[name] = posted[name]
    posted["grants"] = {}
    for event_type in words["event_types"]:
        key = grant_key(event_type)
        fields = [f for f in form.getlist(f"{key}-fields") if f in words["fields"][event_type]]
        purpose = (form.get(f"{key}-purpose") or "").strip()
        state.values[f"{key}-fields"], state.values[f"{key}-purpose"] = fields, purpose
        state.values[f"{key}-granted"] = bool(form.get(f"{key}-granted"))
        if state.values[f"{key}-granted"]:
            posted["grants"][event_type] = {"fields": fields, "purpose": purpose}
            if not fields:
                state.error(f"{key}-fields", _("Scegli almeno un dato."))
            if not purpose:
                state.error(f"{key}-purpose", _("Indica la finalità."))
    return _changed(posted, current), state


def _changed(posted: dict, current: dict) -> dict:
    """Only what differs from ``current`` (lists compared as sets, so an unchanged list in
    another order is no change)."""
    changes = {}
    for name, value in posted.items():
        before = current.get(name)
        if name == "grants":
            same = set(value) == set(before or {}) and all(
                set(g["fields"]) == set(before[t]["fields"])
                and g["purpose"] == before[t]["purpose"]
                for t, g in value.items()
            )
        elif isinstance(value, list):
            same = set(value) == set(before or [])
        else:
            same = value == before
        if not same:
            changes[name] = value
    return changes


@bp.app_template_global()
def grant_key(event_type: str) -> str:
    """The form ids of an event type's grant: ``intake.case_opened.v1`` ->
    ``grant-intake-case_opened-v1``."""
    return "grant-" + event_type.replace(".", "-")


def describe_change(change: dict, words: dict, comuni: dict) -> dict:
    """``{"what", "before", "after"}`` in words for one change of the history."""
    column = change["column"]
    if column.startswith("grants."):
        event_type = column.removeprefix("grants.")
        fields = words["fields"].get(event_type, {})

        def grant(value):
            if not value:
                return _("non ricevuto")
            named = ", ".join(fields.get(f, f) for f in value["fields"])
            return _("%(fields)s (finalità: %(purpose)s)", fields=named, purpose=value["purpose"])

        label = words["event_types"].get(event_type, event_type)
        return {
            "what": _("Dati ricevuti: %(event)s", event=label),
            "before": grant(change["before"]),
            "after": grant(change["after"]),
        }
    tables = {
        "kind": words["convention_kinds"],
        "services": words["services"],
        "channels": words["channels"],
        "status": words["statuses"],
        "comuni": comuni,
    }

    def value_words(value):
        if value is None or value == "":
            return "—"
        if column == "comuni" and not value:
            return _("tutti i comuni dell'agenzia")
        if isinstance(value, list):
            return ", ".join(tables.get(column, {}).get(v, v) for v in value) or "—"
        if column in ("valid_from", "valid_to"):
            return "/".join(reversed(str(value).split("-")))
        return str(tables.get(column, {}).get(value, value))

    return {
        "what": _(COLUMN_WORDS[column]) if column in COLUMN_WORDS else column,
        "before": value_words(change["before"]),
        "after": value_words(change["after"]),
    }
