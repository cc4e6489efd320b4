"""The referral use cases: submit, get, list. They take the service's chassis ``Db`` and the
verified actor, and return plain records (dicts) for the schemas to dump."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import events, reference
from ..adapters.models import HouseholdMember, Referral
from ..domain import clock, codice_fiscale, household, permissions
from ..domain.scope import in_scope, visible_comuni
from ..domain.vocabulary import HEAD_OF_HOUSEHOLD, STATUS_RECEIVED
from ..errors import IdempotencyKeyReused, ReferralForbidden, ReferralNotFound
from . import audit, cases

REFERRAL_FIELDS = (
    "comune_istat",
    "referring_body",
    "referring_body_name",
    "problem_reported",
    "housing_situation",
    "description",
    "eviction_date",
    "monthly_net_income_cents",
    "monthly_rent_cents",
    "contact_phone",
    "idempotency_key",
)


# -- submit ---------------------------------------------------------------------------------
def submit_referral(db: Db, actor: Actor, data: dict) -> dict:
    """Store the referral and its household and emit ``referral_received``, in one transaction.
    The same actor sending the same ``idempotency_key`` with the same payload again gets the
    first referral back; with a different payload, ``IdempotencyKeyReused`` (nothing stored)."""
    if not in_scope(actor.comuni, data["comune_istat"]):
        raise ReferralForbidden(
            f"comune {data['comune_istat']} is outside the actor's scope",
            comune_istat=data["comune_istat"],
        )
    key = data.get("idempotency_key")
    fingerprint = payload_hash(data)
    try:
        with db.transaction() as tx:
            if key and (existing := _find_by_key(tx.session, actor, key, fingerprint)):
                return existing
            referral = _new_referral(actor, data)
            referral.idempotency_payload_hash = fingerprint if key else None
            tx.session.add(referral)
            tx.session.flush()
            record = referral_record(referral)
            tx.emit(
                events.REFERRAL_RECEIVED,
                events.referral_received(record),
                actor=actor,
                subject=referral.id,
                tenant=referral.comune_istat,
            )
            tx.emit(
                events.REFERRAL_RECEIVED_V2,
                envelope=events.referral_received_v2_envelope(record, actor),
            )
    except IntegrityError:
        # A concurrent call with the same key committed first: answer with its referral.
        if key:
            with db.session() as session:
                if existing := _find_by_key(session, actor, key, fingerprint):
                    return existing
        raise
    return record


def _new_referral(actor: Actor, data: dict) -> Referral:
    received_at = data.get("received_at") or clock.now()
    members = data["household"]
    received_on = clock.local_date(received_at)
    counts = household.composition(members, received_on)
    head_sex = codice_fiscale.sex(household.head(members).codice_fiscale)
    return Referral(
        id=str(uuid.uuid4()),
        received_at=received_at,
        updated_at=clock.now(),
        status=STATUS_RECEIVED,
        household_size=counts.size,
        minors=counts.minors,
        over_65=counts.over_65,
        household_composition=household.classify(members, received_on, head_sex),
        submitted_by=actor.sub,
        **{name: data.get(name) for name in REFERRAL_FIELDS},
        members=[
            HouseholdMember(
                position=i,
                codice_fiscale=m.codice_fiscale.upper(),
                first_name=m.first_name,
                last_name=m.last_name,
                birth_date=m.birth_date,
                relation=m.relation,
                last_name_key=household.search_key(m.last_name),
                first_name_key=household.search_key(m.first_name),
                codice_fiscale_warnings=codice_fiscale.coherence(
                    m.codice_fiscale.upper(), m.last_name, m.first_name, m.birth_date
                )
                or None,
            )
            for i, m in enumerate(members)
        ],
    )


def _find_by_key(session: Session, actor: Actor, key: str, fingerprint: str) -> dict | None:
    referral = session.scalars(
        select(Referral)
        .options(selectinload(Referral.members))
        .where(Referral.submitted_by == actor.sub, Referral.idempotency_key == key)
    ).one_or_none()
    if referral is None:
        return None
    if not in_scope(actor.comuni, referral.comune_istat):
        raise ReferralForbidden(
            f"comune {referral.comune_istat} is outside the actor's scope",
            comune_istat=referral.comune_istat,
        )
    if referral.idempotency_payload_hash not in (None, fingerprint):
        raise IdempotencyKeyReused(key)
    return referral_record(referral)


def payload_hash(data: dict) -> str:
    """SHA-256 of the validated payload (without the key) as canonical JSON: what the client
    asked for, whatever the key order or spacing it sent."""
    canonical = {name: value for name, value in data.items() if name != "idempotency_key"}
    canonical["household"] = [
        {
            "codice_fiscale": m.codice_fiscale.upper(),
            "first_name": m.first_name,
            "last_name": m.last_name,
            "birth_date": m.birth_date,
            "relation": m.relation,
        }
        for m in data["household"]
    ]
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


# -- read -----------------------------------------------------------------------------------
def get_referral(db: Db, actor: Actor, referral_id, purpose: str | None = None) -> dict:
    if not isinstance(referral_id, str) or not actor.comuni:
        raise ReferralNotFound(f"referral {referral_id} not found", referral_id=str(referral_id))
    with db.transaction() as tx:
        referral = tx.session.scalars(
            select(Referral)
            .options(selectinload(Referral.members))
            .where(Referral.id == referral_id, cases.visible(actor))
        ).one_or_none()
        if referral is None:
            raise ReferralNotFound(
                f"referral {referral_id} not found", referral_id=str(referral_id)
            )
        audit.record(tx.session, actor, "get_referral", referral.id, purpose)
        return referral_record(referral)


def list_referrals(
    db: Db,
    actor: Actor,
    comune_istat: str | None,
    page: int,
    page_size: int,
    purpose: str | None = None,
    **criteria,
) -> dict:
    """Summaries newest first, one page, narrowed by the search ``criteria`` of
    :class:`~intake.schemas.referrals.ListReferralsQuery`: a count and one query (the page of
    referrals, then their heads joined to those rows only), each condition served by an index
    (docs/STATUS.md, bench part 2). Each referral listed (its head's name) is audited in the
    same transaction, with the purpose of the search. The grade and the assignee are case
    work: only roles that read cases search by them or see them."""
    case_reader = permissions.may(actor.role, permissions.READ_CASE)
    if criteria.get("grade") or criteria.get("assigned_to"):
        permissions.ensure(actor.role, permissions.READ_CASE)
    comuni = visible_comuni(actor.comuni, comune_istat)
    result = {"items": [], "total": 0, "page": page, "page_size": page_size}
    if not comuni:
        return result
    where = [cases.visible(actor, comuni), *_search_conditions(**criteria)]
    page_rows = (
        select(
            Referral.id,
            Referral.comune_istat,
            Referral.received_at,
            Referral.status,
            Referral.referring_body,
            Referral.problem_reported,
            Referral.housing_situation,
            Referral.household_size,
            Referral.current_grade,
            Referral.assigned_to,
        )
        .where(*where)
        .order_by(Referral.received_at.desc(), Referral.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
        .subquery("page_rows")
    )
    head = aliased(HouseholdMember)
    query = (
        select(page_rows, head.last_name, head.first_name)
        .outerjoin(
            head, and_(head.referral_id == page_rows.c.id, head.relation == HEAD_OF_HOUSEHOLD)
        )
        .order_by(page_rows.c.received_at.desc(), page_rows.c.id.desc())
    )
    with db.transaction() as tx:
        session = tx.session
        result["total"] = session.scalar(select(func.count()).select_from(Referral).where(*where))
        rows = session.execute(query).mappings().all() if result["total"] else []
        for row in rows:
            audit.record(session, actor, "list_referrals", row["id"], purpose, row["comune_istat"])
    result["items"] = [_summary(row, case_reader) for row in rows]
    return result


def _search_conditions(
    last_name: str | None = None,
    first_name: str | None = None,
    codice_fiscale: str | None = None,
    status: str | None = None,
    grade: int | None = None,
    assigned_to: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
) -> list:
    """SQL conditions on ``referral``. Names arrive as search keys; a member condition is an
    ``IN`` over household members found through their own index."""
    conditions = []
    members = []
    if codice_fiscale:
        members.append(HouseholdMember.codice_fiscale == codice_fiscale.upper())
    for column, key in (
        (HouseholdMember.last_name_key, last_name),
        (HouseholdMember.first_name_key, first_name),
    ):
        if key:
            members.append(starts_with(column, key))
    if members:
        conditions.append(
            Referral.id.in_(select(HouseholdMember.referral_id).where(and_(*members)))
        )
    if status:
        conditions.append(Referral.status == status)
    if grade:
        conditions.append(Referral.current_grade == grade)
    if assigned_to:
        conditions.append(Referral.assigned_to == assigned_to)
    if received_from:
        conditions.append(Referral.received_at >= clock.start_of_local_day(received_from))
    if received_to:
        conditions.append(
            Referral.received_at < clock.start_of_local_day(received_to + timedelta(days=1))
        )
    return conditions


def starts_with(column, key: str):
    """``column`` begins with ``key``, as a range the column's B-tree index serves on SQLite
    and PostgreSQL alike (``LIKE 'key%'`` uses it only under particular collations): keys are
    compared by code point, as the "C" collation of intake's databases does."""
    upper = key[:-1] + chr(ord(key[-1]) + 1)
    return and_(column >= key, column < upper)


def _summary(row, case_reader: bool) -> dict:
    summary = dict(row)
    if not case_reader:
        del summary["current_grade"], summary["assigned_to"]
    summary["comune_name"] = reference.comune_name(row["comune_istat"])
    summary["head_name"] = household.head_name(summary.pop("last_name"), summary.pop("first_name"))
    return summary


# -- records --------------------------------------------------------------------------------
def referral_record(referral: Referral) -> dict:
    """Everything the contract shows of a referral (members must be loaded)."""
    return {
        "id": referral.id,
        "comune_istat": referral.comune_istat,
        "comune_name": reference.comune_name(referral.comune_istat),
        "received_at": referral.received_at,
        "status": referral.status,
        "referring_body": referral.referring_body,
        "referring_body_name": referral.referring_body_name,
        "problem_reported": referral.problem_reported,
        "housing_situation": referral.housing_situation,
        "description": referral.description,
        "eviction_date": referral.eviction_date,
        "monthly_net_income_cents": referral.monthly_net_income_cents,
        "monthly_rent_cents": referral.monthly_rent_cents,
        "contact_phone": referral.contact_phone,
        "household": [
            {
                "codice_fiscale": m.codice_fiscale,
                "first_name": m.first_name,
                "last_name": m.last_name,
                "birth_date": m.birth_date,
                "relation": m.relation,
                "codice_fiscale_warnings": m.codice_fiscale_warnings or [],
            }
            for m in referral.members
        ],
        "household_size": referral.household_size,
        "minors": referral.minors,
        "over_65": referral.over_65,
        "submitted_by": referral.submitted_by,
    }
