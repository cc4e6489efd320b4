"""The case tab **Fondi**: the household's funds, one section per lever, reached from the tab's
own sub-navigation. The first section is the ISEE aid: the ISEE that applies (a certified ISEE
valid that day beats any estimate; an estimate is always shown as "stima, non certificata"),
the certified ISEEs and the estimates recorded, the form that records a certified ISEE (INPS
attestazione) and the form that computes an estimate from the DSU figures, shown with ISR, ISP,
the scala and every parameter used with its source and "da verificare" where flagged.

Funds decides everything (scope, checks, the estimate); a refusal is shown on the form in
Italian and nothing is stored."""

from __future__ import annotations

from functools import partial

from flask import flash, redirect, request, url_for

from .. import agency_time, casework, fundswork
from ..auth import login_required, web_actor
from ..errors import field_errors, field_message, status_for_remote
from ..i18n import N_, _
from ..money import AmountError, euro_to_cents, format_euro
from ..rpc import RemoteError, RpcError
from . import bp
from .case_forms import REQUIRED_MESSAGE, FormState
from .case_partner_views import _date  # a required date field, ISO
from .case_views import render_case
from .commands import Outcome, attempt
from .forms import parse_date

# the tab's sub-navigation: (key, words, endpoint); the other levers join here
SECTIONS = (  # the Fondi tab's sub-navigation: (key, label, endpoint)
    ("isee", N_("ISEE"), "web.case_funds_isee"),
    ("affitto", N_("Fondo Affitto"), "web.case_funds_rent"),
    ("garanzia", N_("Fondo di garanzia"), "web.case_funds_guarantee"),
)

MEMBER_ROWS = 5
PROPERTY_ROWS = 2
RELATIONS = (("genitore", N_("Genitore")), ("figlio", N_("Figlio/a")), ("altro", N_("Altro")))
DISABILITIES = (
    ("nessuna", N_("Nessuna")),
    ("media", N_("Disabilità media")),
    ("grave", N_("Disabilità grave")),
    ("non_autosufficienza", N_("Non autosufficienza")),
)
MEMBER_AMOUNTS = (
    ("employment_income", N_("Redditi da lavoro dipendente")),
    ("pension_income", N_("Pensioni")),
    ("other_income", N_("Altri redditi IRPEF")),
    ("exempt_income", N_("Redditi esenti")),
    ("maintenance_received", N_("Assegni di mantenimento ricevuti")),
    ("foreign_income", N_("Redditi esteri")),
    ("maintenance_paid", N_("Assegni di mantenimento versati")),
)
MEMBER_FLAGS = (
    ("minor", N_("Minorenne")),
    ("under_3", N_("Sotto i 3 anni")),
    ("worked_6_months", N_("Genitore che ha lavorato almeno 6 mesi")),
)
FINANCIAL = (
    ("deposits_balance", N_("Depositi e conti al 31 dicembre")),
    ("deposits_average", N_("Giacenza media annua di depositi e conti")),
    ("other_financial", N_("Altre attività finanziarie (esclusi titoli di Stato)")),
    ("state_bonds", N_("Titoli di Stato e buoni postali")),
)
CERTIFIED_TYPES = (
    ("ordinario", N_("Ordinario")),
    ("corrente", N_("Corrente")),
    ("minorenni", N_("Minorenni")),
    ("universitario", N_("Università")),
    ("sociosanitario", N_("Socio-sanitario")),
    ("sociosanitario_residenziale", N_("Socio-sanitario residenziale")),
)
REGIMES = (
    ("ordinario", N_("ISEE ordinario (misure abitative e servizi comunali)")),
    ("misure_famiglia_2026", N_("Misure per la famiglia 2026 (L. 199/2025)")),
)
CERTIFIED_FIGURES = (
    ("isee", N_("Valore ISEE (€)"), True),
    ("ise", N_("ISE (€)"), False),
    ("isr", N_("ISR (€)"), False),
    ("isp", N_("ISP (€)"), False),
)
PARAMETER_WORDS = {
    "isee_patrimony_share": N_("Quota dell'ISP che entra nell'ISE"),
    "isee_employment_deduction_rate": N_("Detrazione sui redditi da lavoro dipendente"),
    "isee_employment_deduction_cap_cents": N_("Tetto della detrazione sul lavoro dipendente"),
    "isee_pension_deduction_rate": N_("Detrazione sulle pensioni"),
    "isee_pension_deduction_cap_cents": N_("Tetto della detrazione sulle pensioni"),
    "isee_rent_deduction_cap_cents": N_("Tetto della detrazione del canone di locazione"),
    "isee_rent_deduction_per_child_after_second_cents": N_(
        "Aumento del tetto del canone per ogni figlio dopo il secondo"
    ),
    "isee_figurative_yield": N_("Rendimento figurativo delle attività finanziarie"),
    "imu_revaluation": N_("Rivalutazione della rendita catastale"),
    "isee_home_franchise_cents": N_("Franchigia sulla casa di abitazione"),
    "isee_home_franchise_capoluogo_cents": N_("Franchigia sulla casa di abitazione (capoluogo)"),
    "isee_home_franchise_per_child_cents": N_("Aumento della franchigia casa per figlio"),
    "isee_home_franchise_children_without_increment": N_("Figli senza aumento della franchigia"),
    "isee_home_excess_share": N_("Quota della casa oltre la franchigia"),
    "isee_movable_franchise_cents": N_("Franchigia sul patrimonio mobiliare"),
    "isee_movable_franchise_per_member_cents": N_(
        "Aumento della franchigia mobiliare per componente"
    ),
    "isee_movable_franchise_max_cents": N_("Massimo della franchigia mobiliare"),
    "isee_movable_franchise_per_child_after_second_cents": N_(
        "Aumento della franchigia mobiliare per figlio dopo il secondo"
    ),
    "isee_state_bonds_exclusion_cents": N_("Titoli di Stato esclusi dall'ISEE"),
    "isee_scale_each_further": N_("Scala: per ogni componente oltre il quinto"),
    "isee_scale_working_parents": N_("Scala: figli minorenni e genitori che lavorano"),
    "isee_scale_child_under_3": N_("Scala: figli sotto i 3 anni e genitori che lavorano"),
    "isee_scale_disability": N_("Scala: per componente con disabilità"),
}


