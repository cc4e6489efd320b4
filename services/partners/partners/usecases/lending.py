"""Use cases on the loans a lending partner reports (``domain.lending`` has the rules).

``report_lender_status``: a partner client (FWA) reports a loan's status. The partner is the
actor's (``permissions.partner_of``), never the payload's; it must have a convention in force
offering the product. The loan answers a partner referral sent to that partner for that product
(``partner_referral``; another partner's is not found); a new loan needs one the partner has
not declined and the agency has not withdrawn. An accepted report updates the loan and adds a
``lender_status`` row, an audit row (which household, by intake's id) and
``partners.lender_status_reported.v1`` in one transaction (the outbox relay publishes it); a
refused one changes nothing. The partner's ``status_id`` makes a retry harmless: the row is
found and the loan returned as it is (``replayed``), nothing written, nothing emitted again.
``get_loan``: the partner's own loan with its history (audited too).

The agency never becomes the lender: it records what the partner says and republishes it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.schemas import jsonable

from ..adapters.models import LenderStatusRow, LoanRow, Partner, PartnerReferral
from ..domain import lending, permissions
from ..domain import referrals as referral_states
from ..domain.conventions import agency_today, convention_in_force
from ..errors import (
    LenderStatusIdReused,
    LenderStatusInvalid,
    LenderStatusNotAllowed,
    LendingNotInConvention,
    LoanClosed,
    LoanExists,
    LoanNotFound,
    PartnerReferralNotFound,
)
from .catalogue import conventions_of

EVENT = "lender_status_reported"  # partners.lender_status_reported.v1
PURPOSE = "rendiconto del prestito del partner"  # why the audit row was written
REPORT_FIELDS = (
    "product",
    "amount_cents",
    "instalments",
    "instalment_cents",
    "first_due_on",
    "instalment_number",
    "allowances",
)
NO_NEW_LOAN = (referral_states.NOT_SENT, referral_states.DECLINED, referral_states.WITHDRAWN)
REFUSALS = {
    lending.LOAN_NOT_FOUND: LoanNotFound,
    lending.LOAN_EXISTS: LoanExists,
    lending.LOAN_CLOSED: LoanClosed,
    lending.STATUS_NOT_ALLOWED: LenderStatusNotAllowed,
}


def _partner(actor: Actor, action: str) -> str:
    permissions.ensure(actor.role, action)
    partner = permissions.partner_of(actor)
    if partner is None:  # a partner_client role with a sub that names no partner
        raise permissions.PartnerForbidden(role=actor.role, action=action)
    return partner


def report_lender_status(db: Db, actor: Actor, data: dict, today=None) -> dict:
    """The loan after ``data`` (a ``LenderStatusInput``), with its history and ``replayed``."""
    partner = _partner(actor, permissions.REPORT_LENDER_STATUS)
    today = today or agency_today()
    try:
        return _report(db, actor, partner, data, today)
    except IntegrityError:
        # the same status_id (or a new loan_ref) committed meanwhile by a concurrent retry
        return _report(db, actor, partner, data, today)


def _report(db: Db, actor: Actor, partner: str, data: dict, today) -> dict:
    with db.transaction() as tx:
        session = tx.session
        stored = session.scalar(
            select(LenderStatusRow).where(
                LenderStatusRow.partner_code == partner,
                LenderStatusRow.status_id == data["status_id"],
            )
        )
        if stored is not None:
            return _replayed(session, stored, data)
        _check_convention(session, partner, data["product"], today)
        row = session.scalar(
            select(LoanRow)
            .where(LoanRow.partner_code == partner, LoanRow.loan_ref == data["loan_ref"])
            .with_for_update()
        )
        if row is not None and row.partner_referral_id != data["partner_referral_id"]:
            raise LenderStatusInvalid({"partner_referral_id": [{"code": "loan_referral_mismatch"}]})
        referral = _referral(session, partner, data, new_loan=row is None)
        report = _report_of(data)
        try:
            loan = lending.apply(_loan_of(row), report, today)
        except lending.LendingRefused as refused:
            if refused.code == "invalid":
                raise LenderStatusInvalid(
                    {name: [error] for name, error in refused.fields.items()}
                ) from None
            raise REFUSALS[refused.code](**refused.details) from None
        now = datetime.now(UTC)
        if row is None:
            row = LoanRow(
                partner_code=partner,
                loan_ref=data["loan_ref"],
                partner_referral_id=data["partner_referral_id"],
                created_at=now,
            )
            session.add(row)
        _store(row, loan, now)
        session.flush()
        record = {"status_id": data["status_id"], "status": report.status}
        record |= {"occurred_on": report.occurred_on.isoformat(), **_values(data)}
        envelope = tx.emit(
            EVENT,
            _event_data(partner, row, record, now),
            actor=actor,
            subject=row.partner_referral_id,
            tenant=referral.comune_istat,
        )
        audit.record(
            session,
            actor,
            "report_lender_status",
            referral.referral_id,
            comune_istat=referral.comune_istat,
            purpose=PURPOSE,
            data_set="loan",
        )
        session.add(
            LenderStatusRow(
                loan_id=row.id,
                partner_code=partner,
                status_id=data["status_id"],
                status=report.status,
                occurred_on=report.occurred_on,
                report=_values(data),
                state_after=loan.state,
                event_id=envelope["id"],
                reported_at=now,
                reported_by=actor.sub,
            )
        )
        session.flush()
        return {**loan_record(session, row), "replayed": False}


def get_loan(db: Db, actor: Actor, loan_ref: str) -> dict:
    """A loan the actor's partner reported, with its history; another partner's is not found."""
    partner = _partner(actor, permissions.READ_LOANS)
    with db.session() as session:
        row = session.scalar(
            select(LoanRow).where(LoanRow.partner_code == partner, LoanRow.loan_ref == loan_ref)
        )
        if row is None:
            raise LoanNotFound(loan_ref=loan_ref)
        record = loan_record(session, row)
    referral_id, comune = _case_of(db, row.partner_referral_id)
    with db.transaction() as tx:  # every partner API read is audited: who, which household
        audit.record(
            tx.session,
            actor,
            "get_loan",
            referral_id,
            comune_istat=comune,
            purpose=PURPOSE,
            data_set="loan",
        )
    return record


# -- helpers --------------------------------------------------------------------------------
def _referral(session: Session, partner: str, data: dict, new_loan: bool) -> PartnerReferral:
    """The partner referral the report answers: sent to this partner for this product."""
    referral = session.get(PartnerReferral, data["partner_referral_id"])
    if referral is None or referral.partner_code != partner:
        raise PartnerReferralNotFound(partner_referral_id=data["partner_referral_id"])
    if referral.service != data["product"]:
        raise LenderStatusInvalid(
            {"product": [{"code": "referral_service_mismatch", "service": referral.service}]}
        )
    if new_loan and referral.state in NO_NEW_LOAN:
        raise LenderStatusInvalid(
            {"partner_referral_id": [{"code": "referral_not_open", "state": referral.state}]}
        )
    return referral


def _case_of(db: Db, partner_referral_id: str) -> tuple[str, str]:
    with db.session() as session:
        referral = session.get(PartnerReferral, partner_referral_id)
        if referral is None:  # a loan's referral (foreign key) is never deleted
            raise PartnerReferralNotFound(partner_referral_id=partner_referral_id)
        return referral.referral_id, referral.comune_istat


def _check_convention(session: Session, partner: str, product: str, today) -> None:
    active = session.scalar(select(Partner.active).where(Partner.code == partner))
    convention = convention_in_force(conventions_of(session, [partner]).get(partner, []), today)
    if not active or convention is None or not convention.offers(product):
        raise LendingNotInConvention(product=product)


def _values(data: dict) -> dict:
    return jsonable({name: data.get(name) for name in REPORT_FIELDS})


def _replayed(session: Session, stored: LenderStatusRow, data: dict) -> dict:
    loan = session.get(LoanRow, stored.loan_id)
    same = (
        stored.status == data["status"]
        and stored.occurred_on == data["occurred_on"]
        and stored.report == _values(data)
        and loan is not None
        and (loan.loan_ref, loan.partner_referral_id)
        == (data["loan_ref"], data["partner_referral_id"])
    )
    if not same:
        raise LenderStatusIdReused(status_id=data["status_id"])
    return {**loan_record(session, loan), "replayed": True}


def _report_of(data: dict) -> lending.Report:
    return lending.Report(
        status=data["status"],
        occurred_on=data["occurred_on"],
        product=data["product"],
        amount_cents=data.get("amount_cents"),
        instalments=data.get("instalments"),
        instalment_cents=data.get("instalment_cents"),
        first_due_on=data.get("first_due_on"),
        instalment_number=data.get("instalment_number"),
        allowances=data.get("allowances"),
    )


def _loan_of(row: LoanRow | None) -> lending.Loan | None:
    if row is None:
        return None
    return lending.Loan(
        product=row.product,
        state=row.state,
        amount_cents=row.amount_cents,
        instalments=row.instalments,
        instalment_cents=row.instalment_cents,
        first_due_on=row.first_due_on,
        disbursed_cents=row.disbursed_cents,
        repaid_cents=row.repaid_cents,
        plan=row.plan,
        paid=frozenset(row.paid),
        missed=frozenset(row.missed),
        last_on=row.last_on,
    )


def _store(row: LoanRow, loan: lending.Loan, now: datetime) -> None:
    row.product, row.state = loan.product, loan.state
    row.amount_cents, row.disbursed_cents = loan.amount_cents, loan.disbursed_cents
    row.repaid_cents, row.plan = loan.repaid_cents, loan.plan
    row.instalments, row.instalment_cents = loan.instalments, loan.instalment_cents
    row.first_due_on = loan.first_due_on
    row.paid, row.missed = sorted(loan.paid), sorted(loan.missed)
    row.last_on = loan.last_on or loan.first_due_on
    row.updated_at = now


def _loan_fields(row: LoanRow) -> dict:
    return {
        "state": row.state,
        "amount_cents": row.amount_cents,
        "disbursed_cents": row.disbursed_cents,
        "repaid_cents": row.repaid_cents,
        "outstanding_cents": _loan_of(row).outstanding_cents,  # type: ignore[union-attr]
        "instalments": row.instalments,
        "instalment_cents": row.instalment_cents,
        "first_due_on": row.first_due_on.isoformat(),
        "plan": row.plan,
        "paid_instalments": list(row.paid),
        "missed_instalments": list(row.missed),
    }


def _event_data(partner: str, row: LoanRow, record: dict, now: datetime) -> dict:
    """``partners.lender_status_reported.v1``: the report and the loan after it."""
    return {
        "partner_code": partner,
        "loan_ref": row.loan_ref,
        "partner_referral_id": row.partner_referral_id,
        **record,
        "loan": _loan_fields(row),
        "reported_at": jsonable(now),
    }


def loan_record(session: Session, row: LoanRow) -> dict:
    history = session.scalars(
        select(LenderStatusRow)
        .where(LenderStatusRow.loan_id == row.id)
        .order_by(LenderStatusRow.id)
    ).all()
    return {
        "loan_ref": row.loan_ref,
        "partner_referral_id": row.partner_referral_id,
        "product": row.product,
        **_loan_fields(row),
        "history": [
            {
                "status_id": h.status_id,
                "status": h.status,
                "occurred_on": h.occurred_on.isoformat(),
                **{k: v for k, v in h.report.items() if k != "product"},
                "state_after": h.state_after,
                "reported_at": jsonable(h.reported_at),
            }
            for h in history
        ],
    }
