"""Tenant scope: an actor acts on a comune only if its ISTAT code is among the actor's comuni.
No role is exempt: a ``system`` actor carries the comuni it works for like everyone else."""

from __future__ import annotations

from collections.abc import Iterable


def in_scope(actor_comuni: Iterable[str], comune_istat: str) -> bool:
    return comune_istat in set(actor_comuni)


def visible_comuni(actor_comuni: Iterable[str], requested: str | None = None) -> list[str]:
    """The comuni a query may read: all of the actor's, or only ``requested`` if it is one of
    them (an out-of-scope filter sees nothing, as if the comune had no referrals)."""
    comuni = sorted(set(actor_comuni))
    if requested is None:
        return comuni
    return [requested] if requested in comuni else []
