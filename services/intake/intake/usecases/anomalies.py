"""Codici fiscali that contradict their member (issue 8, item 11): the warnings of a household
about to be sent, and the coordinator's list of the open cases that have one.

A valid code whose birth date or letters do not match the member is stored (it may be right and
the other field wrong; only the operator can tell) and flagged: ``codice_fiscale.coherence`` is
the rule, computed when a record is read, so nothing is stored twice and a corrected member
leaves the list at once. The list reads the members of the open cases in the actor's comuni
(cases still to be triaged or in charge: a closed case is no longer worked on) and audits each
case it shows."""

from __future__ import annotations

from sqlalchemy import select

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
    query = (
        select(HouseholdMember, Referral.comune_istat, Referral.received_at, Referral.status)
        .join(Referral, Referral.id == HouseholdMember.referral_id)
        .where(Referral.comune_istat.in_(actor.comuni), Referral.status.in_(lifecycle.OPEN))
        .order_by(Referral.received_at.desc(), Referral.id, HouseholdMember.position)
    )
    with db.transaction() as tx:
        found = []
        for member, comune, received_at, status in tx.session.execute(query):
            warnings = codice_fiscale.coherence(
                member.codice_fiscale, member.last_name, member.first_name, member.birth_date
            )
            if warnings:
                found.append(
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
                        "warnings": warnings,
                    }
                )
        result["total"] = len(found)
        result["items"] = found[(page - 1) * page_size : page * page_size]
        shown = {item["referral_id"]: item["comune_istat"] for item in result["items"]}
        for referral_id, comune in shown.items():
            audit.record(tx.session, actor, "list_anomalies", referral_id, purpose, comune)
    return result
