"""The case page (/schede/<id>) and its tabs, each a page of its own (plain links: keyboard and
screen-reader friendly, no JavaScript, and each tab reads only what it shows, so intake's audit
says what was looked at): Scheda, Triage, Diario, Colloquio congiunto, Valutazione, Progetto,
Chiusura, Accessi (web/access_views.py), and Cronologia, the household's timeline across the
services. This module: the layout, Scheda, Cronologia, Triage (with the assignment) and
Chiusura."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from .. import assignees, casework, labels, overview, roles, timeline
from ..auth import login_required, web_actor
from ..i18n import N_, _
from ..rpc import RemoteError, RpcError
from . import bp, case_forms
from .case_forms import FormState
from .commands import attempt

TABS = (
    ("scheda", N_("Scheda"), "web.referral_detail"),
    ("cronologia", N_("Cronologia"), "web.case_timeline"),
    ("triage", N_("Triage"), "web.case_triage"),
    ("diario", N_("Diario"), "web.case_diary"),
    ("colloquio", N_("Colloquio congiunto"), "web.case_interview"),
    ("valutazione", N_("Valutazione"), "web.case_assessment"),
    ("progetto", N_("Progetto"), "web.case_project"),
    ("partner", N_("Invii ai partner"), "web.case_partners"),
    ("fondi", N_("Fondi"), "web.case_funds"),
    ("chiusura", N_("Chiusura"), "web.case_closure"),
    ("accessi", N_("Accessi"), "web.case_access"),  # coordinators only (see _layout.html)
)


def render_case(
    template: str, case: dict | None, referral_id: str, tab: str, status: int = 200, **context
):
    return render_template(
        template,
        case=case,
        referral_id=referral_id,
        tab=tab,
        tabs=TABS,
        **context,
    ), status


@bp.get("/schede/<referral_id>")
@login_required
def referral_detail(referral_id):
    """The Scheda tab: the case file and the four services' sections."""
    data = overview.referral_overview(web_actor(), referral_id, fetch=casework.get_case)
    case = data["referral"]["data"]
    return render_case(
        "cases/scheda.html", case, referral_id, "scheda", overview=data, referral=case
    )


@bp.get("/schede/<referral_id>/cronologia")
@login_required
def case_timeline(referral_id):
    """The Cronologia tab: everything that happened to the household, from every service. A
    referral intake does not show this operator is a 404; a service that is away is a gap."""
    actor = web_actor()
    try:
        case = casework.get_case(actor, referral_id)
    except RemoteError:
        raise
    except RpcError:
        case = None  # intake is away: the timeline says so, the other services still answer
    return render_case(
        "cases/cronologia.html",
        case,
        referral_id,
        "cronologia",
        timeline=timeline.household_timeline(actor, referral_id),
    )


# -- triage and assignment ------------------------------------------------------------------------
def _operator_options(actor, case: dict) -> list[tuple[str, str]]:
    """The operators who could take the case, shown to coordinators only (they assign)."""
    return (
        assignees.options(case.get("comune_istat")) if roles.may(actor.role, roles.ASSIGN) else []
    )


@bp.route("/schede/<referral_id>/triage", methods=["GET", "POST"])
@login_required
def case_triage(referral_id):
    actor = web_actor()
    state, status = FormState(), 200
    if request.method == "POST":
        payload, state = case_forms.triage(request.form)
        if not state.errors:
            outcome = attempt(lambda: casework.triage_referral(actor, referral_id, payload), state)
            if outcome.ok:
                flash(
                    _(
                        "Esito del triage registrato: %(outcome)s.",
                        outcome=labels.label("triage_outcome", payload["outcome"]),
                    ),
                    "success",
                )
                return redirect(url_for("web.case_triage", referral_id=referral_id))
            status = outcome.status
        else:
            status = 422
    case = casework.get_case(actor, referral_id)
    return render_case(
        "cases/triage.html",
        case,
        referral_id,
        "triage",
        status,
        form=state,
        operators=_operator_options(actor, case),
        assign_form=FormState(),
    )


