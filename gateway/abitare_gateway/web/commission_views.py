"""/commissione: the meetings, a meeting with its agenda of proposals, the decisions and the
minutes. A household is put on the agenda by finding it (name or codice fiscale) and picking it
from the list, no identifier to type. Intake lets only coordinators run it; others get the 403
page, which says so."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from .. import casework
from ..auth import login_required, web_actor
from ..i18n import _
from ..rpc import RemoteError
from . import bp, case_forms
from .case_forms import FormState
from .commands import attempt

SEARCH_LIMIT = 100  # characters of a name or codice fiscale typed to find a household


@bp.route("/commissione", methods=["GET", "POST"])
@login_required
def commission():
    actor = web_actor()
    state, status = FormState(), 200
    if request.method == "POST":
        payload, state = case_forms.meeting(request.form)
        status = 422
        if not state.errors:
            outcome = attempt(lambda: casework.create_meeting(actor, payload), state)
            if outcome.ok:
                flash(_("Seduta della Commissione convocata."), "success")
                return redirect(url_for("web.commission_meeting", meeting_id=outcome.result["id"]))
            status = outcome.status
    meetings = casework.list_meetings(actor)  # intake's refusal: the 403 page, with the way back
    return render_template("commissione/list.html", meetings=meetings, form=state), status


def _meeting_page(
    meeting_id, status=200, proposal_form=None, minutes_form=None, decision_forms=None
):
    """The meeting; while it is open, the households that may go on its agenda: those found by
    what the coordinator typed (``cerca``), else those whose project waits for validation."""
    actor = web_actor()
    meeting = casework.get_meeting(actor, meeting_id)
    minutes_form = minutes_form or FormState(values={"text": meeting.get("minutes") or ""})
    search = (request.values.get("cerca") or "").strip()[:SEARCH_LIMIT]
    candidates = None
    if not meeting.get("closed"):
        candidates = casework.agenda_candidates(actor, meeting_id, search)
    return render_template(
        "commissione/meeting.html",
        meeting=meeting,
        proposal_form=proposal_form or FormState(),
        minutes_form=minutes_form,
        decision_forms=decision_forms or {},
        search=search,
        candidates=candidates,
    ), status


@bp.get("/commissione/<meeting_id>")
@login_required
def commission_meeting(meeting_id):
    return _meeting_page(meeting_id)


@bp.post("/commissione/<meeting_id>/proposte")
@login_required
def commission_proposal(meeting_id):
    payload, state = case_forms.proposal(request.form)
    status = 422
    if not state.errors:
        try:
            outcome = attempt(
                lambda: casework.add_proposal(web_actor(), meeting_id, payload), state
            )
        except RemoteError as exc:
            if exc.code != "referral_not_found":
                raise
            state.error("referral_id", _("Nucleo non trovato o non visibile con il tuo profilo."))
        else:
            if outcome.ok:
                flash(_("Proposta aggiunta all'ordine del giorno."), "success")
                return redirect(url_for("web.commission_meeting", meeting_id=meeting_id))
            status = outcome.status
    return _meeting_page(meeting_id, status, proposal_form=state)


@bp.post("/commissione/<meeting_id>/proposte/<proposal_id>/decisione")
@login_required
def commission_decision(meeting_id, proposal_id):
    payload, state = case_forms.decision(request.form)
    status = 422
    if not state.errors:
        outcome = attempt(
            lambda: casework.decide_proposal(web_actor(), proposal_id, payload), state
        )
        if outcome.ok:
            flash(_("Decisione registrata."), "success")
            return redirect(url_for("web.commission_meeting", meeting_id=meeting_id))
        status = outcome.status
    return _meeting_page(meeting_id, status, decision_forms={proposal_id: state})


@bp.post("/commissione/<meeting_id>/verbale")
@login_required
def commission_minutes(meeting_id):
    text, state = case_forms.minutes(request.form)
    status = 422
    if not state.errors:
        outcome = attempt(lambda: casework.record_minutes(web_actor(), meeting_id, text), state)
        if outcome.ok:
            flash(_("Verbale salvato."), "success")
            return redirect(url_for("web.commission_meeting", meeting_id=meeting_id))
        status = outcome.status
    return _meeting_page(meeting_id, status, minutes_form=state)
