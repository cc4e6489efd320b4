"""/fondi: the budget ledger for coordinators: every budget line of their comuni (fund, year,
source, comune) with programmato, ammesso, impegnato, erogato and what is still available, in
euro the Italian way, with the totals per fund; and one line's page with its append-only
movements (who, when, why, for which measure). The funds service decides who may read it and
which lines; the page is offered only to the roles that may."""

from __future__ import annotations

from flask import render_template

from .. import backend, funds_ledger, roles
from ..auth import login_required, web_actor
from ..errors import Problem
from ..i18n import N_, _
from . import bp

FUND_WORDS = {
    "misura_unica": N_("Misura unica affitto"),
    "fondo_affitto_ambito": N_("Fondo affitto di ambito"),
    "morosita_incolpevole": N_("Morosità incolpevole"),
    "fondo_garanzia": N_("Fondo di garanzia"),
    "microcredito": N_("Microcredito"),
    "progetto": N_("Progetti finanziati"),
    "agenzia": N_("Fondi dell'agenzia"),
}
SOURCE_WORDS = {
    "regione_lombardia": N_("Regione Lombardia"),
    "comune": N_("Comune"),
    "pon_metro": N_("PON Metro"),
    "pnrr": N_("PNRR"),
    "fondazione_cariplo": N_("Fondazione Cariplo"),
    "ministero": N_("Fondi ministeriali"),
    "fwa": N_("Fondazione Welfare Ambrosiano"),
    "agenzia": N_("Agenzia"),
}
KIND_WORDS = {
    "programming": N_("Programmazione"),
    "allocation": N_("Ammissione a finanziamento"),
    "commitment": N_("Impegno"),
    "payment": N_("Pagamento"),
    "correction": N_("Rettifica"),
    "move_out": N_("Storno in uscita"),
    "move_in": N_("Storno in entrata"),
}


def _words() -> dict:
    return {
        "funds": {code: _(word) for code, word in FUND_WORDS.items()},
        "sources": {code: _(word) for code, word in SOURCE_WORDS.items()},
        "kinds": {code: _(word) for code, word in KIND_WORDS.items()},
    }


def _coordinator():
    actor = web_actor()
    if not roles.may(actor.role, roles.READ_LEDGER):
        raise Problem(
            403,
            _("Il bilancio dei fondi è consultabile dal coordinamento."),
            title=_("Accesso non consentito"),
            localized=True,
        )
    return actor


@bp.get("/fondi")
@login_required
def funds_ledger_page():
    actor = _coordinator()
    summary = funds_ledger.ledger_summary(actor)
    return render_template(
        "fondi/list.html",
        summary=summary,
        words=_words(),
        comuni=backend.comune_names(actor),
    )


@bp.get("/fondi/linee/<line_id>")
@login_required
def funds_ledger_line(line_id):
    actor = _coordinator()
    detail = funds_ledger.line_movements(actor, line_id)
    return render_template(
        "fondi/line.html",
        line=detail["line"],
        movements=detail["movements"],
        words=_words(),
        comuni=backend.comune_names(actor),
    )
