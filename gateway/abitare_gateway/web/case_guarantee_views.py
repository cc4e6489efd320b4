"""The guarantee fund's section of a case's Fondi tab (template fragment
``funds/_guarantee.html``): the case's covers with their claims and repayment plans, and the
forms that enrol a contract, file a landlord's claim and (coordinators) pay or refuse it, set
the tenant's plan and mark its instalments. Funds decides; a refusal is shown on the form in
Italian (a contract outside the entry conditions: every reason, condition by condition).

It is the second section of the Fondi tab (``case_funds_views.SECTIONS``):
``/schede/<id>/fondi/garanzia``; its forms post there and come back there.
"""

from __future__ import annotations

import uuid

from flask import flash, redirect, request, url_for

from .. import agency_time, casework, error_texts, guarantee_fund
from ..auth import login_required, web_actor
from ..i18n import N_, _
from ..money import AmountError, euro_to_cents
from ..rpc import RemoteError, RpcError
from . import bp
from .case_forms import REQUIRED_MESSAGE, FormState
from .case_funds_views import SECTIONS
from .case_views import render_case
from .commands import attempt
from .forms import parse_date

RETURN_ENDPOINT = "web.case_funds_guarantee"
ENTRY_REFUSED = "guarantee_entry_condition_not_met"
MANAGERS = ("coordinator", "system")  # funds' MANAGE_GUARANTEE (it checks every call)
DOCUMENTS = (
    ("contratto_registrato", N_("Contratto di locazione registrato")),
    ("prospetto_morosita", N_("Prospetto dei canoni non pagati e di quanto recuperato")),
    ("verbale_rilascio", N_("Verbale di rilascio dell'alloggio")),
    (
        "fattura_legale_quietanzata",
        N_("Fattura quietanzata del legale per la procedura di sfratto"),
    ),
)
FORMS = ("enrol", "claim", "pay", "refuse", "plan", "mark")
DONE = {
    "enrol": N_("Contratto iscritto al fondo di garanzia."),
    "claim": N_("Richiesta del proprietario registrata."),
    "pay": N_("Richiesta pagata."),
    "refuse": N_("Richiesta respinta."),
    "plan": N_("Piano di rientro creato."),
    "mark": N_("Rata registrata."),
}
CLAIM_STATUS = {"filed": N_("In istruttoria"), "paid": N_("Pagata"), "refused": N_("Respinta")}
INSTALMENT_STATUS = {"due": N_("Da pagare"), "paid": N_("Pagata"), "missed": N_("Non pagata")}


def guarantee_section(actor, referral_id: str, state: FormState | None = None, posted=None):
    """The fragment's context: ``guarantee`` (None when funds is away: the section says so)."""
    try:
        guarantee = guarantee_fund.get_guarantee(actor, referral_id)
    except RemoteError as exc:
        if exc.kind != "not_found":
            raise
        guarantee = {"referral_id": referral_id, "covers": [], "no_file": True}
    except RpcError:
        guarantee = None
    return {
        "guarantee": guarantee,
        "guarantee_form": state or FormState(),
        "guarantee_posted": posted,
        "guarantee_manages": actor.role in MANAGERS,
        "guarantee_documents": [(code, _(words)) for code, words in DOCUMENTS],
        "guarantee_claim_status": {k: _(v) for k, v in CLAIM_STATUS.items()},
        "guarantee_instalment_status": {k: _(v) for k, v in INSTALMENT_STATUS.items()},
    }


def _value(state: FormState, name: str) -> str:
    value = (request.form.get(name) or "").strip()
    state.values[name] = value
    return value


def _required(state: FormState, name: str) -> str | None:
    value = _value(state, name)
    if not value:
        state.error(name, _(REQUIRED_MESSAGE))
        return None
    return value


def _date(state: FormState, name: str, required=True) -> str | None:
    value = _required(state, name) if required else _value(state, name) or None
    if not value:
        return None
    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        state.error(name, str(exc))
        return None


def _cents(state: FormState, name: str) -> int | None:
    value = _required(state, name)
    if value is None:
        return None
    try:
        return euro_to_cents(value)
    except AmountError as exc:
        state.error(name, str(exc))
        return None


def _whole(state: FormState, name: str) -> int | None:
    value = _required(state, name)
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 240:
        state.error(name, _("Indica un numero intero tra 1 e 240."))
        return None
    return int(value)


