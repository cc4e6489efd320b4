"""Pages: /login, /logout, /password, /schede (list), /schede/nuova (new referral). The case page
and its tabs: :mod:`.case_views`, :mod:`.case_record_views`; the accounts page:
:mod:`.admin_views`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from .. import backend, casework
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
from ..errors import field_errors, status_for_remote
from ..identity import password_problem
from ..rpc import RemoteError, RpcError, ServiceTimeout
from ..sessions import destroy
from ..throttle import Throttled
from . import bp, page_window
from .case_forms import FormState
from .forms import ReferralForm

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
            error="Inserisci nome utente e password.",
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
            error="Nome utente o password non validi.",
        ), 200
    sign_in(operator)
    if operator.must_change_password:
        return redirect(url_for("web.password"))
    return redirect(next_url)


def too_many_attempts_text(seconds: int) -> str:
    wait = f"{seconds} secondi" if seconds < 120 else f"{-(-seconds // 60)} minuti"
    return (
        f"Troppi tentativi di accesso non riusciti con questo nome utente o da questa rete: "
        f"riprova tra {wait}."
    )


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
            state.error("current_password", "Inserisci la password attuale.")
        if problem := password_problem(operator.username, new):
            state.error("new_password", problem)
        elif new != (request.form.get("confirm_password") or ""):
            state.error("confirm_password", "Le due password non coincidono.")
        elif new == current:
            state.error("new_password", "La nuova password deve essere diversa da quella attuale.")
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
                    "Password cambiata. Le altre sessioni aperte con il tuo nome sono state "
                    "chiuse.",
                    "success",
                )
                return redirect(url_for("web.worklist"))
            state.error("current_password", "La password attuale non è corretta.")
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


@bp.get("/schede")
@login_required
def referral_list():
    actor = web_actor()
    comune = request.args.get("comune") or None
    if comune not in actor.comuni:
        comune = None
    page = _int_arg("pagina", 1)
    status, result, error = 200, None, None
    try:
        result = backend.list_referrals(actor, comune_istat=comune, page=page, page_size=PAGE_SIZE)
    except RemoteError:
        raise
    except RpcError as exc:
        status = 504 if isinstance(exc, ServiceTimeout) else 503
        error = UNAVAILABLE
    pages = max(1, -(-result["total"] // result["page_size"])) if result else 1
    return render_template(
        "schede/list.html",
        result=result,
        error=error,
        comune=comune,
        comuni=_comune_options(actor),
        page=min(page, pages),
        pages=pages,
        window=page_window(min(page, pages), pages),
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
                        form.error("comune_istat", "Non puoi inviare schede per questo comune.")
                    else:
                        raise
                except RpcError as exc:
                    status = 504 if isinstance(exc, ServiceTimeout) else 503
                    form.error("_form", UNAVAILABLE + " I dati inseriti sono stati conservati.")
                else:
                    flash("Scheda di attivazione registrata.", "success")
                    return redirect(url_for("web.referral_detail", referral_id=referral["id"]))
            if form.errors and status == 200:
                status = 422
    options = {
        name: [(option["code"], option["label"]) for option in choices]
        for name, choices in vocabulary.items()
    }
    return render_template(
        "schede/new.html", form=form, options=options, comuni=_comune_options(actor), focus=focus
    ), status
