"""The case tab "Invii ai partner": the household's consents (record, withdraw), its referrals
to partners with their state and history, and the form that sends one ("Invia a un partner":
partner → its services). A refusal (no consent, convention expired, service not offered,
comune not covered) is shown on the form, worded from its code; nothing changes. The partners
service answers with codes (states, services, outcomes, fields, consent categories): the page
words them in its language from the partners' vocabulary (:mod:`labels`)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from .. import agency_time, casework, labels, partnerwork
from ..auth import login_required, web_actor
from ..i18n import N_, _
from . import bp
from .case_forms import REQUIRED_MESSAGE, FormState
from .case_views import render_case
from .commands import attempt
from .forms import parse_date

FORMS = ("consent", "send", "withdraw-consent", "withdraw-referral")


def _date(state: FormState, name: str):
    value = (request.form.get(name) or "").strip()
    state.values[name] = value
    if not value:
        state.error(name, _(REQUIRED_MESSAGE))
        return None
    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        state.error(name, str(exc))
        return None


def _text(state: FormState, name: str, required=True, limit=1000):
    value = (request.form.get(name) or "").strip()
    state.values[name] = value
    if required and not value:
        state.error(name, _(REQUIRED_MESSAGE))
    if len(value) > limit:
        state.error(name, _("Al massimo %(n)s caratteri.", n=limit))
    return value or None


def _partner_service(state: FormState, name: str):
    """``"FWA:microcredito"`` (one select: the partner and one of its services)."""
    value = _text(state, name)
    code, _colon, service = (value or "").partition(":")
    if value and not service:
        state.error(name, _("Scegli un partner e un suo servizio."))
    return code, service


def _command(actor, case, form: str, state: FormState):
    """The command the posted ``form`` asks for, or None when its fields are wrong."""
    if form == "consent":
        code, service = _partner_service(state, "consent-offer")
        data = {
            "partner_code": code,
            "service": service,
            "categories": request.form.getlist("consent-categories"),
            "given_by": _text(state, "consent-given_by", limit=200),
            "given_on": _date(state, "consent-given_on"),
            "valid_until": _date(state, "consent-valid_until"),
        }
        state.values["consent-categories"] = data["categories"]
        if not data["categories"]:
            state.error("consent-categories", _("Indica almeno una categoria di dati."))
        return None if state.errors else lambda: partnerwork.record_consent(actor, case, data)
    if form == "send":
        code, service = _partner_service(state, "send-offer")
        data = {"partner_code": code, "service": service, "note": _text(state, "send-note", False)}
        return None if state.errors else lambda: partnerwork.send_referral(actor, case, data)
    if form == "withdraw-consent":
        consent_id = request.form.get("consent_id", "")
        data = {
            "withdrawn_by": _text(state, f"withdrawn_by-{consent_id}", limit=200),
            "withdrawn_on": agency_time.today().isoformat(),
        }
        return (
            None
            if state.errors
            else lambda: partnerwork.withdraw_consent(actor, case["id"], consent_id, data)
        )
    referral_id = request.form.get("partner_referral_id", "")
    reason = _text(state, f"reason-{referral_id}")
    return (
        None
        if state.errors
        else lambda: partnerwork.withdraw_referral(actor, case["id"], referral_id, reason)
    )


REFUSAL_FIELDS = ("consent", "service", "partner_code", "comune_istat")
SELECT_OF = {"consent": "consent-offer", "send": "send-offer"}
CONSENT_FIELDS = ("categories", "given_by", "given_on", "valid_until")


def _attempt_on_select(command, state: FormState, posted: str):
    """Run the command; the reasons partners gives on the partner, service, comune or consent
    go next to the form's partner/service select (the sentence says which)."""
    fields = {name: SELECT_OF.get(posted, "_form") for name in REFUSAL_FIELDS}
    fields.update({name: f"consent-{name}" for name in CONSENT_FIELDS})
    for name in fields:
        state.values.setdefault(name, "")
    outcome = attempt(command, state)
    for name, target in fields.items():
        state.values.pop(name, None)
        for message in state.errors.pop(name, []):
            state.error(target, message)
    return outcome


DONE = {
    "consent": N_("Consenso registrato."),
    "send": N_("Invio al partner registrato: il partner lo riceve con i soli dati consentiti."),
    "withdraw-consent": N_("Revoca del consenso registrata."),
    "withdraw-referral": N_("Invio ritirato: il partner è stato avvisato."),
}


@bp.route("/schede/<referral_id>/partner", methods=["GET", "POST"])
@login_required
def case_partners(referral_id):
    actor = web_actor()
    case = casework.get_case(actor, referral_id)
    state = FormState(values={"consent-given_on": agency_time.today().isoformat()})
    status, posted = 200, request.form.get("form") if request.method == "POST" else None
    if posted in FORMS:
        command = _command(actor, case, posted, state)
        if command is None:
            status = 422
        else:
            outcome = _attempt_on_select(command, state, posted)
            if outcome.ok:
                flash(_(DONE[posted]), "success")
                return redirect(url_for("web.case_partners", referral_id=referral_id))
            status = outcome.status
    offers = partnerwork.list_offers(actor)
    return render_case(
        "cases/partner.html",
        case,
        referral_id,
        "partner",
        status,
        form=state,
        posted=posted,
        consents=partnerwork.list_consents(actor, referral_id),
        referrals=partnerwork.list_referrals(actor, referral_id),
        offers=[o for o in offers if o["in_force"]],
        lapsed=[o for o in offers if not o["in_force"]],
        categories=labels.choices("partner_consent_category"),
        partner_names={o["partner_code"]: o["partner_name"] for o in offers},
    )


@bp.app_template_filter("partner_outcome")
def partner_outcome(code, service) -> str:
    """``{{ r.outcome | partner_outcome(r.service) }}``: a partner's outcome in words."""
    return labels.partner_outcome(service, code)


@bp.app_template_filter("partner_field")
def partner_field(path) -> str:
    """``{{ path | partner_field }}``: a field a partner receives, in words."""
    return labels.partner_field(path)
