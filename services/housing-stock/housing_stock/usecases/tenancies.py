"""Use cases on SAP tenancies: assign a SAP dwelling, book the monthly charges and the payments,
read the arrears balance with its age and early warning (``domain.arrears``), and the arrears
worklist of the actor's comuni (C.A.S.A., seed 003: prevent and reduce arrears, tell the comuni
about their SAP tenants). Scoped by the actor's comuni through the dwelling."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters.models import Dwelling, SapTenancy, TenancyEntry
from ..domain import permissions
from ..domain.arrears import arrears_balance
from ..domain.dwellings import AVAILABLE, OCCUPIED
from ..domain.inputs import Problems
from ..domain.matching import SAP
from ..errors import DwellingInvalid, DwellingNotAvailable, TenancyNotFound
from .dwellings import dwelling_in_scope, take

CHARGE = "addebito"
PAYMENT = "pagamento"
ENTRY_KINDS = (CHARGE, PAYMENT)


def assign_sap_dwelling(
    db: Db,
    actor: Actor,
    code: str,
    canone_applicato_cents: int,
    monthly_services_cents: int,
    started_on: date,
    referral_id: str | None = None,
) -> dict:
    """A SAP dwelling assigned to a household: the dwelling becomes ``occupata``."""
    permissions.ensure(actor.role, permissions.PLACE)
    problems = Problems()
    problems.at_least("canone_applicato_cents", canone_applicato_cents, 0)
    problems.at_least("monthly_services_cents", monthly_services_cents, 0)
    if problems.fields:
        raise DwellingInvalid(problems.fields)
    with db.transaction() as tx:
        dwelling = dwelling_in_scope(tx.session, actor, code)
        if dwelling.tenure != SAP:
            raise DwellingInvalid({"code": [{"code": "one_of", "choices": [SAP]}]})
        if dwelling.state != AVAILABLE:
            raise DwellingNotAvailable(code=code, state=dwelling.state)
        take(tx.session, dwelling, OCCUPIED, started_on)
        tenancy = SapTenancy(
            dwelling_id=dwelling.id,
            referral_id=referral_id,
            canone_applicato_cents=canone_applicato_cents,
            monthly_services_cents=monthly_services_cents,
            started_on=started_on,
            created_at=datetime.now(UTC),
        )
        tx.session.add(tenancy)
    return _record(tenancy, code)


def book(db: Db, actor: Actor, tenancy_id: int, kind: str, on: date, amount_cents: int) -> dict:
    """A charge (due on ``on``) or a payment (made on ``on``) on the tenancy."""
    permissions.ensure(actor.role, permissions.PLACE)
    problems = Problems()
    problems.one_of("kind", kind, ENTRY_KINDS)
    problems.at_least("amount_cents", amount_cents, 1)
    if problems.fields:
        raise DwellingInvalid(problems.fields)
    with db.transaction() as tx:
        tenancy, _ = _tenancy(tx.session, actor, tenancy_id)
        tx.session.add(
            TenancyEntry(
                tenancy_id=tenancy.id,
                kind=kind,
                booked_on=on,
                amount_cents=amount_cents,
                recorded_at=datetime.now(UTC),
            )
        )
    return {"tenancy_id": tenancy_id, "kind": kind, "on": on, "amount_cents": amount_cents}


def arrears(db: Db, actor: Actor, tenancy_id: int, on: date) -> dict:
    """The tenancy's arrears on ``on``: balance, oldest unpaid due date, age, months of rent,
    early warning, explained."""
    permissions.ensure(actor.role, permissions.PLACE)
    with db.transaction() as tx:
        tenancy, code = _tenancy(tx.session, actor, tenancy_id)
        entries = tx.session.scalars(
            select(TenancyEntry).where(TenancyEntry.tenancy_id == tenancy.id)
        ).all()
        _audit(tx.session, actor, "get_sap_arrears", tenancy)
    return _arrears_record(tenancy, code, entries, on)


def arrears_worklist(db: Db, actor: Actor, on: date) -> list[dict]:
    """The open tenancies of the actor's comuni whose arrears reached the early warning, the
    oldest arrears first."""
    permissions.ensure(actor.role, permissions.PLACE)
    with db.transaction() as tx:
        session = tx.session
        rows = session.execute(
            select(SapTenancy, Dwelling.code)
            .join(Dwelling, Dwelling.id == SapTenancy.dwelling_id)
            .where(Dwelling.comune_istat.in_(actor.comuni), SapTenancy.ended_on.is_(None))
        ).all()
        entries: dict[int, list[TenancyEntry]] = {}
        if rows:
            for entry in session.scalars(
                select(TenancyEntry).where(TenancyEntry.tenancy_id.in_([t.id for t, _ in rows]))
            ):
                entries.setdefault(entry.tenancy_id, []).append(entry)
        records = [_arrears_record(t, code, entries.get(t.id, []), on) for t, code in rows]
        warned = [r for r in records if r["warning"]]
        listed = {r["id"] for r in warned}
        for tenancy, _code in rows:
            if tenancy.id in listed:
                _audit(session, actor, "list_sap_arrears", tenancy)
    return sorted(warned, key=lambda r: (-r["age_days"], r["dwelling_code"]))


def _audit(session, actor: Actor, action: str, tenancy: SapTenancy) -> None:
    """A household's arrears read: on its case's Accessi (when the tenancy has a case)."""
    if tenancy.referral_id is None:
        return
    audit.record(
        session,
        actor,
        action,
        tenancy.referral_id,
        comune_istat=session.get(Dwelling, tenancy.dwelling_id).comune_istat,
        data_set="sap_tenancy",
    )


def _arrears_record(tenancy: SapTenancy, code: str, entries, on: date) -> dict:
    charges = [(e.booked_on, e.amount_cents) for e in entries if e.kind == CHARGE]
    payments = [(e.booked_on, e.amount_cents) for e in entries if e.kind == PAYMENT]
    monthly = tenancy.canone_applicato_cents + tenancy.monthly_services_cents
    balance = arrears_balance(charges, payments, max(monthly, 1), on)
    return _record(tenancy, code) | {
        "on": on,
        "balance_cents": balance.balance_cents,
        "oldest_unpaid_due_on": balance.oldest_unpaid_due_on,
        "age_days": balance.age_days,
        "months_of_rent": str(balance.months_of_rent),
        "warning": balance.warning,
        "explanation": balance.explanation,
        "to_verify": balance.to_verify,
    }


def _tenancy(session, actor: Actor, tenancy_id: int) -> tuple[SapTenancy, str]:
    found = session.execute(
        select(SapTenancy, Dwelling.code)
        .join(Dwelling, Dwelling.id == SapTenancy.dwelling_id)
        .where(SapTenancy.id == tenancy_id, Dwelling.comune_istat.in_(actor.comuni))
    ).first()
    if found is None:
        raise TenancyNotFound(tenancy_id=tenancy_id)
    return found[0], found[1]


def _record(t: SapTenancy, code: str) -> dict:
    return {
        "id": t.id,
        "dwelling_code": code,
        "referral_id": t.referral_id,
        "canone_applicato_cents": t.canone_applicato_cents,
        "monthly_services_cents": t.monthly_services_cents,
        "started_on": t.started_on,
        "ended_on": t.ended_on,
    }
