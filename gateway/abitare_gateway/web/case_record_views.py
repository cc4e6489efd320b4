"""The case tabs that keep records: Diario, Colloquio congiunto, Valutazione, Progetto."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from .. import backend, casework, labels
from ..auth import login_required, web_actor
from ..i18n import _
from . import bp, case_forms
from .case_forms import FormState
from .case_views import render_case
from .commands import attempt

JOINT_INTERVIEW = "colloquio_congiunto"


def _post(parse, command, success: str, endpoint: str, referral_id: str):
    """Parse the form, run the command; ``(redirect, None, None)`` on success, else
    ``(None, state, status)`` to show the form again."""
    payload, state = parse(request.form)
    if state.errors:
        return None, state, 422
    outcome = attempt(lambda: command(payload), state)
    if not outcome.ok:
        return None, state, outcome.status
    flash(success, "success")
    return redirect(url_for(endpoint, referral_id=referral_id)), None, None


# -- diary ----------------------------------------------------------------------------------------
@bp.route("/schede/<referral_id>/diario", methods=["GET", "POST"])
@login_required
def case_diary(referral_id):
    actor = web_actor()
    state, status = FormState(values={"kind": "colloquio"}), 200
    if request.method == "POST":
        done, state, status = _post(
            case_forms.diary_entry,
            lambda payload: casework.add_diary_entry(actor, referral_id, payload),
            _("Annotazione aggiunta al diario."),
            "web.case_diary",
            referral_id,
        )
        if done:
            return done
    case = casework.get_case(actor, referral_id)
    entries = casework.list_diary(actor, referral_id)
    return render_case(
        "cases/diario.html",
        case,
        referral_id,
        "diario",
        status,
        form=state,
        entries=sorted(entries, key=lambda e: str(e.get("occurred_at") or ""), reverse=True),
    )


# -- joint interview ------------------------------------------------------------------------------
@bp.route("/schede/<referral_id>/colloquio", methods=["GET", "POST"])
@login_required
def case_interview(referral_id):
    actor = web_actor()
    state, status = FormState(), 200
    if request.method == "POST":
        done, state, status = _post(
            case_forms.interview,
            lambda payload: casework.schedule_interview(actor, referral_id, payload),
            _("Colloquio congiunto fissato."),
            "web.case_interview",
            referral_id,
        )
        if done:
            return done
    case = casework.get_case(actor, referral_id)
    interviews = [
        entry
        for entry in casework.list_diary(actor, referral_id)
        if entry.get("kind") == JOINT_INTERVIEW
    ]
    return render_case(
        "cases/colloquio.html",
        case,
        referral_id,
        "colloquio",
        status,
        form=state,
        interviews=interviews,
    )


# -- assessment -----------------------------------------------------------------------------------
@bp.route("/schede/<referral_id>/valutazione", methods=["GET", "POST"])
@login_required
def case_assessment(referral_id):
    actor = web_actor()
    state, status = None, 200
    if request.method == "POST":
        done, state, status = _post(
            case_forms.assessment,
            lambda payload: casework.record_assessment(actor, referral_id, payload),
            _("Valutazione registrata."),
            "web.case_assessment",
            referral_id,
        )
        if done:
            return done
    case = casework.get_case(actor, referral_id)
    history = casework.list_assessments(actor, referral_id)
    history = sorted(history, key=lambda a: str(a.get("at") or ""), reverse=True)
    if state is None:
        state = FormState(values=case_forms.assessment_values(history[0] if history else None))
    return render_case(
        "cases/valutazione.html",
        case,
        referral_id,
        "valutazione",
        status,
        form=state,
        history=history,
        latest=history[0] if history else None,
        indicators=labels.choices("indicator"),
    )


# -- the project ----------------------------------------------------------------------------------
@bp.route("/schede/<referral_id>/progetto", methods=["GET", "POST"])
@login_required
def case_project(referral_id):
    actor = web_actor()
    state, status, current = None, 200, None
    if request.method == "POST":
        version, payload, state = case_forms.project(request.form)
        adding = request.form.get("action") == "add-action"
        if not adding and not state.errors:
            outcome = attempt(
                lambda: casework.save_project(actor, referral_id, version, payload), state
            )
            if outcome.ok:
                flash(f"Progetto salvato (versione {outcome.result.get('version')}).", "success")
                return redirect(url_for("web.case_project", referral_id=referral_id))
            status = outcome.status
            if outcome.error_code == "project_version_conflict":
                # never a silent overwrite: show the current version beside the draft; the
                # draft now names it, so saving again is a deliberate choice
                current = casework.get_project(actor, referral_id)
                state.values["version"] = current.get("version", 0)
        elif state.errors:
            status = 422
    case = casework.get_case(actor, referral_id)
    project = current or casework.get_project(actor, referral_id)
    if state is None:
        state = FormState(values=case_forms.project_values(project))
    versions = casework.list_project_versions(actor, referral_id)
    return render_case(
        "cases/progetto.html",
        case,
        referral_id,
        "progetto",
        status,
        form=state,
        project=project,
        conflict=current,
        versions=versions,
        partner_services=backend.partner_services(actor),
    )
