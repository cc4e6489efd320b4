"""Codici fiscali that contradict their member (issue 8, item 11): the warnings of a household
about to be sent, and the coordinator's list of the open cases that have one.

A valid code whose birth date or letters do not match the member is stored (it may be right and
the other field wrong; only the operator can tell) and flagged: ``codice_fiscale.coherence`` is
the rule, applied when the member is written, and its warnings are stored on the member
(``codice_fiscale_warnings``, NULL when there are none; migration 0008 filled the members already
stored). The list reads the members that have warnings through a partial index, joined with the
open cases in the actor's comuni (cases still to be triaged or in charge: a closed case is no
longer worked on), one page at a time, and audits each case it shows."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import reference
from ..adapters.models import HouseholdMember, Referral
from ..domain import codice_fiscale, lifecycle, permissions
from . import audit


def check_household(members) -> list[dict]:
    """``[{member, codice_fiscale, code, severity, ...}]`` for the members (``household.Member``)
    of a referral not yet sent: nothing is stored or read."""
    return [
        {"member": index, "codice_fiscale": m.codice_fiscale, **warning}
        for index, m in enumerate(members)
        for warning in codice_fiscale.coherence(
            m.codice_fiscale, m.last_name, m.first_name, m.birth_date
        )
    ]


def flagged_members(comuni, *columns) -> Select:
    """``columns`` of the members with warnings in the open cases of ``comuni``: the partial
    index ``ix_household_member_anomalies`` finds the members, the referral's key the case."""
    return (
        select(*columns)
        .select_from(HouseholdMember)
        .join(Referral, Referral.id == HouseholdMember.referral_id)
        .where(
            HouseholdMember.codice_fiscale_warnings.is_not(None),
            Referral.comune_istat.in_(comuni),
            Referral.status.in_(lifecycle.OPEN),
        )
    )


def page_of_flagged_members(comuni, page: int, page_size: int) -> Select:
    """One page of them, newest case first (``make bench`` prints its plan)."""
    return (
        flagged_members(
            comuni, HouseholdMember, Referral.comune_istat, Referral.received_at, Referral.status
        )
        .order_by(Referral.received_at.desc(), Referral.id, HouseholdMember.position)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )


def list_anomalies(
    db: Db, actor: Actor, page: int, page_size: int, purpose: str | None = None
) -> dict:
    """One page of the members of open cases whose codice fiscale contradicts them, newest case
    first: ``{items: [{referral_id, comune_name, received_at, status, member: {...},
    warnings}], total, page, page_size}``."""
    permissions.ensure(actor.role, permissions.READ_ANOMALIES)
    result: dict = {"items": [], "total": 0, "page": page, "page_size": page_size}
    if not actor.comuni:
        return result
    with db.transaction() as tx:
        result["total"] = tx.session.scalar(flagged_members(actor.comuni, func.count()))
        rows = tx.session.execute(page_of_flagged_members(actor.comuni, page, page_size))
        for member, comune, received_at, status in rows:
            result["items"].append(
                {
                    "referral_id": member.referral_id,
                    "comune_istat": comune,
                    "comune_name": reference.comune_name(comune),
                    "received_at": received_at,
                    "status": status,
                    "member": {
                        "codice_fiscale": member.codice_fiscale,
                        "last_name": member.last_name,
                        "first_name": member.first_name,
                        "birth_date": member.birth_date,
                        "relation": member.relation,
                    },
                    "warnings": member.codice_fiscale_warnings,
                }
            )
        shown = {item["referral_id"]: item["comune_istat"] for item in result["items"]}
        for referral_id, comune in shown.items():
            audit.record(tx.session, actor, "list_anomalies", referral_id, purpose, comune)
    return result
