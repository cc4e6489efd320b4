"""Who may reach the case path through the API.

The comuni's systems (``municipal_client``) may send referrals and read their own referrals and
the status of those; for them nothing else of the case path exists (404, as for another tenant's
id), so they cannot even learn whether a case file, a meeting or a statistic is there. Every
other role rule is intake's: its ``*Forbidden`` becomes 403.
"""

from __future__ import annotations

import re

from abitare_chassis.actor import MUNICIPAL_CLIENT, Actor

from ..auth import api_actor
from ..errors import Problem

RESOURCE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def operator_actor_or_404() -> Actor:
    actor = api_actor()
    if actor.role == MUNICIPAL_CLIENT:
        raise Problem(404, "There is nothing at this address.")
    return actor


def checked_id(value: str, what: str = "resource") -> str:
    if not RESOURCE_ID.match(value):
        raise Problem(404, f"No such {what}.")
    return value
