"""Use cases of the landlord guarantee fund (rules: ``domain.guarantee``): enrol a canone
concordato contract of a case, file a landlord's claim on it, pay or refuse the claim, set the
tenant's plan to repay the fund and mark its instalments, read a case's covers and the fund's
exposure.

A case is the funds file of its referral (``referral_id``), read in the actor's comuni only
(outside them it does not exist). Each use case is one transaction: its rows, its audit row and
its events (``funds.guarantee_*.v1``, through the outbox) together. Bad input raises a typed
error with field codes and stores nothing. Enrolment and claims take a caller-given
``idempotency_key``: the same actor sending the same key and request again gets the first
answer back; with a different request, :class:`GuaranteeIdempotencyKeyReused`.

A claim is assessed with the terms the cover was enrolled with (the parameters stored on it),
so a cover keeps the rule that applied when it began.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import events
from ..adapters.models import GuaranteeClaim, GuaranteeCover, GuaranteeInstalment
from ..domain import guarantee as rules
from ..domain import permissions
from ..domain.dates import local_date
from ..domain.parameters import DatedParameter
from ..errors import (
    FundsFilePseudonymised,
    GuaranteeClaimNotFound,
    GuaranteeClaimNotPayable,
    GuaranteeCoverNotFound,
    GuaranteeEntryRefused,
    GuaranteeIdempotencyKeyReused,
    GuaranteeInputInvalid,
)
from .files import _file_in_scope, writable_file

FILED, PAID, REFUSED = "filed", "paid", "refused"
DUE, MISSED = "due", "missed"
NO_TERMS_ON_DATE = "guarantee_no_terms_on_date"  # field error: no terms in force that day
CLAIM_NOT_PAID = "guarantee_claim_not_paid"  # field error: a plan repays a paid claim only
PLAN_EXISTS = "repayment_plan_exists"  # field error: the claim has its plan already
NOTHING_LEFT = "guarantee_cover_exhausted"  # field error: the cover's cap is paid out

ENROL_FIELDS = (
    "landlord_name",
    "dwelling_address",
    "monthly_rent_cents",
    "start_date",
    "duration_months",
    "attestazione",
    "gross_annual_income_cents",
)
CLAIM_FIELDS = (
    "arrears_from",
    "dwelling_recovered_on",
    "filed_on",
    "unpaid_rent_cents",
    "legal_costs_cents",
    "recovered_cents",
    "deposit_kept_cents",
    "documents",
)
PSEUDONYMISED_REASON = (
    "Motivazione rimossa alla pseudonimizzazione del caso (conservazione scaduta): restano "
    "l'esito, il rapporto canone/reddito, il massimale e i parametri applicati."
)
PSEUDONYMISED_EXPLANATION = (
    "Calcolo rimosso alla pseudonimizzazione del caso (conservazione scaduta): restano gli "
    "importi del fondo."
)


# -- enrol ------------------------------------------------------------------------------------
# -- enrol ------------------------------------------------------------------------------------
def enrol(db: Db, actor: Actor, referral_id: str, data: dict) -> dict:
    """Enrol the contract ``data`` (``ENROL_FIELDS``, optional ``idempotency_key``) for the
    case, checked with the terms in force on its start date; refused with the reasons
    (:class:`GuaranteeEntryRefused`, nothing stored) when the check fails."""
    permissions.ensure(actor.role, permissions.ENROL_GUARANTEE)
    key = data.get("idempotency_key")
    fingerprint = _fingerprint(referral_id, data, ENROL_FIELDS)

    def find(session: Session) -> dict | None:
        found = _by_key(session, actor, GuaranteeCover.created_by, key, fingerprint)
        return None if found is None else cover_record(found, [])

    def write(tx) -> dict:
        file = writable_file(tx.session, actor, referral_id)
        terms = rules.terms_on(data["start_date"])
        if terms is None:
            raise GuaranteeInputInvalid({"start_date": [{"code": NO_TERMS_ON_DATE}]})
        check = rules.check_entry(
            monthly_rent_cents=data["monthly_rent_cents"],
            gross_annual_income_cents=data["gross_annual_income_cents"],
            start_date=data["start_date"],
            duration_months=data["duration_months"],
            attestazione=data["attestazione"],
            terms=terms,
        )
        if not check.eligible:
            raise GuaranteeEntryRefused(check.reasons, _text(check.rent_to_gross_income))
        cover = GuaranteeCover(
            id=str(uuid.uuid4()),
            referral_id=file.referral_id,
            comune_istat=file.comune_istat,
            **{name: data[name] for name in ENROL_FIELDS},
            ends_on=check.cover_ends_on,
            eligible=check.eligible,
            rent_to_gross_income=_text(check.rent_to_gross_income),
            cover_cap_cents=check.cover_cap_cents,
            reasons=list(check.reasons),
            parameters=[p.as_record() for p in terms.parameters],
            paid_cents=0,
            created_at=_now(),
            created_by=actor.sub,
            idempotency_key=key,
            idempotency_hash=fingerprint if key else None,
        )
        tx.session.add(cover)
        tx.session.flush()
        audit.record(
            tx.session,
            actor,
            "enrol_guarantee",
            cover.referral_id,
            comune_istat=cover.comune_istat,
            data_set="guarantee",
        )
        record = cover_record(cover, [])
        _announce(tx, actor, events.GUARANTEE_ENROLLED, events.guarantee_enrolled(record))
        return record

    return _keyed(db, key, find, write)


# -- a landlord's claim -----------------------------------------------------------------------
def file_claim(db: Db, actor: Actor, referral_id: str, cover_id: str, data: dict) -> dict:
    """File the landlord's claim ``data`` (``CLAIM_FIELDS``; ``filed_on`` defaults to today,
    optional ``idempotency_key``) on a cover of the case, assessed with the cover's terms.
    A claim that cannot be filed (``rules.claim_problems``) raises field errors, nothing
    stored."""
    permissions.ensure(actor.role, permissions.ENROL_GUARANTEE)
    data = {**data, "filed_on": data.get("filed_on") or local_date(_now())}
    key = data.get("idempotency_key")
    fingerprint = _fingerprint(f"{referral_id}/{cover_id}", data, CLAIM_FIELDS)

    def find(session: Session) -> dict | None:
        found = _by_key(session, actor, GuaranteeClaim.filed_by, key, fingerprint)
        return None if found is None else claim_record(found, [])

    def write(tx) -> dict:
        cover = _cover_in_scope(tx.session, actor, referral_id, cover_id)
        if cover.pseudonymised_at is not None:
            raise FundsFilePseudonymised(referral_id=referral_id)
        terms = cover_terms(cover)
        documents = frozenset(data["documents"])
        problems = rules.claim_problems(
            arrears_from=data["arrears_from"],
            dwelling_recovered_on=data.get("dwelling_recovered_on"),
            filed_on=data["filed_on"],
            documents=documents,
            cover_starts_on=cover.start_date,
            cover_ends_on=cover.ends_on,
            terms=terms,
        )
        if problems:
            raise GuaranteeInputInvalid(problems)
        assessment = rules.assess_claim(
            unpaid_rent_cents=data["unpaid_rent_cents"],
            legal_costs_cents=data["legal_costs_cents"],
            recovered_cents=data["recovered_cents"],
            deposit_kept_cents=data["deposit_kept_cents"],
            monthly_rent_cents=cover.monthly_rent_cents,
            terms=terms,
        )
        claim = GuaranteeClaim(
            id=str(uuid.uuid4()),
            cover_id=cover.id,
            referral_id=cover.referral_id,
            comune_istat=cover.comune_istat,
            **{name: data[name] for name in CLAIM_FIELDS if name != "documents"},
            documents=sorted(documents),
            owed_cents=assessment.owed_cents,
            cap_cents=assessment.cap_cents,
            payable_cents=assessment.payable_cents,
            explanation=list(assessment.explanation),
            parameters=list(cover.parameters),
            status=FILED,
            filed_at=_now(),
            filed_by=actor.sub,
            idempotency_key=key,
            idempotency_hash=fingerprint if key else None,
        )
        tx.session.add(claim)
        tx.session.flush()
        audit.record(
            tx.session,
            actor,
            "file_guarantee_claim",
            cover.referral_id,
            comune_istat=cover.comune_istat,
            data_set="guarantee",
        )
        record = claim_record(claim, [])
        _announce(tx, actor, events.GUARANTEE_CLAIM_FILED, events.guarantee_claim_filed(record))
        return record

    return _keyed(db, key, find, write)


def _keyed(db: Db, key: str | None, find, write) -> dict:
    """``write(tx)`` in one transaction, unless the caller's ``key`` already has an answer
    (``find(session)``); when a concurrent call with the same key commits first (the unique
    constraint), its answer."""
    try:
        with db.transaction() as tx:
            if key and (found := find(tx.session)) is not None:
                return found
            record = write(tx)
    except IntegrityError:
        if key:
            with db.session() as session:
                if (found := find(session)) is not None:
                    return found
        raise
    return record


def _by_key(session: Session, actor: Actor, owner, key: str, fingerprint: str):
    """The row the actor (``owner``: the model's column of who wrote it) stored with ``key``;
    :class:`GuaranteeIdempotencyKeyReused` if it was for another request."""
    model = owner.class_
    row = session.scalar(select(model).where(owner == actor.sub, model.idempotency_key == key))
    if row is None:
        return None
    if row.idempotency_hash != fingerprint or row.comune_istat not in actor.comuni:
        raise GuaranteeIdempotencyKeyReused(key=key)
    return row


def _announce(tx, actor: Actor, event: str, data: dict) -> None:
    """``funds.<event>.v1`` through the outbox, about the case named in ``data``."""
    tx.emit(event, data, actor=actor, subject=data["referral_id"], tenant=data["comune_istat"])


def pay_claim(
    db: Db, actor: Actor, referral_id: str, claim_id: str, paid_on: date | None = None
) -> dict:
    """Pay a filed claim: what it is worth, within what the cover may still pay (its cap less
    the claims paid on it before). The claim becomes ``paid``; the cover's ``paid_cents``
    grows; ``funds.guarantee_claim_paid.v1`` is published."""
    permissions.ensure(actor.role, permissions.MANAGE_GUARANTEE)
    with db.transaction() as tx:
        claim = _claim_in_scope(tx.session, actor, referral_id, claim_id, lock=True)
        if claim.status != FILED:
            raise GuaranteeClaimNotPayable(claim_id=claim.id, status=claim.status)
        cover = tx.session.get(GuaranteeCover, claim.cover_id, with_for_update=True)
        amount = min(claim.payable_cents, max(0, cover.cover_cap_cents - cover.paid_cents))
        if amount <= 0:
            raise GuaranteeInputInvalid(
                {"claim_id": [{"code": NOTHING_LEFT, "cap_cents": cover.cover_cap_cents}]}
            )
        claim.status = PAID
        claim.paid_cents = amount
        claim.paid_on = paid_on or local_date(_now())
        claim.decided_at = _now()
        claim.decided_by = actor.sub
        cover.paid_cents += amount
        # LEDGER HOOK (branch "ledger"): commit ``amount`` on the guarantee fund's budget line
        # here, in this transaction (a refused commitment must roll the payment back). The
        # ledger is not on this branch: nothing is committed yet.
        audit.record(
            tx.session,
            actor,
            "pay_guarantee_claim",
            cover.referral_id,
            comune_istat=cover.comune_istat,
            data_set="guarantee",
        )
        record = claim_record(claim, [])
        _announce(tx, actor, events.GUARANTEE_CLAIM_PAID, events.guarantee_claim_paid(record))
    return record


def refuse_claim(db: Db, actor: Actor, referral_id: str, claim_id: str, reason: str) -> dict:
    """Refuse a filed claim, with the reason written for the landlord."""
    permissions.ensure(actor.role, permissions.MANAGE_GUARANTEE)
    with db.transaction() as tx:
        claim = _claim_in_scope(tx.session, actor, referral_id, claim_id, lock=True)
        if claim.status != FILED:
            raise GuaranteeClaimNotPayable(claim_id=claim.id, status=claim.status)
        claim.status = REFUSED
        claim.refusal_reason = reason
        claim.decided_at = _now()
        claim.decided_by = actor.sub
        audit.record(
            tx.session,
            actor,
            "refuse_guarantee_claim",
            claim.referral_id,
            comune_istat=claim.comune_istat,
            data_set="guarantee",
        )
        return claim_record(claim, [])


# -- the tenant's repayment -------------------------------------------------------------------
def create_repayment_plan(
    db: Db, actor: Actor, referral_id: str, claim_id: str, months: int, first_due_on: date
) -> dict:
    """The tenant's plan to repay what the fund paid on ``claim_id`` (equal monthly
    instalments, the remainder on the last; at least the terms' minimum of months)."""
    permissions.ensure(actor.role, permissions.MANAGE_GUARANTEE)
    with db.transaction() as tx:
        claim = _claim_in_scope(tx.session, actor, referral_id, claim_id, lock=True)
        if claim.status != PAID:
            raise GuaranteeInputInvalid({"claim_id": [{"code": CLAIM_NOT_PAID}]})
        if _instalments(tx.session, claim.id):
            raise GuaranteeInputInvalid({"claim_id": [{"code": PLAN_EXISTS}]})
        terms = cover_terms(tx.session.get(GuaranteeCover, claim.cover_id))
        try:
            plan = rules.repayment_plan(claim.paid_cents, months, first_due_on, terms)
        except ValueError:
            raise GuaranteeInputInvalid(
                {"months": [{"code": rules.PLAN_TOO_SHORT, "min": terms.min_repayment_months}]}
            ) from None
        now = _now()
        rows = [
            GuaranteeInstalment(
                claim_id=claim.id,
                number=i.number,
                due_on=i.due_on,
                amount_cents=i.amount_cents,
                status=DUE,
                created_at=now,
                created_by=actor.sub,
            )
            for i in plan
        ]
        tx.session.add_all(rows)
        tx.session.flush()
        audit.record(
            tx.session,
            actor,
            "create_guarantee_repayment_plan",
            claim.referral_id,
            comune_istat=claim.comune_istat,
            data_set="guarantee",
        )
        return claim_record(claim, rows)


def mark_instalment(
    db: Db,
    actor: Actor,
    referral_id: str,
    claim_id: str,
    number: int,
    status: str,
    on: date | None = None,
) -> dict:
    """Mark instalment ``number`` of the claim's plan ``paid`` or ``missed`` (a missed one may
    be paid later; a paid one stays paid)."""
    permissions.ensure(actor.role, permissions.MANAGE_GUARANTEE)
    if status not in (PAID, MISSED):
        raise GuaranteeInputInvalid({"status": [{"code": "one_of", "choices": [PAID, MISSED]}]})
    with db.transaction() as tx:
        claim = _claim_in_scope(tx.session, actor, referral_id, claim_id, lock=True)
        rows = _instalments(tx.session, claim.id)
        row = next((r for r in rows if r.number == number), None)
        if row is None:
            raise GuaranteeInputInvalid(
                {"number": [{"code": "instalment_not_in_plan", "min": 1, "max": len(rows)}]}
            )
        if row.status == PAID:
            raise GuaranteeInputInvalid(
                {"number": [{"code": "instalment_already_paid", "number": number}]}
            )
        row.status = status
        row.marked_on = on or local_date(_now())
        row.marked_at = _now()
        row.marked_by = actor.sub
        audit.record(
            tx.session,
            actor,
            "mark_guarantee_instalment",
            claim.referral_id,
            comune_istat=claim.comune_istat,
            data_set="guarantee",
        )
        return claim_record(claim, rows)


# -- reads ------------------------------------------------------------------------------------
def get_guarantee(db: Db, actor: Actor, referral_id: str, purpose: str | None = None) -> dict:
    """The case's covers, each with its claims and their plans, newest first; the read is
    audited in the same transaction."""
    permissions.ensure(actor.role, permissions.READ_GUARANTEE)
    with db.transaction() as tx:
        file = _file_in_scope(tx.session, actor, referral_id)
        covers = tx.session.scalars(
            select(GuaranteeCover)
            .where(GuaranteeCover.referral_id == file.referral_id)
            .order_by(GuaranteeCover.created_at.desc(), GuaranteeCover.id)
        ).all()
        claims = tx.session.scalars(
            select(GuaranteeClaim)
            .where(GuaranteeClaim.referral_id == file.referral_id)
            .order_by(GuaranteeClaim.filed_at.desc(), GuaranteeClaim.id)
        ).all()
        plans = {c.id: _instalments(tx.session, c.id) for c in claims}
        audit.record(
            tx.session,
            actor,
            "get_guarantee",
            file.referral_id,
            comune_istat=file.comune_istat,
            purpose=purpose,
            data_set="guarantee",
        )
        return {
            "referral_id": file.referral_id,
            "covers": [
                cover_record(
                    cover, [claim_record(c, plans[c.id]) for c in claims if c.cover_id == cover.id]
                )
                for cover in covers
            ],
        }


def exposure(db: Db, actor: Actor, on: date | None = None) -> dict:
    """The fund's exposure in the actor's comuni on ``on`` (today by default): for each cover
    running that day, its cap less what was paid on it."""
    permissions.ensure(actor.role, permissions.MANAGE_GUARANTEE)
    day = on or local_date(_now())
    with db.session() as session:
        rows = session.execute(
            select(GuaranteeCover.cover_cap_cents, GuaranteeCover.paid_cents).where(
                GuaranteeCover.comune_istat.in_(actor.comuni),
                GuaranteeCover.start_date <= day,
                GuaranteeCover.ends_on >= day,
            )
        ).all()
    return {
        "on": day,
        "active_covers": len(rows),
        "exposure_cents": rules.exposure_cents([(cap, paid) for cap, paid in rows]),
    }


# -- retention --------------------------------------------------------------------------------
def pseudonymise(session: Session, referral_id: str, comune_istat: str) -> int:
    """``intake.case_pseudonymised.v1`` (called in funds' transaction for the event): remove the
    landlord's name, the dwelling's address, the tenant's income and the texts that repeat them
    from the case's covers and claims; the fund's amounts, outcomes and parameters stay.
    Returns how many covers were pseudonymised now."""
    covers = session.scalars(
        select(GuaranteeCover).where(
            GuaranteeCover.referral_id == referral_id,
            GuaranteeCover.comune_istat == comune_istat,
            GuaranteeCover.pseudonymised_at.is_(None),
        )
    ).all()
    now = _now()
    for cover in covers:
        cover.landlord_name = cover.dwelling_address = cover.gross_annual_income_cents = None
        cover.reasons = [PSEUDONYMISED_REASON]
        cover.pseudonymised_at = now
    for claim in session.scalars(
        select(GuaranteeClaim).where(GuaranteeClaim.referral_id == referral_id)
    ):
        claim.explanation = [PSEUDONYMISED_EXPLANATION]
        claim.refusal_reason = None if claim.refusal_reason is None else PSEUDONYMISED_EXPLANATION
    return len(covers)


# -- helpers ----------------------------------------------------------------------------------
def cover_terms(cover: GuaranteeCover) -> rules.GuaranteeTerms:
    return _terms_of(cover.parameters, cover.start_date)


def _terms_of(records: list[dict], day: date) -> rules.GuaranteeTerms:
    """The terms from the parameters stored on a cover (``DatedParameter.as_record()``)."""
    parameters = tuple(
        DatedParameter(
            name=r["name"],
            value=Decimal(r["value"]),
            valid_from=date.fromisoformat(r["valid_from"]),
            valid_to=date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
            source=r["source"],
            to_verify=r["to_verify"],
        )
        for r in records
    )
    terms = rules.terms_on(day, parameters)
    if terms is None:  # stored by enrol from terms in force on that day: cannot happen
        raise LookupError(f"no guarantee terms in the stored parameters on {day}")
    return terms


def _cover_in_scope(session: Session, actor: Actor, referral_id: str, cover_id: str):
    cover = session.scalar(
        select(GuaranteeCover).where(
            GuaranteeCover.id == cover_id,
            GuaranteeCover.referral_id == referral_id,
            GuaranteeCover.comune_istat.in_(actor.comuni),
        )
    )
    if cover is None:
        raise GuaranteeCoverNotFound(cover_id=str(cover_id))
    return cover


def _claim_in_scope(session: Session, actor: Actor, referral_id, claim_id, lock=False):
    query = select(GuaranteeClaim).where(
        GuaranteeClaim.id == claim_id,
        GuaranteeClaim.referral_id == referral_id,
        GuaranteeClaim.comune_istat.in_(actor.comuni),
    )
    claim = session.scalar(query.with_for_update() if lock else query)
    if claim is None:
        raise GuaranteeClaimNotFound(claim_id=str(claim_id))
    return claim


def _instalments(session: Session, claim_id: str) -> list[GuaranteeInstalment]:
    return list(
        session.scalars(
            select(GuaranteeInstalment)
            .where(GuaranteeInstalment.claim_id == claim_id)
            .order_by(GuaranteeInstalment.number)
        )
    )


def cover_record(cover: GuaranteeCover, claims: list[dict]) -> dict:
    return {
        "id": cover.id,
        "referral_id": cover.referral_id,
        "comune_istat": cover.comune_istat,
        "landlord_name": cover.landlord_name,
        "dwelling_address": cover.dwelling_address,
        "monthly_rent_cents": cover.monthly_rent_cents,
        "start_date": cover.start_date,
        "duration_months": cover.duration_months,
        "ends_on": cover.ends_on,
        "attestazione": cover.attestazione,
        "gross_annual_income_cents": cover.gross_annual_income_cents,
        "eligible": cover.eligible,
        "rent_to_gross_income": cover.rent_to_gross_income,
        "cover_cap_cents": cover.cover_cap_cents,
        "paid_cents": cover.paid_cents,
        "remaining_cents": max(0, cover.cover_cap_cents - cover.paid_cents),
        "reasons": list(cover.reasons),
        "parameters": list(cover.parameters),
        "to_verify": any(p.get("to_verify") for p in cover.parameters),
        "created_at": cover.created_at,
        "created_by": cover.created_by,
        "pseudonymised_at": cover.pseudonymised_at,
        "claims": claims,
    }


def claim_record(claim: GuaranteeClaim, instalments: list[GuaranteeInstalment]) -> dict:
    return {
        "id": claim.id,
        "cover_id": claim.cover_id,
        "referral_id": claim.referral_id,
        "comune_istat": claim.comune_istat,
        **{name: getattr(claim, name) for name in CLAIM_FIELDS},
        "documents": list(claim.documents),
        "owed_cents": claim.owed_cents,
        "cap_cents": claim.cap_cents,
        "payable_cents": claim.payable_cents,
        "explanation": list(claim.explanation),
        "status": claim.status,
        "filed_at": claim.filed_at,
        "filed_by": claim.filed_by,
        "decided_at": claim.decided_at,
        "decided_by": claim.decided_by,
        "paid_cents": claim.paid_cents,
        "paid_on": claim.paid_on,
        "refusal_reason": claim.refusal_reason,
        "instalments": [
            {
                "number": i.number,
                "due_on": i.due_on,
                "amount_cents": i.amount_cents,
                "status": i.status,
                "marked_on": i.marked_on,
            }
            for i in instalments
        ],
    }


def _fingerprint(scope: str, data: dict, names: tuple[str, ...]) -> str:
    canonical = {"scope": scope, **{name: data.get(name) for name in names}}
    if isinstance(canonical.get("documents"), list | tuple | set | frozenset):
        canonical["documents"] = sorted(canonical["documents"])
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def _text(value) -> str | None:
    return None if value is None else str(value)


def _now() -> datetime:
    return datetime.now(UTC)
