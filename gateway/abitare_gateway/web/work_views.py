"""/lavoro (the operator's worklist, the home page after login), /fotografia (counts, charts,
CSV) and /anomalie (the coordinator's list of codici fiscali that contradict their member)."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request, url_for

from .. import agency_time, casework, labels, partnerwork, webhooks
from ..auth import login_required, web_actor
from ..errors import Problem, status_for_remote
from ..fotografia import csv_filename, tables, to_spreadsheet_csv, to_xlsx
from ..i18n import N_, _
from ..rpc import RemoteError, RpcError, ServiceTimeout
from . import bp, page_window, pager
from .case_forms import FormState
from .commands import FORBIDDEN
from .forms import parse_date
from .views import _comune_options, _int_arg

WORKLIST_SECTIONS = (
    ("overdue_actions", N_("Azioni scadute"), N_("per giorni di ritardo, dal ritardo maggiore")),
    (
        "evictions_within_30_days",
        N_("Sfratti entro 30 giorni"),
        N_("per data di sfratto, dalla più vicina"),
    ),
    (
        "documents_expiring",
        N_("Documenti in scadenza entro 30 giorni"),
        N_("per data di scadenza, dalla più vicina"),
    ),
    (
        "proposals_awaiting_commission",
        N_("Proposte in attesa della Commissione"),
        N_("per data della seduta, dalla più vicina"),
    ),
    (
        "awaiting_assignment",
        N_("Prese in carico da assegnare"),
        N_("per data di ricezione, dalla più vecchia"),
    ),
    (
        "awaiting_triage",
        N_("Schede in attesa di triage"),
        N_(
            "prima quelle con sfratto entro 30 giorni o già passato (dalla data più vicina), "
            "poi per data di ricezione, dalla più vecchia in attesa"
        ),
    ),
)
PAGE_SIZE = 10
UNAVAILABLE = N_(
    "Il servizio delle schede non è raggiungibile in questo momento: riprova tra poco."
)


def _page_arg(name: str) -> int:
    try:
        return max(1, min(100_000, int(request.args.get(name, 1))))
    except (TypeError, ValueError):
        return 1


@bp.get("/lavoro")
@login_required
def worklist():
    """Each section one page (``p_<section>``) with its real count; filters ``comune`` (one
    of the operator's) and ``mie`` (only the cases assigned to the operator)."""
    actor = web_actor()
    comune = request.args.get("comune") or None
    if comune not in actor.comuni:
        comune = None
    mine = request.args.get("mie") == "1"
    filters = {"comune": comune, "mie": "1" if mine else None}
    filters = {name: value for name, value in filters.items() if value}
    pages = {key: _page_arg(f"p_{key}") for key, _title, _order in WORKLIST_SECTIONS}
    status, work, error = 200, None, None
    try:
        work = casework.get_worklist(
            actor,
            comune_istat=comune,
            mine=mine,
            pages={key: page for key, page in pages.items() if page > 1},
            page_size=PAGE_SIZE,
        )
    except RemoteError:
        raise
    except RpcError as exc:
        status, error = (504 if isinstance(exc, ServiceTimeout) else 503), _(UNAVAILABLE)
    pagers = {}
    for key, _title, _order in WORKLIST_SECTIONS:
        others = {f"p_{k}": p for k, p in pages.items() if k != key and p > 1}

        def url_for_page(n, key=key, others=others):
            return url_for("web.worklist", **filters, **others, **{f"p_{key}": n}) + f"#{key}"

        total = (work or {}).get("totals", {}).get(key, 0)
        pagers[key] = pager(total, PAGE_SIZE, pages[key], url_for_page)
    return render_template(
        "lavoro.html",
        work=work or {},
        error=error,
        sections=[(key, _(title), _(order)) for key, title, order in WORKLIST_SECTIONS],
        pagers=pagers,
        comuni=_comune_options(actor),
        filters=filters,
        form=FormState(values={"comune": comune or ""}),
        mine=mine,
        partner_overdue=_partner_overdue(actor, comune),
        disabled_webhooks=webhooks.disabled_alert(actor),
        comune_names=dict(_comune_options(actor)),
    ), status


def _partner_overdue(actor, comune: str | None) -> list[dict] | None:
    """Referrals still waiting for the partner after the convention's response time (the
    partners service; None when it cannot be asked: the section says so)."""
    try:
        rows = partnerwork.list_overdue(actor)
    except RemoteError as exc:
        if exc.kind == "forbidden":
            return []
        raise
    except RpcError:
        return None
    return [r for r in rows if comune is None or r["comune_istat"] == comune]


# -- Anomalie -------------------------------------------------------------------------------------
ANOMALIES_PAGE_SIZE = 50


@bp.get("/anomalie")
@login_required
def anomalies():
    """Coordinators only (intake refuses the others, and the page says so)."""
    actor = web_actor()
    page = _int_arg("pagina", 1)
    status, found, error, forbidden = 200, None, None, None
    try:
        found = casework.list_anomalies(actor, page, ANOMALIES_PAGE_SIZE)
    except RemoteError as exc:
        if status_for_remote(exc) != 403:
            raise
        status, forbidden = 403, FORBIDDEN
    except RpcError as exc:
        status, error = (504 if isinstance(exc, ServiceTimeout) else 503), _(UNAVAILABLE)
    pages = max(1, -(-found["total"] // ANOMALIES_PAGE_SIZE)) if found else 1
    return render_template(
        "anomalie.html",
        found=found,
        error=error,
        forbidden=forbidden,
        page=min(page, pages),
        pages=pages,
        window=page_window(min(page, pages), pages),
    ), status


# -- Fotografia -----------------------------------------------------------------------------------
def _period(args) -> tuple[FormState, str | None, str | None, str | None]:
    """The period form (``dal``, ``al``, ``comune``); the current year so far by default."""
    today = agency_time.today()
    state = FormState(
        values={
            "dal": args.get("dal") or date(today.year, 1, 1).isoformat(),
            "al": args.get("al") or today.isoformat(),
            "comune": args.get("comune") or "",
        }
    )
    found = {}
    for name in ("dal", "al"):
        try:
            found[name] = parse_date(state.values[name]).isoformat()
        except ValueError as exc:
            state.error(name, str(exc))
    if len(found) == 2 and found["dal"] > found["al"]:
        state.error("al", _("La fine del periodo non può precedere l'inizio."))
    comune = state.values["comune"] or None
    if comune and comune not in web_actor().comuni:
        state.error("comune", _("Seleziona uno dei comuni di tua competenza."))
    return state, found.get("dal"), found.get("al"), comune


@bp.get("/fotografia")
@login_required
def fotografia():
    actor = web_actor()
    state, date_from, date_to, comune = _period(request.args)
    status, data, error = 200, None, None
    if state.errors:
        status = 422
    else:
        try:
            data = casework.get_fotografia(actor, date_from, date_to, comune)
        except RemoteError:
            raise
        except RpcError as exc:
            status, error = (504 if isinstance(exc, ServiceTimeout) else 503), _(UNAVAILABLE)
    return render_template(
        "fotografia.html",
        form=state,
        data=data,
        error=error,
        comuni=_comune_options(actor),
        tables=tables(data, labels.label) if data else [],
        csv_args={"dal": date_from, "al": date_to, "comune": comune or ""},
    ), status


def _export() -> tuple[dict, str, str, str | None]:
    """The counts of the period asked for a download (a bad period is a 422, not a file)."""
    state, date_from, date_to, comune = _period(request.args)
    if state.errors:
        raise Problem(422, _("Periodo non valido."), title=_("Dati non validi"), localized=True)
    data = casework.get_fotografia(web_actor(), date_from, date_to, comune)
    return data, date_from, date_to, comune


def _download(body: bytes, content_type: str, filename: str) -> Response:
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/fotografia.csv")
@login_required
def fotografia_csv():
    """The page's counts for a spreadsheet: ``;``, decimal comma, UTF-8 with BOM, labels."""
    data, date_from, date_to, comune = _export()
    return _download(
        to_spreadsheet_csv(data, labels.italian),
        "text/csv; charset=utf-8",
        csv_filename(date_from, date_to, comune),
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/fotografia.xlsx")
@login_required
def fotografia_xlsx():
    """The same counts as an Excel workbook."""
    data, date_from, date_to, comune = _export()
    period = f"dal {parse_date(date_from):%d/%m/%Y} al {parse_date(date_to):%d/%m/%Y}"
    return _download(
        to_xlsx(data, labels.italian, period),
        XLSX,
        csv_filename(date_from, date_to, comune, "xlsx"),
    )
