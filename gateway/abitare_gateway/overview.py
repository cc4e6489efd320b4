"""One referral as the four services know it: the scheda (intake), the funds file (funds), the
housing need (housing_stock) and the partner deliveries (partners).

Intake decides visibility: its ``ReferralNotFound`` (missing, or another comune's) makes the whole
overview a 404 before anyone else is asked. The other three are asked in parallel; one that is
down, slow or has no record yet gives its section a status instead of failing the page:

- ``disponibile``      the service answered; ``data`` holds its record
- ``in_attesa``        the service answers but has no record yet (it has not processed the event)
- ``non_disponibile``  the service is not running, did not answer in time, or failed
"""

from __future__ import annotations

import logging

from abitare_chassis.actor import MUNICIPAL_CLIENT, Actor

from . import backend, purposes
from .errors import status_for_remote
from .rpc import RemoteError, RpcError

log = logging.getLogger(__name__)

AVAILABLE, PENDING, UNAVAILABLE = "disponibile", "in_attesa", "non_disponibile"

# section -> (service, method)
SECTIONS = {
    "funds_file": ("funds", "get_funds_file"),
    "housing_need": ("housing_stock", "get_housing_need"),
    "partner_deliveries": ("partners", "get_deliveries"),
}


def section(status: str, data=None) -> dict:
    return {"status": status, "data": data}


def _ask(client, timeout, service, method, actor, referral_id, purpose) -> dict:
    try:
        data = client.call(service, method, actor, referral_id, purpose=purpose, timeout=timeout)
    except RemoteError as exc:
        if status_for_remote(exc) == 404:
            return section(PENDING)
        log.warning("overview: %s.%s failed: %s", service, method, exc)
        return section(UNAVAILABLE)
    except RpcError as exc:
        log.warning("overview: %s.%s unavailable: %s", service, method, exc)
        return section(UNAVAILABLE)
    if data is None or data == []:
        return section(PENDING, [] if isinstance(data, list) else None)
    return section(AVAILABLE, data)


def referral_overview(actor: Actor, referral_id: str, fetch=None) -> dict:
    """Raises ``RemoteError`` (``ReferralNotFound``...) when intake refuses the referral, and an
    :class:`RpcError` when intake is away and the caller is a municipal client (it may see no
    more than intake shows it). ``fetch(actor, referral_id)`` reads intake's section
    (``get_referral``; the case page passes ``get_case``). The three services record why the
    data is read:
    the purpose of the current route (:mod:`purposes`)."""
    fetch = fetch or backend.get_referral
    try:
        referral = section(AVAILABLE, fetch(actor, referral_id))
    except RemoteError:
        raise
    except RpcError:
        if actor.role == MUNICIPAL_CLIENT:
            raise
        referral = section(UNAVAILABLE)

    return {"referral_id": referral_id, "referral": referral, **ask(actor, referral_id, SECTIONS)}


def ask(actor: Actor, referral_id: str, sections: dict) -> dict:
    """``{name: section}`` for ``{name: (service, method)}``, asked in parallel, each with the
    purpose of the current route; one that fails gives its section a status, not an error."""
    client, timeout = backend.rpc(), backend.rpc_timeout()
    futures = {
        name: backend.executor().submit(
            _ask, client, timeout, service, method, actor, referral_id, purposes.current()
        )
        for name, (service, method) in sections.items()
    }
    return {name: future.result() for name, future in futures.items()}
