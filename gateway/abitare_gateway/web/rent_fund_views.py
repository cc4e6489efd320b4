"""/fondi/bandi: the Fondo Affitto's windows (bandi) for coordinators: the list with each
window's state, budget and what the ranking funded, the form that opens one on a regulation,
and one window's page: its applications in ranking order with each one's grant, the steps
(close, rank, approve) and the payments of the approved applications. The funds service checks
and decides; a refusal is shown on the page in Italian and nothing changes."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for

from .. import agency_time, backend, fundswork, roles
from ..auth import login_required, web_actor
from ..errors import Problem
from ..i18n import N_, _
from ..money import AmountError, euro_to_cents
from . import bp
from .case_forms import REQUIRED_MESSAGE, FormState
from .case_rent_fund_views import ELIGIBILITY_WORDS, STATE_WORDS
from .commands import attempt
from .forms import parse_date

WINDOW_STATES = {
    "aperto": N_("Aperto"),
    "chiuso": N_("Chiuso: da mettere in graduatoria"),
    "graduatoria": N_("Graduatoria da approvare"),
    "approvato": N_("Approvato"),
}
RANK_WORDS = {
    "finanziabile": N_("Finanziabile"),
    "idonea_non_finanziata": N_("Idonea, non finanziata"),
    "esclusa": N_("Esclusa"),
}
STEPS = {  # the step a window's state offers: (step, button)
    "aperto": ("closure", N_("Chiudi il bando")),
    "chiuso": ("ranking", N_("Forma la graduatoria")),
    "graduatoria": ("approval", N_("Approva la graduatoria")),
}
DONE = {
    "closure": N_("Bando chiuso."),
    "ranking": N_("Graduatoria formata."),
    "approval": N_("Graduatoria approvata: le domande finanziate sono approvate."),
}


def _coordinator():
    actor = web_actor()
    if not roles.may(actor.role, roles.MANAGE_RENT_FUND):
        raise Problem(
            403,
            _("I bandi del Fondo Affitto sono gestiti dal coordinamento."),
            title=_("Accesso non consentito"),
            localized=True,
        )
    return actor


def _words() -> dict:
    return {
        "window_states": {k: _(v) for k, v in WINDOW_STATES.items()},
        "rank": {k: _(v) for k, v in RANK_WORDS.items()},
        "states": {k: _(v) for k, v in STATE_WORDS.items()},
        "eligibility": {k: _(v) for k, v in ELIGIBILITY_WORDS.items()},
        "steps": {k: (step, _(label)) for k, (step, label) in STEPS.items()},
    }


def _field(state: FormState, name: str) -> str:
    value = (request.form.get(name) or "").strip()
    state.values[name] = value
    if not value:
        state.error(name, _(REQUIRED_MESSAGE))
    return value


def window_payload(state: FormState) -> dict:
    data = {"regulation_id": _field(state, "regulation_id"), "title": _field(state, "title")}
    for name in ("opens_on", "closes_on"):
        if text := _field(state, name):
            try:
                data[name] = parse_date(text).isoformat()
            except ValueError as exc:
                state.error(name, str(exc))
    if text := _field(state, "budget_cents"):
        try:
            data["budget_cents"] = euro_to_cents(text)
        except AmountError as exc:
            state.error("budget_cents", str(exc))
    return data


@bp.route("/fondi/bandi", methods=["GET", "POST"])
@login_required
def rent_fund_windows():
    actor = _coordinator()
    state, status = FormState(), 200
    if request.method == "POST":
        data = window_payload(state)
        if state.errors:
            status = 422
        else:
            outcome = attempt(lambda: fundswork.open_window(actor, data), state)
            if outcome.ok:
                flash(_("Bando aperto."), "success")
                return redirect(url_for("web.rent_fund_window", window_id=outcome.result["id"]))
            status = outcome.status
    regulations = fundswork.list_regulations(actor)
    return render_template(
        "fondi/bandi.html",
        windows=fundswork.list_windows(actor),
        regulations=regulations,
        regulation_options=[(r["id"], f"{r['name']} (v. {r['version']})") for r in regulations],
        form=state,
        words=_words(),
    ), status


@bp.route("/fondi/bandi/<window_id>", methods=["GET", "POST"])
@login_required
def rent_fund_window(window_id):
    actor = _coordinator()
    state, status = FormState(), 200
    if request.method == "POST":
        posted = request.form.get("form")
        if posted in DONE:
            outcome = attempt(lambda: fundswork.window_step(actor, window_id, posted), state)
            if outcome.ok:
                flash(_(DONE[posted]), "success")
                return redirect(url_for("web.rent_fund_window", window_id=window_id))
            status = outcome.status
        elif posted == "payment":
            application_id = request.form.get("application_id", "")
            data = {
                "paid_on": None,
                "amount_cents": None,
                "idempotency_key": request.form.get("idempotency_key") or None,
            }
            try:
                data["amount_cents"] = euro_to_cents(_field(state, "amount_cents"))
                data["paid_on"] = parse_date(_field(state, "paid_on")).isoformat()
            except (AmountError, ValueError) as exc:
                state.error("_form", str(exc))
            if state.errors:
                status = 422
            else:
                outcome = attempt(
                    lambda: fundswork.record_payment(actor, application_id, data), state
                )
                if outcome.ok:
                    flash(_("Pagamento registrato."), "success")
                    return redirect(url_for("web.rent_fund_window", window_id=window_id))
                status = outcome.status
    window = fundswork.get_window(actor, window_id)
    return render_template(
        "fondi/bando.html",
        window=window,
        form=state,
        words=_words(),
        comuni=backend.comune_names(actor),
        today=agency_time.today(),
        page_key=uuid.uuid4().hex,  # each page's payment forms: a double click pays once
    ), status
