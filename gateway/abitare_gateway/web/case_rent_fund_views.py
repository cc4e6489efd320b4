"""The Fondo Affitto section of a case's Fondi tab (``/schede/<id>/fondi/affitto``): the case's
applications (drafts a project's fund_application action opened, filed ones with every
criterion explained and the grant, the decision and what was paid) and the form that files one
to an open window (bando). Funds checks and decides; a refusal is shown on the form in Italian
and nothing changes. The same form posted twice (a double click, a retry) is one application:
each page carries its own idempotency key."""

from __future__ import annotations

import uuid

from flask import flash, redirect, request, url_for

from .. import casework, fundswork
from ..auth import login_required, web_actor
from ..i18n import N_, _
from ..money import AmountError, euro_to_cents
from ..rpc import RpcError
from . import bp
from .case_forms import REQUIRED_MESSAGE, FormState
from .case_funds_views import SECTIONS
from .case_views import render_case
from .commands import attempt
from .forms import parse_date

STATE_WORDS = {
    "bozza": N_("Da completare"),
    "presentata": N_("Presentata"),
    "approvata": N_("Approvata"),
    "non_finanziata": N_("Idonea, non finanziata"),
    "esclusa": N_("Esclusa"),
    "pagata": N_("Pagata"),
}
ELIGIBILITY_WORDS = {
    "ammissibile": N_("Ammissibile"),
    "non_ammissibile": N_("Non ammissibile"),
    "incompleta": N_("Incompleta: mancano dati"),
}
OUTCOME_WORDS = {
    "soddisfatto": N_("Soddisfatto"),
    "non_soddisfatto": N_("Non soddisfatto"),
    "dato_mancante": N_("Dato mancante"),
}
TENURES = (
    ("libero", N_("Libero mercato")),
    ("concordato", N_("Canone concordato")),
    ("sap", N_("Alloggio SAP")),
    ("sat", N_("Alloggio SAT")),
    ("riscatto", N_("Locazione con patto di riscatto")),
)
YES_NO = (("si", N_("Sì")), ("no", N_("No")))
QUESTIONS = (  # (field, question)
    ("resident", N_("Il nucleo risiede nell'alloggio in locazione?")),
    ("lease_registered", N_("Il contratto di locazione è registrato?")),
    ("eviction_procedure", N_("È in corso una procedura di sfratto?")),
    ("owns_adequate_dwelling", N_("Il nucleo possiede un alloggio adeguato in Lombardia?")),
)
AMOUNTS = (
    ("isee_cents", N_("ISEE (€)")),
    ("monthly_rent_cents", N_("Canone mensile (€)")),
    ("monthly_net_income_cents", N_("Reddito netto mensile del nucleo (€)")),
)


def _value(state: FormState, name: str) -> str:
    value = (request.form.get(name) or "").strip()
    state.values[name] = value
    return value


def application_payload(state: FormState) -> dict:
    """The posted form as the API's application, with the form's own errors on ``state``."""
    data: dict = {"window_id": _value(state, "window_id") or None}
    if not data["window_id"]:
        state.error("window_id", _(REQUIRED_MESSAGE))
    if application_id := _value(state, "application_id"):
        data["application_id"] = application_id
    for name, _label in AMOUNTS:
        text = _value(state, name)
        try:
            data[name] = euro_to_cents(text) if text else None
        except AmountError as exc:
            state.error(name, str(exc))
    for name, _question in QUESTIONS:
        answer = _value(state, name)
        data[name] = {"si": True, "no": False}.get(answer)
    data["tenure"] = _value(state, "tenure") or None
    data["isee_kind"] = "certificato" if _value(state, "isee_kind") == "certificato" else "stimato"
    if text := _value(state, "lease_start"):
        try:
            data["lease_start"] = parse_date(text).isoformat()
        except ValueError as exc:
            state.error("lease_start", str(exc))
    if grade := _value(state, "casa_grade"):
        data["casa_grade"] = int(grade) if grade in ("1", "2", "3", "4") else None
    data["documents"] = request.form.getlist("documents")
    state.values["documents"] = data["documents"]
    data["idempotency_key"] = _value(state, "idempotency_key") or None
    return data


@bp.route("/schede/<referral_id>/fondi/affitto", methods=["GET", "POST"])
@login_required
def case_funds_rent(referral_id):
    actor = web_actor()
    case = casework.get_case(actor, referral_id)
    state = FormState(values={"casa_grade": str(case.get("current_grade") or "")})
    status = 200
    if request.method == "POST":
        data = application_payload(state)
        if state.errors:
            status = 422
        else:
            outcome = attempt(lambda: fundswork.file_application(actor, referral_id, data), state)
            if outcome.ok:
                flash(_("Domanda al Fondo Affitto presentata."), "success")
                anchor = f"#application-{outcome.result['id']}"
                return redirect(url_for("web.case_funds_rent", referral_id=referral_id) + anchor)
            status = outcome.status
    state.values["idempotency_key"] = state.values.get("idempotency_key") or uuid.uuid4().hex
    applications, windows, regulations, unavailable = [], [], {}, False
    try:
        applications = fundswork.list_applications(actor, referral_id)
        windows = [w for w in fundswork.list_windows(actor) if w["state"] == "aperto"]
        regulations = {r["id"]: r for r in fundswork.list_regulations(actor)}
    except RpcError:
        unavailable = True
    return render_case(
        "funds/rent_fund_page.html",
        case,
        referral_id,
        "fondi",
        status,
        section="affitto",
        sections=SECTIONS,
        applications=applications,
        windows=windows,
        window_options=[(w["id"], f"{w['title']} ({w['regulation_name']})") for w in windows],
        drafts_options=[
            (a["id"], _("Domanda chiesta dal progetto n. %(n)s", n=n))
            for n, a in enumerate((a for a in applications if a["state"] == "bozza"), start=1)
        ],
        required_documents=sorted(
            {
                d
                for w in windows
                for d in regulations.get(w["regulation_id"], {}).get("required_documents", [])
            }
        ),
        regulations=regulations,
        unavailable=unavailable,
        form=state,
        state_words={k: _(v) for k, v in STATE_WORDS.items()},
        eligibility_words={k: _(v) for k, v in ELIGIBILITY_WORDS.items()},
        outcome_words={k: _(v) for k, v in OUTCOME_WORDS.items()},
        tenures=[(k, _(v)) for k, v in TENURES],
        yes_no=[(k, _(v)) for k, v in YES_NO],
        questions=[(k, _(v)) for k, v in QUESTIONS],
        amounts=[(k, _(v)) for k, v in AMOUNTS],
    )
