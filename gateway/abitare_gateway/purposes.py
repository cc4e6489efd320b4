"""Why a page or an API route reads personal data: the purpose intake writes in its audit row
(docs: issue 7, finding 6). One table, per route: an exact endpoint first, else its blueprint's.
A read from a route this table does not know is refused (``LookupError``): a new route must say
why it reads. ``tests/test_gateway_purposes.py`` walks every route."""

from __future__ import annotations

from flask import has_request_context, request

from .i18n import N_

TRIAGE = N_("triage")
CASE_MANAGEMENT = N_("gestione del caso")
COMMISSION = N_("commissione")
REPORTING = N_("rendicontazione")
REFERRALS = N_("invio e verifica delle schede")
DATA_QUALITY = N_("verifica della qualità dei dati")
PARTNER_REFERRAL = N_("invio a un partner con il consenso del nucleo")
PARTNER_CONVENTION = N_("servizio del partner previsto dalla convenzione")
FUND_APPLICATION = N_("istruttoria delle domande ai fondi dell'agenzia")
ACCESS_REQUEST = N_(
    "richiesta di accesso dell'interessato (art. 15 GDPR)"
)  # the household's report

BY_ENDPOINT = {
    "web.case_triage": TRIAGE,
    "web.case_assign": TRIAGE,
    "cases.Triage": TRIAGE,
    "cases.Assignment": TRIAGE,
    "cases.AssignableOperators": TRIAGE,
    "cases.Eligibility": TRIAGE,
    "cases.Duplicates": TRIAGE,
    "web.commission": COMMISSION,
    "web.commission_meeting": COMMISSION,
    "web.commission_proposal": COMMISSION,
    "web.commission_decision": COMMISSION,
    "web.commission_minutes": COMMISSION,
    "web.fotografia": REPORTING,
    "web.fotografia_csv": REPORTING,
    "web.case_timeline": CASE_MANAGEMENT,  # the household's timeline (Cronologia)
    "web.fotografia_xlsx": REPORTING,
    "web.anomalies": DATA_QUALITY,
    "web.referral_list": CASE_MANAGEMENT,
    "web.referral_new": CASE_MANAGEMENT,
    "web.rent_fund_window": FUND_APPLICATION,  # a window's ranking lists its households
    "web.rent_fund_windows": FUND_APPLICATION,
    "web.case_access_report": ACCESS_REQUEST,
    "web.case_access_report_csv": ACCESS_REQUEST,
}
BY_BLUEPRINT = {
    "cases": CASE_MANAGEMENT,
    "projects": CASE_MANAGEMENT,
    "worklist": CASE_MANAGEMENT,
    "commission": COMMISSION,
    "fotografia": REPORTING,
    "referrals": REFERRALS,
    "partner_referrals": PARTNER_REFERRAL,
    "partner_inbox": PARTNER_CONVENTION,
    "rent_fund": FUND_APPLICATION,
    "case_rent_fund": FUND_APPLICATION,
    "case_funds": CASE_MANAGEMENT,
    "funds_guarantee": CASE_MANAGEMENT,  # the case's guarantee fund (funds' audit)
}
WEB_CASE_PAGES = "web.case_"  # the case page's other tabs: managing the case


def purpose_of(endpoint: str | None) -> str:
    if endpoint in BY_ENDPOINT:
        return BY_ENDPOINT[endpoint]
    if endpoint and (
        endpoint.startswith(WEB_CASE_PAGES) or endpoint in ("web.referral_detail", "web.worklist")
    ):
        return CASE_MANAGEMENT
    blueprint = (endpoint or "").split(".", 1)[0]
    if blueprint in BY_BLUEPRINT:
        return BY_BLUEPRINT[blueprint]
    raise LookupError(f"no purpose of reading for route {endpoint!r}")


def current() -> str:
    """The purpose of the request being served."""
    if not has_request_context():
        raise LookupError("a read of personal data outside a request has no purpose")
    return purpose_of(request.endpoint)