@bp.post("/schede/<referral_id>/assegnazione")
@login_required
def case_assign(referral_id):
    actor = web_actor()
    state = FormState(values={"operator_sub": (request.form.get("operator_sub") or "").strip()})
    if not state.values["operator_sub"]:
        state.error("operator_sub", case_forms.REQUIRED_MESSAGE)
        status = 422
    else:
        assignee = assignees.assignee(state.values["operator_sub"])
        outcome = attempt(lambda: casework.assign_case(actor, referral_id, assignee), state)
        if outcome.ok:
            flash(_("Scheda assegnata."), "success")
            return redirect(url_for("web.case_triage", referral_id=referral_id))
        status = outcome.status
    case = casework.get_case(actor, referral_id)
    return render_case(
        "cases/triage.html",
        case,
        referral_id,
        "triage",
        status,
        form=FormState(),
        operators=_operator_options(actor, case),
        assign_form=state,
    )


# -- closure and reopening ------------------------------------------------------------------------
@bp.route("/schede/<referral_id>/chiusura", methods=["GET", "POST"])
@login_required
def case_closure(referral_id):
    actor = web_actor()
    state, status = FormState(), 200
    if request.method == "POST":
        payload, state = case_forms.closure(request.form)
        status = 422
        if not state.errors:
            outcome = attempt(lambda: casework.close_case(actor, referral_id, payload), state)
            if outcome.ok:
                flash("Presa in carico chiusa.", "success")
                return redirect(url_for("web.case_closure", referral_id=referral_id))
            status = outcome.status
    case = casework.get_case(actor, referral_id)
    return render_case(
        "cases/chiusura.html",
        case,
        referral_id,
        "chiusura",
        status,
        form=state,
        reopen_form=FormState(),
        hold_form=FormState(),
    )


@bp.post("/schede/<referral_id>/blocco-legale")
@login_required
def case_legal_hold(referral_id):
    """Put (``action=metti``, with a reason) or lift (``action=togli``) the legal hold that stops
    the pseudonymisation of a closed case (coordinators; intake refuses anyone else)."""
    actor = web_actor()
    lift = request.form.get("action") == "togli"
    reason = (request.form.get("reason") or "").strip()
    state = FormState(values={"reason": reason})
    status = 422
    if not lift and not reason:
        state.error("reason", case_forms.REQUIRED_MESSAGE)
    else:
        outcome = attempt(
            lambda: (
                casework.lift_legal_hold(actor, referral_id)
                if lift
                else casework.set_legal_hold(actor, referral_id, reason)
            ),
            state,
        )
        if outcome.ok:
            flash(_("Blocco legale tolto.") if lift else _("Blocco legale registrato."), "success")
            return redirect(url_for("web.case_closure", referral_id=referral_id))
        status = outcome.status
    case = casework.get_case(actor, referral_id)
    return render_case(
        "cases/chiusura.html",
        case,
        referral_id,
        "chiusura",
        status,
        form=FormState(),
        reopen_form=FormState(),
        hold_form=state,
    )


@bp.post("/schede/<referral_id>/riapertura")
@login_required
def case_reopen(referral_id):
    actor = web_actor()
    reason, state = case_forms.reopening(request.form)
    status = 422
    if not state.errors:
        outcome = attempt(lambda: casework.reopen_case(actor, referral_id, reason), state)
        if outcome.ok:
            flash("Presa in carico riaperta.", "success")
            return redirect(url_for("web.case_closure", referral_id=referral_id))
        status = outcome.status
    case = casework.get_case(actor, referral_id)
    return render_case(
        "cases/chiusura.html",
        case,
        referral_id,
        "chiusura",
        status,
        form=FormState(),
        reopen_form=state,
        hold_form=FormState(),
    )
