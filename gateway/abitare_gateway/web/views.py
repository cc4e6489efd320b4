"""Pages: /login, /logout, /password, /schede (list), /schede/nuova (new referral). The case page
and its tabs: :mod:`.case_views`, :mod:`.case_record_views`; the accounts page:
:mod:`.admin_views`."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from .. import agency_time, assignees, backend, casework, i18n, labels
from ..auth import (
    credentials_renewed,
    current_operator,
    identity,
    login_required,
    now,
    safe_next,
    sign_in,
    throttled_check,
    web_actor,
)
from ..error_texts import warning_text
from ..errors import Problem, field_errors, status_for_remote
from ..i18n import _
from ..identity import password_problem
from ..rpc import RemoteError, RpcError, ServiceTimeout
from ..sessions import destroy
from ..throttle import Throttled
from ..validators import codice_fiscale_error, normalize_codice_fiscale
from . import bp, pager
from .case_forms import FormState
from .forms import CHOOSE_MESSAGE, ReferralForm, parse_date

PAGE_SIZE = 20
UNAVAILABLE = "Il servizio delle schede non è raggiungibile in questo momento: riprova tra poco."


# -- signing in and out -------------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"), url_for("web.worklist"))
    if request.method == "GET":
        if current_operator() is not None:
            return redirect(next_url)
        return render_template(
            "login.html",
            next_url=next_url,
            username="",
            logged_out=request.args.get("uscita") == "1",
        )
    username = (request.form.get("username") or "").strip().lower()
    password = request.form.get("password") or ""
    if not username or not password:
        return render_template(
            "login.html",
            next_url=next_url,
            username=username,
            error=_("Inserisci nome utente e password."),
        ), 200
    try:
        operator = throttled_check(
            "operator",
            username,
            lambda: identity().authenticate_operator(username, password, now()),
        )
    except Throttled as exc:
        return (
            render_template(
                "login.html",
                next_url=next_url,
                username=username,
                error=too_many_attempts_text(exc.retry_after),
            ),
            429,
            {"Retry-After": str(exc.retry_after)},
        )
    if operator is None:
        return render_template(
            "login.html",
            next_url=next_url,
            username=username,
            error=_("Nome utente o password non validi."),
        ), 200
    sign_in(operator)
    if operator.must_change_password:
        return redirect(url_for("web.password"))
    return redirect(next_url)


def too_many_attempts_text(seconds: int) -> str:
    wait = (
        _("%(n)s secondi", n=seconds) if seconds < 120 else _("%(n)s minuti", n=-(-seconds // 60))
    )
    return _(
        "Troppi tentativi di accesso non riusciti con questo nome utente o da questa rete: "
        "riprova tra %(wait)s.",
        wait=wait,
    )


@bp.route("/lingua", methods=["POST"])
def language():
    """The header's "English"/"Italiano": kept with the signed-in operator's account, and in a
    cookie for the login page (before signing in, and after signing out)."""
    chosen = i18n.chosen(request.form.get("language"))
    if chosen is None:
        raise Problem(
            400, _("Lingua non disponibile."), title=_("Modulo non valido"), localized=True
        )
    operator = current_operator()
    if operator is not None:
        identity().set_language(operator.username, chosen)
    response = redirect(safe_next(request.form.get("next"), url_for("web.index")))
    response.set_cookie(
        i18n.COOKIE,
        chosen,
        max_age=365 * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Only a POST (with the CSRF token, like every form) signs out; a GET (a link, an image
    on another page) shows a confirmation button."""
    if request.method == "GET":
        if current_operator() is None:
            return redirect(url_for("web.login"))
        return render_template("logout.html")
    destroy()
    return redirect(url_for("web.login", uscita="1"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """The operator's own password; a temporary one (a new account, a reset) must be replaced
    before anything else. Every other session of the operator ends."""
    operator = current_operator()
    state, status = FormState(), 200
    if request.method == "POST":
        current = request.form.get("current_password") or ""
        new = request.form.get("new_password") or ""
        if not current:
            state.error("current_password", _("Inserisci la password attuale."))
        if problem := password_problem(operator.username, new):
            state.error("new_password", problem)
        elif new != (request.form.get("confirm_password") or ""):
            state.error("confirm_password", _("Le due password non coincidono."))
        elif new == current:
            state.error(
                "new_password", _("La nuova password deve essere diversa da quella attuale.")
            )
        if not state.errors:
            try:
                changed = throttled_check(
                    "operator",
                    operator.username,
                    lambda: identity().change_password(operator.username, current, new),
                )
            except Throttled as exc:
                state.error("_form", too_many_attempts_text(exc.retry_after))
                return (
                    render_template("password.html", form=state),
                    429,
                    {"Retry-After": str(exc.retry_after)},
                )
            if changed is not None:
                credentials_renewed(changed)
                flash(
                    _(
                        "Password cambiata. Le altre sessioni aperte con il tuo nome sono state "
                        "chiuse."
                    ),
                    "success",
                )
                return redirect(url_for("web.worklist"))
            state.error("current_password", _("La password attuale non è corretta."))
        status = 422
    return render_template("password.html", form=state), status


@bp.get("/")
@login_required
def index():
    return redirect(url_for("web.worklist"))


# -- referrals ----------------------------------------------------------------------------------
def _comune_options(actor) -> list[tuple[str, str]]:
    names = backend.comune_names(actor)
    return sorted(
        ((code, names.get(code, code)) for code in actor.comuni),
        key=lambda item: item[1].casefold(),
    )


def _int_arg(name: str, default: int) -> int:
    try:
        return max(1, int(request.args.get(name, default)))
    except (TypeError, ValueError):
        return default


SEARCH_FIELDS = ("cognome", "nome", "codice_fiscale", "comune", "stato", "grado", "operatore")


def _search(args, actor) -> tuple[FormState, dict]:
    """The search form of /schede (GET arguments, Italian names) -> intake's criteria; a
    field that does not parse gets an error and the search is not run."""
    state = FormState(values={name: (args.get(name) or "").strip() for name in SEARCH_FIELDS})
    values = state.values
    criteria: dict = {}
    for name, key in (("cognome", "last_name"), ("nome", "first_name")):
        if len(values[name]) > 100:
            state.error(name, _("Al massimo 100 caratteri."))
        elif values[name]:
            criteria[key] = values[name]
    if values["codice_fiscale"]:
        values["codice_fiscale"] = normalize_codice_fiscale(values["codice_fiscale"])
        if problem := codice_fiscale_error(values["codice_fiscale"]):
            state.error("codice_fiscale", problem)
        else:
            criteria["codice_fiscale"] = values["codice_fiscale"]
    if values["comune"]:
        if values["comune"] in actor.comuni:
            criteria["comune_istat"] = values["comune"]
        else:
            state.error("comune", _("Seleziona uno dei comuni di tua competenza."))
    for name, key, table in (("stato", "status", "referral_status"), ("grado", "grade", "grade")):
        if values[name]:
            if values[name] in labels.TABLES[table]:
                criteria[key] = int(values[name]) if key == "grade" else values[name]
            else:
                state.error(name, CHOOSE_MESSAGE)
    if values["operatore"]:
        subs = {sub for sub, _label in assignees.in_scope_options(actor.comuni)} | {actor.sub}
        if values["operatore"] == "me":
            criteria["assigned_to"] = actor.sub
        elif values["operatore"] in subs:
            criteria["assigned_to"] = values["operatore"]
        else:
            state.error("operatore", CHOOSE_MESSAGE)
    for name, key in (("dal", "received_from"), ("al", "received_to")):
        values[name] = (args.get(name) or "").strip()
        if values[name]:
            try:
                criteria[key] = parse_date(values[name]).isoformat()
            except ValueError as exc:
                state.error(name, str(exc))
    if criteria.get("received_from", "") > criteria.get("received_to", "9999"):
        state.error("al", _("La fine del periodo non può precedere l'inizio."))
    return state, criteria


@bp.get("/schede")
@login_required
def referral_list():
    actor = web_actor()
    form, criteria = _search(request.args, actor)
    page = _int_arg("pagina", 1)
    status, result, error = 200, None, None
    if form.errors:
        status = 422
    else:
        try:
            result = backend.list_referrals(actor, page=page, page_size=PAGE_SIZE, **criteria)
        except RemoteError:
            raise
        except RpcError as exc:
            status = 504 if isinstance(exc, ServiceTimeout) else 503
            error = UNAVAILABLE
    searched = {name: value for name, value in form.values.items() if value}
    return render_template(
        "schede/list.html",
        result=result,
        error=error,
        form=form,
        searched=searched,
        comuni=_comune_options(actor),
        operators=assignees.in_scope_options(actor.comuni),
        statuses=labels.choices("referral_status"),
        grades=labels.choices("grade"),
        pages=pager(
            result["total"] if result else 0,
            PAGE_SIZE,
            page,
            lambda n: url_for("web.referral_list", pagina=n, **searched),
        ),
    ), status


def household_warnings(actor, household: list[dict]) -> dict[int, list[str]]:
    """``{member index: [sentence]}``: what intake finds contradictory in the codici fiscali,
    asked before sending so the operator can correct it (or confirm it). Nothing when intake
    cannot tell: sending reports whatever it refuses."""
    try:
        warnings = casework.check_household(actor, household)
    except RpcError:  # RemoteError included: the submission reports the refusal next to the field
        return {}
    found: dict[int, list[str]] = {}
    for warning in warnings:
        found.setdefault(int(warning["member"]), []).append(warning_text(warning))
    return found


@bp.route("/schede/nuova", methods=["GET", "POST"])
@login_required
def referral_new():
    actor = web_actor()
    vocabulary = backend.vocabulary(actor)
    status, focus = 200, None
    if request.method == "GET":
        form = ReferralForm.blank()
    else:
        form = ReferralForm.from_request(request.form)
        if request.form.get("action") == "add-member":
            form.add_member()
            focus = f"members-{len(form.members) - 1}-codice_fiscale"
        elif request.form.get("remove_member", "").isdigit():
            form.remove_member(int(request.form["remove_member"]))
            focus = "add-member"
        else:
            payload = form.validate(actor.comuni, vocabulary)
            if payload is not None and not request.form.get("confirm_warnings"):
                form.warnings = household_warnings(actor, payload["household"])
            if payload is not None and not form.warnings:
                try:
                    referral = backend.submit_referral(actor, payload)
                except RemoteError as exc:
                    code = status_for_remote(exc)
                    if code == 422:
                        form.add_remote_errors(field_errors(exc))
                    elif code == 403:
                        form.error("comune_istat", _("Non puoi inviare schede per questo comune."))
                    else:
                        raise
                except RpcError as exc:
                    status = 504 if isinstance(exc, ServiceTimeout) else 503
                    form.error("_form", UNAVAILABLE + _(" I dati inseriti sono stati conservati."))
                else:
                    flash(_("Scheda di attivazione registrata."), "success")
                    return redirect(url_for("web.referral_detail", referral_id=referral["id"]))
            if form.errors and status == 200:
                status = 422
    options = {
        name: [(option["code"], option["label"]) for option in choices]
        for name, choices in vocabulary.items()
    }
    return render_template(
        "schede/new.html",
        form=form,
        options=options,
        comuni=_comune_options(actor),
        focus=focus,
        today=agency_time.today().isoformat(),
    ), status
