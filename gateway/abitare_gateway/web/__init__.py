"""The operators' web UI: server-rendered Jinja pages in Italian, Bootstrap Italia styles.

Every form POST carries the session's CSRF token; pages are usable with the keyboard alone and
without JavaScript (JavaScript only makes adding household members quicker).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import Blueprint, Flask, request, url_for

from .. import accounts, labels, roles
from ..accounts import actor_name
from ..agency_time import AGENCY_TZ
from ..auth import csrf_token, csrf_valid, current_operator
from ..error_texts import error_text, warning_text
from ..errors import Problem
from ..i18n import _
from ..money import cents_to_euro_input, format_euro

log = logging.getLogger(__name__)

bp = Blueprint("web", __name__)


@bp.before_request
def require_csrf_token():
    if request.method == "POST" and not csrf_valid():
        raise Problem(
            400,
            _("Il modulo è scaduto o non è valido: ricarica la pagina e riprova."),
            title=_("Modulo non valido"),
            localized=True,
        )


# -- template filters ---------------------------------------------------------------------------
def date_it(value) -> str:
    """``2025-05-31`` -> ``31/05/2025``."""
    if not value:
        return "—"
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return day.strftime("%d/%m/%Y")


def datetime_it(value) -> str:
    """An ISO timestamp -> ``31/05/2025 14:05`` in Italian time."""
    if not value:
        return "—"
    try:
        moment = (
            value
            if isinstance(value, datetime)
            else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        )
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(AGENCY_TZ)
    return moment.strftime("%d/%m/%Y %H:%M")


def percent_it(value) -> str:
    """``"0.4512"`` -> ``"45,1 %"``; ``"0.30"`` -> ``"30 %"``."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value)) * 100
    except InvalidOperation:
        return str(value)
    text = f"{number.quantize(Decimal('0.1'))}".replace(".", ",")
    return f"{text.removesuffix(',0')} %"


def label_filter(code, table: str) -> str:
    """``{{ item.problem_reported | label('problem_reported') }}``"""
    return labels.label(table, code)


def may(action: str) -> bool:
    """``{% if may('commission') %}``: whether the signed-in operator's role may take ``action``
    (intake's role table, :mod:`roles`)."""
    operator = current_operator()
    return operator is not None and roles.may(operator.role, action)


def manages_accounts() -> bool:
    operator = current_operator()
    return operator is not None and bool(accounts.grantable(operator))


def vendor_url(path: str) -> str:
    return url_for("static", filename=f"vendor/{path}")


def init_app(app: Flask) -> None:
    from . import (  # noqa: F401
        access_views,
        admin_views,
        case_funds_views,
        case_guarantee_views,
        case_partner_views,
        case_record_views,
        case_rent_fund_views,
        case_views,
        commission_views,
        funds_views,
        partner_views,
        rent_fund_views,
        views,
        webhook_views,
        work_views,
    )

    app.register_blueprint(bp)
    app.add_template_filter(date_it)
    app.add_template_filter(datetime_it)
    app.add_template_filter(percent_it)
    app.add_template_filter(format_euro, "euro")
    app.add_template_filter(cents_to_euro_input, "euro_input")
    app.add_template_filter(label_filter, "label")
    app.add_template_filter(actor_name, "who")
    app.add_template_filter(warning_text, "warning_text")
    app.add_template_filter(error_text, "error_text")

    @app.context_processor
    def globals_for_templates():
        return {
            "csrf_token": csrf_token,
            "current_operator": current_operator,
            "vendor_url": vendor_url,
            "labels": labels,
            "may": may,
            "manages_accounts": manages_accounts,
        }

    vendor = Path(app.static_folder) / "vendor"
    if not (vendor / "bootstrap-italia").is_dir():
        log.warning(
            "Bootstrap Italia is not installed in %s: run gateway/scripts/"
            "install_assets.sh (pages work, unstyled)",
            vendor,
        )
    app.extensions["abitare_assets"] = vendor.is_dir()


def page_window(page: int, pages: int, radius: int = 2) -> list[int | None]:
    """Page numbers to show, ``None`` for a gap: ``1 … 4 5 [6] 7 8 … 20``."""
    shown = sorted({1, pages, *range(max(1, page - radius), min(pages, page + radius) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


def pager(total: int, page_size: int, page: int, url_for_page) -> dict:
    """What the pagination macro shows for ``total`` rows: ``page`` (clamped), ``pages``, and
    ``links`` ``[(number or None for a gap, url)]``; ``url_for_page(n)`` builds each link."""
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    return {
        "page": page,
        "pages": pages,
        "previous": url_for_page(page - 1) if page > 1 else None,
        "next": url_for_page(page + 1) if page < pages else None,
        "links": [
            (number, url_for_page(number) if number is not None else None)
            for number in page_window(page, pages)
        ],
    }
