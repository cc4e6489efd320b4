"""The Accessi tab of a case (/schede/<id>/accessi): who read or changed the household's data in
every service, when, with which role and why, filterable by period, operator and service; and
the household's own access report (GDPR art. 15), printable and as CSV, itself recorded as an
export. The tab shows the trail newest first, PAGE_SIZE rows a page (a busy case has hundreds);
the report always has every row, oldest first. Coordinators of the case's comuni only: intake
refuses the others (403, or 404 for another comune's case) before anything is shown."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request, url_for

from .. import access_log, agency_time, casework
from ..auth import login_required, web_actor
from ..i18n import N_
from . import bp, pager
from .case_forms import FormState
from .case_views import TABS
from .views import _int_arg

DATE_MESSAGE = N_("Indica una data valida (gg/mm/aaaa o aaaa-mm-gg).")
ORDER_MESSAGE = N_("La data finale viene prima di quella iniziale.")
PAGE_SIZE = 25


def _filters(args) -> tuple[dict, FormState]:
    state = FormState(
        values={k: (args.get(k) or "").strip() for k in ("dal", "al", "operatore", "servizio")}
    )
    chosen = {
        "operator": state.values["operatore"] or None,
        "service": state.values["servizio"]
        if state.values["servizio"] in access_log.SERVICES
        else None,
    }
    for field, key in (("dal", "date_from"), ("al", "date_to")):
        text = state.values[field]
        chosen[key] = None
        if text:
            try:
                chosen[key] = _day(text)
            except ValueError:
                state.error(field, DATE_MESSAGE)
    if chosen["date_from"] and chosen["date_to"] and chosen["date_from"] > chosen["date_to"]:
        state.error("al", ORDER_MESSAGE)
    return chosen, state


def _day(text: str) -> date:
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


@bp.get("/schede/<referral_id>/accessi")
@login_required
def case_access(referral_id):
    actor = web_actor()
    trail = access_log.access_trail(actor, referral_id)
    chosen, state = _filters(request.args)
    entries = trail["entries"] if state.errors else access_log.filtered(trail["entries"], **chosen)
    searched = {name: value for name, value in state.values.items() if value}
    pages = pager(
        len(entries),
        PAGE_SIZE,
        _int_arg("pagina", 1),
        lambda n: url_for("web.case_access", referral_id=referral_id, pagina=n, **searched),
    )
    first = (pages["page"] - 1) * PAGE_SIZE
    return render_template(
        "cases/accessi.html",
        case=None,
        referral_id=referral_id,
        tab="accessi",
        tabs=TABS,
        entries=entries[::-1][first : first + PAGE_SIZE],
        found=len(entries),
        total=len(trail["entries"]),
        pages=pages,
        newest_first=True,
        unavailable=trail["unavailable"],
        operators=[(sub, sub) for sub in access_log.operators(trail["entries"])],
        form=state,
        services=access_log.SERVICES,
        roles=access_log.ROLES,
        actions=access_log.ACTIONS,
    ), 422 if state.errors else 200


@bp.get("/schede/<referral_id>/accessi/rapporto")
@login_required
def case_access_report(referral_id):
    """The household's access report, a printable page (recorded as an export)."""
    actor = web_actor()
    trail = access_log.access_trail(actor, referral_id, export=True)
    case = casework.get_case(actor, referral_id)
    return render_template(
        "cases/accessi_rapporto.html",
        case=case,
        referral_id=referral_id,
        entries=trail["entries"],
        unavailable=trail["unavailable"],
        services=access_log.SERVICES,
        roles=access_log.ROLES,
        actions=access_log.ACTIONS,
        printed_on=agency_time.today(),
    )


@bp.get("/schede/<referral_id>/accessi/rapporto.csv")
@login_required
def case_access_report_csv(referral_id):
    """The same report as CSV (recorded as an export)."""
    trail = access_log.access_trail(web_actor(), referral_id, export=True)
    filename = f"accessi-{referral_id}.csv"
    return Response(
        access_log.to_csv(trail["entries"]),
        mimetype="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
