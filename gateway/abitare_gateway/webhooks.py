"""What the gateway asks partners about a partner's webhooks, in one place: the REST API
(``api/webhooks.py``) and the Consegne page (``web/webhook_views.py``) share these calls.

Every function is one RPC call with the request's actor; partners decides everything (only
coordinators; the URL's checks; the secret, returned once by register and rotate)."""

from __future__ import annotations

from abitare_chassis.actor import Actor

from .backend import rpc
from .rpc import RemoteError, RpcError


def _partners(method: str, actor: Actor, *args):
    return rpc().call("partners", method, actor, *args)


def list_webhooks(actor: Actor, partner_code: str) -> list[dict]:
    return _partners("list_webhooks", actor, partner_code)


def register_webhook(actor: Actor, partner_code: str, url: str) -> dict:
    return _partners("register_webhook", actor, partner_code, url)


def rotate_secret(actor: Actor, partner_code: str, endpoint_id: str) -> dict:
    return _partners("rotate_webhook_secret", actor, partner_code, endpoint_id)


def enable_webhook(actor: Actor, partner_code: str, endpoint_id: str) -> dict:
    return _partners("enable_webhook", actor, partner_code, endpoint_id)


def deliveries(actor: Actor, partner_code: str, endpoint_id: str, page=1, page_size=50) -> dict:
    return _partners("list_webhook_attempts", actor, partner_code, endpoint_id, page, page_size)


def replay(actor: Actor, partner_code: str, endpoint_id: str, body: dict) -> dict:
    return _partners("replay_webhook", actor, partner_code, endpoint_id, body)


def disabled_webhooks(actor: Actor) -> list[dict]:
    return _partners("list_disabled_webhooks", actor)


def disabled_alert(actor: Actor) -> list[dict] | None:
    """The coordinators' alert (Lavoro, the Partner list): every disabled endpoint, oldest
    first; [] for the other roles (partners refuses them), None when partners cannot be asked
    (the page says so)."""
    try:
        return disabled_webhooks(actor)
    except RemoteError as exc:
        if exc.kind == "forbidden":
            return []
        raise
    except RpcError:
        return None