def parameter_words(name: str) -> str:
    if name in PARAMETER_WORDS:
        return _(PARAMETER_WORDS[name])
    if name.startswith("imu_multiplier_"):
        return _("Moltiplicatore IMU, categorie %(group)s", group=name.rsplit("_", 1)[-1])
    if name.startswith("isee_scale_children_"):
        return _("Scala: maggiorazione per %(n)s figli", n=name.rsplit("_", 1)[-1])
    if name.startswith("isee_scale_"):
        return _("Scala di equivalenza, %(n)s componenti", n=name.rsplit("_", 1)[-1])
    return name


def parameter_value(parameter: dict) -> str:
    """``"300000"`` (cents) -> ``3.000,00 €``; ``"0.20"`` -> ``0,20``; ``2``/3 -> ``2/3``."""
    value = parameter["value"]
    if parameter["name"].endswith("_cents"):
        return format_euro(int(value))
    if parameter.get("denominator", 1) != 1:
        return f"{value}/{parameter['denominator']}"
    return value.replace(".", ",")


# -- reading the forms -----------------------------------------------------------------------
def _value(state: FormState, name: str) -> str:
    value = (request.form.get(name) or "").strip()
    state.values[name] = value
    return value


def _amount(state: FormState, name: str, required=False, default=None):
    value = _value(state, name)
    if not value:
        if required:
            state.error(name, _(REQUIRED_MESSAGE))
        return default
    try:
        return euro_to_cents(value)
    except AmountError as exc:
        state.error(name, str(exc))
        return default


def _flag(state: FormState, name: str) -> bool:
    state.values[name] = bool(request.form.get(name))
    return state.values[name]


def certified_payload(state: FormState) -> dict:
    data = {
        "protocol": _value(state, "c-protocol").upper(),
        "kind": _value(state, "c-kind") or "ordinario",
        "dsu_date": _date(state, "c-dsu_date"),
        "valid_until": _date(state, "c-valid_until"),
    }
    if not data["protocol"]:
        state.error("c-protocol", _(REQUIRED_MESSAGE))
    for key, _words, required in CERTIFIED_FIGURES:
        data[f"{key}_cents"] = _amount(state, f"c-{key}", required=required)
    scale = _value(state, "c-scale").replace(",", ".")
    data["scale"] = scale or None
    return data


def estimate_payload(state: FormState) -> dict:
    members = []
    for i in range(MEMBER_ROWS):
        relation = _value(state, f"m-{i}-relation")
        member = {"relation": relation}
        for key, _words in MEMBER_FLAGS:
            member[key] = _flag(state, f"m-{i}-{key}")
        member["disability"] = _value(state, f"m-{i}-disability") or "nessuna"
        for key, _words in MEMBER_AMOUNTS:
            member[f"{key}_cents"] = _amount(state, f"m-{i}-{key}", default=0)
        if relation:
            members.append(member)
    if not members:
        state.error("m-0-relation", _("Indica almeno un componente del nucleo."))
    properties = []
    for i in range(PROPERTY_ROWS):
        prop = {
            "main_home": _flag(state, f"p-{i}-main_home"),
            "imu_value_cents": _amount(state, f"p-{i}-imu_value"),
            "rendita_cents": _amount(state, f"p-{i}-rendita"),
            "category": _value(state, f"p-{i}-category").upper() or None,
            "mortgage_cents": _amount(state, f"p-{i}-mortgage", default=0),
        }
        if prop["imu_value_cents"] is not None or prop["rendita_cents"] is not None:
            properties.append(prop)
    return {
        "computed_on": _date(state, "e-computed_on"),
        "regime": _value(state, "e-regime") or "ordinario",
        "dsu": {
            "members": members,
            "rent": {
                "registered": _flag(state, "rent-registered"),
                "annual_rent_cents": _amount(state, "rent-annual_rent"),
            },
            "financial": {
                f"{key}_cents": _amount(state, f"fin-{key}", default=0) for key, _w in FINANCIAL
            },
            "properties": properties,
            "home_in_capoluogo": _flag(state, "home_in_capoluogo"),
        },
    }