def _command(actor, referral_id: str, form: str, state: FormState):
    """The call the posted ``form`` asks for, or None when its fields are wrong."""
    if form == "enrol":
        data = {
            "landlord_name": _required(state, "landlord_name"),
            "dwelling_address": _required(state, "dwelling_address"),
            "monthly_rent_cents": _cents(state, "monthly_rent_cents"),
            "start_date": _date(state, "start_date"),
            "duration_months": _whole(state, "duration_months"),
            "attestazione": request.form.get("attestazione") == "si",
            "gross_annual_income_cents": _cents(state, "gross_annual_income_cents"),
            "idempotency_key": _value(state, "idempotency_key") or None,
        }
        state.values["attestazione"] = data["attestazione"]
        return None if state.errors else lambda: guarantee_fund.enrol(actor, referral_id, data)
    if form == "claim":
        cover_id = _required(state, "cover_id")
        data = {
            "arrears_from": _date(state, "arrears_from"),
            "dwelling_recovered_on": _date(state, "dwelling_recovered_on", required=False),
            "filed_on": _date(state, "filed_on", required=False),
            "unpaid_rent_cents": _cents(state, "unpaid_rent_cents"),
            "legal_costs_cents": _cents(state, "legal_costs_cents"),
            "recovered_cents": _cents(state, "recovered_cents"),
            "deposit_kept_cents": _cents(state, "deposit_kept_cents"),
            "documents": request.form.getlist("documents"),
            "idempotency_key": _value(state, "idempotency_key") or None,
        }
        state.values["documents"] = data["documents"]
        return (
            None
            if state.errors
            else lambda: guarantee_fund.file_claim(actor, referral_id, cover_id, data)
        )
    claim_id = request.form.get("claim_id", "")
    if form == "pay":
        paid_on = _date(state, f"paid_on-{claim_id}", required=False)
        return lambda: guarantee_fund.pay_claim(actor, referral_id, claim_id, paid_on)
    if form == "refuse":
        reason = _required(state, f"reason-{claim_id}")
        return (
            None
            if state.errors
            else lambda: guarantee_fund.refuse_claim(actor, referral_id, claim_id, reason)
        )
    if form == "plan":
        plan = {
            "months": _whole(state, f"months-{claim_id}"),
            "first_due_on": _date(state, f"first_due_on-{claim_id}"),
        }
        return (
            None
            if state.errors
            else lambda: guarantee_fund.create_plan(actor, referral_id, claim_id, plan)
        )
    number = request.form.get("number", "")
    mark = {
        "number": int(number) if number.isdigit() else 0,
        "status": "paid" if request.form.get("status") == "paid" else "missed",
    }
    return lambda: guarantee_fund.mark_instalment(actor, referral_id, claim_id, mark)


def _attempt(command, state: FormState):
    """:func:`attempt`, with a refused enrolment's reasons (no field errors) on the form."""
    reasons: list[str] = []

    def call():
        try:
            return command()
        except RemoteError as exc:
            if exc.code == ENTRY_REFUSED:
                reasons.extend(exc.details.get("reasons") or [])
            raise

    outcome = attempt(call, state)
    if outcome.error_code == ENTRY_REFUSED:
        state.error("_form", error_texts.text(ENTRY_REFUSED))
        for reason in reasons:
            state.error("_form", reason)
    return outcome


@bp.route("/schede/<referral_id>/fondi/garanzia", methods=["GET", "POST"])
@login_required
def case_funds_guarantee(referral_id):
    actor = web_actor()
    case = casework.get_case(actor, referral_id)
    state = FormState(values={"filed_on": agency_time.today().isoformat()})
    status, posted = 200, request.form.get("form") if request.method == "POST" else None
    if posted in FORMS:
        command = _command(actor, referral_id, posted, state)
        if command is None:
            status = 422
        else:
            outcome = _attempt(command, state)
            if outcome.ok:
                flash(_(DONE[posted]), "success")
                return redirect(url_for(RETURN_ENDPOINT, referral_id=referral_id))
            status = outcome.status
    # a new key for a new page; the same one when the form comes back with its errors
    state.values["idempotency_key"] = state.values.get("idempotency_key") or uuid.uuid4().hex
    return render_case(
        "funds/guarantee_page.html",
        case,
        referral_id,
        "fondi",
        status,
        section="garanzia",
        sections=SECTIONS,
        **guarantee_section(actor, referral_id, state, posted),
    )