def form_field(path: str, form: str) -> str:
    """A path funds names (``dsu.members.0.under_3``, ``members.0.minor``, ``protocol``) ->
    the form's field id (``m-0-under_3``, ``c-protocol``)."""
    parts = path.removeprefix("dsu.").split(".")
    parts[-1] = parts[-1].removesuffix("_cents")
    if form == "certified":
        return f"c-{parts[-1]}"
    if parts[0] == "members" and len(parts) == 3:
        return f"m-{parts[1]}-{parts[2]}"
    if parts[0] == "members":
        return "m-0-relation"
    if parts[0] == "properties" and len(parts) == 3:
        return f"p-{parts[1]}-{parts[2]}"
    if parts[0] in ("rent", "financial") and len(parts) == 2:
        return f"{'fin' if parts[0] == 'financial' else 'rent'}-{parts[1]}"
    if parts[0] in ("computed_on", "regime"):
        return f"e-{parts[0]}"
    return "_form"


def _raise(exc):
    raise exc


def run(call, state: FormState, form: str) -> Outcome:
    """Run the command; funds' field errors go next to the form's own fields."""
    try:
        return Outcome(call())
    except RemoteError as exc:
        if status_for_remote(exc) != 422:
            return attempt(partial(_raise, exc), state)
        for path, errors in field_errors(exc).items():
            target = form_field(path, form)
            if target != "_form" and target not in state.values:
                target = "_form"
            for error in errors:
                message = field_message(error)
                state.error(target, message if target != "_form" else f"{path}: {message}")
        if not field_errors(exc):
            state.error("_form", field_message({"code": exc.code, **exc.details}))
        return Outcome(status=422, error_code=exc.code)
    except RpcError as exc:
        return attempt(partial(_raise, exc), state)


DONE = {
    "certified": N_("ISEE certificato registrato."),
    "estimate": N_("Stima dell'ISEE calcolata e conservata (stima, non certificata)."),
}


@bp.get("/schede/<referral_id>/fondi", endpoint="case_funds")
@bp.route("/schede/<referral_id>/fondi/isee", methods=["GET", "POST"])
@login_required
def case_funds_isee(referral_id):
    actor = web_actor()
    case = casework.get_case(actor, referral_id)
    today = agency_time.today().isoformat()
    state = FormState(values={"e-computed_on": today})
    status, posted = 200, request.form.get("form") if request.method == "POST" else None
    if posted in DONE:
        payload = certified_payload(state) if posted == "certified" else estimate_payload(state)
        if state.errors:
            status = 422
        else:
            command = (
                partial(fundswork.record_certified_isee, actor, referral_id, payload)
                if posted == "certified"
                else partial(fundswork.estimate_isee, actor, referral_id, payload)
            )
            outcome = run(command, state, posted)
            if outcome.ok:
                flash(_(DONE[posted]), "success")
                anchor = f"#{posted}-{outcome.result['id']}"
                return redirect(url_for("web.case_funds_isee", referral_id=referral_id) + anchor)
            status = outcome.status
    on = request.args.get("on") or None
    isee, unavailable, missing = None, False, False
    try:
        isee = fundswork.list_isee(actor, referral_id, on=_checked_day(on))
    except RemoteError as exc:
        if status_for_remote(exc) != 404:
            raise
        missing = True  # funds has not opened the household's file (yet)
    except RpcError:
        unavailable = True
    return render_case(
        "cases/fondi.html",
        case,
        referral_id,
        "fondi",
        status,
        section="isee",
        sections=SECTIONS,
        isee=isee,
        unavailable=unavailable,
        missing=missing,
        form=state,
        posted=posted,
        on=on or today,
        member_rows=range(MEMBER_ROWS),
        property_rows=range(PROPERTY_ROWS),
        relations=[(code, _(w)) for code, w in RELATIONS],
        disabilities=[(code, _(w)) for code, w in DISABILITIES],
        member_amounts=[(code, _(w)) for code, w in MEMBER_AMOUNTS],
        member_flags=[(code, _(w)) for code, w in MEMBER_FLAGS],
        financial=[(code, _(w)) for code, w in FINANCIAL],
        certified_types=[(code, _(w)) for code, w in CERTIFIED_TYPES],
        certified_words={code: _(w) for code, w in CERTIFIED_TYPES},
        certified_figures=[(code, _(w), required) for code, w, required in CERTIFIED_FIGURES],
        regimes=[(code, _(w)) for code, w in REGIMES],
        regime_words={code: _(w) for code, w in REGIMES},
        parameter_words=parameter_words,
        parameter_value=parameter_value,
    )


def _checked_day(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return parse_date(text).isoformat()
    except ValueError:
        return None
