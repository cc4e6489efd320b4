"""Use cases of the budget ledger: open a line, commit, pay, correct, move, and read the lines,
their movements and whether they reconcile. The rules are in :mod:`funds.domain.ledger`.

Every write:

1. locks the line(s) first, with an UPDATE that raises the line's ``version`` (the row lock on
   PostgreSQL, the write lock on SQLite), in id order when there are two, so two concurrent
   movements on a line are serialised by the database, never by a read-then-write in Python;
2. looks up the caller's idempotency key: the same key with the same request returns the
   movement recorded the first time (a redelivery does not commit twice), with a different
   request it is refused (``ledger_idempotency_conflict``);
3. applies the rule to the locked totals (a typed error with the available amount, nothing
   changed), appends the movement(s) and adds their effect to the line's running totals, whose
   CHECK constraints refuse an over-commitment whatever the code above did;
4. emits the event (outbox) in the same transaction.

Lines are scoped by the actor's comuni: a line of another comune does not exist for the actor.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.errors import InvalidInput

from ..adapters import events
from ..adapters.models import LedgerLine, LedgerMovement
from ..domain import ledger, permissions
from ..domain.ledger import Delta, Totals
from ..errors import (
    LedgerIdempotencyConflict,
    LedgerLineInvalid,
    LedgerLineNotFound,
    LedgerMoveInvalid,
    LedgerMovementNotFound,
)


class _Replay(Exception):
    """The idempotency key was seen with this request: roll back the lock, answer the first
    movement(s)."""

    def __init__(self, answer):
        self.answer = answer


# -- writes ----------------------------------------------------------------------------------
def open_line(db: Db, actor: Actor, data: dict) -> dict:
    """A new budget line with its programmed and allocated amounts, as movements (programming,
    then allocation if any). ``data``: code, name, fund, action, year, source, source_act,
    comune_istat, programmed_cents, allocated_cents, reason, idempotency_key."""
    permissions.ensure(actor.role, permissions.MANAGE_LEDGER)
    key = _key(data.get("idempotency_key"))
    _check_line(actor, data)
    programmed = ledger.programming(data["programmed_cents"])
    allocated_cents = data.get("allocated_cents") or 0
    digest = _digest({k: v for k, v in data.items() if k != "idempotency_key"})
    with db.transaction() as tx:
        session = tx.session
        first = session.scalar(select(LedgerMovement).where(LedgerMovement.idempotency_key == key))
        if first is not None:
            _same_request(first, digest, key)
            return line_record(session.get(LedgerLine, first.line_id))
        if session.scalar(select(LedgerLine.id).where(LedgerLine.code == data["code"])):
            raise LedgerLineInvalid({"code": [{"code": "ledger_line_code_taken"}]})
        now = datetime.now(UTC)
        line = LedgerLine(
            id=str(uuid.uuid4()),
            code=data["code"],
            name=data["name"],
            fund=data["fund"],
            action=data.get("action"),
            year=data["year"],
            source=data["source"],
            source_act=data.get("source_act"),
            comune_istat=data["comune_istat"],
            programmed_cents=0,
            allocated_cents=0,
            committed_cents=0,
            paid_cents=0,
            version=0,
            opened_at=now,
            opened_by=actor.sub,
        )
        session.add(line)
        session.flush()
        common = {"reason": data["reason"], "source_kind": None, "source_id": None}
        _append(tx, actor, line, ledger.PROGRAMMING, data["programmed_cents"], programmed,
                key=key, digest=digest, **common)  # fmt: skip
        if allocated_cents:
            delta = ledger.allocation(_totals(line), allocated_cents)
            _append(tx, actor, line, ledger.ALLOCATION, allocated_cents, delta, **common)
        return line_record(line)


def commit(
    db: Db,
    actor: Actor,
    line_id: str,
    amount_cents: int,
    *,
    reason: str,
    source_kind: str,
    source_id: str,
    idempotency_key: str,
) -> dict:
    """Reserve ``amount_cents`` of the line for one beneficiary's measure (``source_kind`` /
    ``source_id``: the application, claim... it serves)."""
    permissions.ensure(actor.role, permissions.MANAGE_LEDGER)
    ledger.check_amount(amount_cents)
    request = _request(line_id, amount_cents, reason, source_kind, source_id)
    _require_source(source_kind, source_id)

    def body(tx, lines, sealed):
        (line,) = lines
        delta = ledger.commitment(_totals(line), amount_cents)
        return _append(tx, actor, line, ledger.COMMITMENT, amount_cents, delta, reason=reason,
                       source_kind=source_kind, source_id=source_id, **sealed)  # fmt: skip

    return _write(db, actor, idempotency_key, request, [line_id], body)


def pay(
    db: Db,
    actor: Actor,
    line_id: str,
    commitment_id: str,
    amount_cents: int,
    *,
    reason: str,
    idempotency_key: str,
    source_kind: str | None = None,
    source_id: str | None = None,
) -> dict:
    """Pay ``amount_cents`` of a commitment of the line (at most its open part). The payment
    serves the commitment's measure unless another source is given."""
    permissions.ensure(actor.role, permissions.MANAGE_LEDGER)
    ledger.check_amount(amount_cents)
    request = _request(line_id, amount_cents, reason, source_kind, source_id, commitment_id)

    def body(tx, lines, sealed):
        (line,) = lines
        target = _movement(tx.session, line, commitment_id, kind=ledger.COMMITMENT)
        delta = ledger.payment(remaining_cents(tx.session, target), amount_cents)
        return _append(tx, actor, line, ledger.PAYMENT, amount_cents, delta, reason=reason,
                       source_kind=source_kind or target.source_kind,
                       source_id=source_id or target.source_id,
                       commitment_id=target.movement_id, **sealed)  # fmt: skip

    return _write(db, actor, idempotency_key, request, [line_id], body)


def correct(
    db: Db,
    actor: Actor,
    line_id: str,
    movement_id: str,
    amount_cents: int,
    *,
    reason: str,
    idempotency_key: str,
) -> dict:
    """Reverse ``amount_cents`` of an earlier movement of the line, with a reason: a new
    movement, the corrected one stays as it was."""
    permissions.ensure(actor.role, permissions.MANAGE_LEDGER)
    ledger.check_amount(amount_cents)
    _require_reason(reason)
    request = _request(line_id, amount_cents, reason, None, None, movement_id)

    def body(tx, lines, sealed):
        (line,) = lines
        target = _movement(tx.session, line, movement_id)
        delta = ledger.correction(
            _totals(line), target.kind, remaining_cents(tx.session, target), amount_cents
        )
        return _append(tx, actor, line, ledger.CORRECTION, amount_cents, delta, reason=reason,
                       source_kind=target.source_kind, source_id=target.source_id,
                       corrects_id=target.movement_id, **sealed)  # fmt: skip

    return _write(db, actor, idempotency_key, request, [line_id], body)


def move(
    db: Db,
    actor: Actor,
    from_line_id: str,
    to_line_id: str,
    amount_cents: int,
    *,
    reason: str,
    idempotency_key: str,
) -> dict:
    """Shift ``amount_cents`` of available budget from one line to another: a move out and a
    move in, each naming the other. Answers the move out (its ``related_id`` is the move in)."""
    permissions.ensure(actor.role, permissions.MANAGE_LEDGER)
    ledger.check_amount(amount_cents)
    _require_reason(reason)
    if from_line_id == to_line_id:
        raise LedgerMoveInvalid(line_id=from_line_id)
    request = _request(from_line_id, amount_cents, reason, None, None, to_line_id)

    def body(tx, lines, sealed):
        source, target = sorted(lines, key=lambda line: line.id != from_line_id)
        out_id, in_id = str(uuid.uuid4()), str(uuid.uuid4())
        delta_out = ledger.move_out(_totals(source), amount_cents)
        moved_out = _append(tx, actor, source, ledger.MOVE_OUT, amount_cents, delta_out,
                            reason=reason, movement_id=out_id, related_id=in_id,
                            **sealed)  # fmt: skip
        _append(tx, actor, target, ledger.MOVE_IN, amount_cents, ledger.move_in(amount_cents),
                reason=reason, movement_id=in_id, related_id=out_id)  # fmt: skip
        return moved_out

    return _write(db, actor, idempotency_key, request, [from_line_id, to_line_id], body)


# -- reads -----------------------------------------------------------------------------------
def ledger_summary(db: Db, actor: Actor, year: int | None = None, fund: str | None = None) -> dict:
    """The lines of the actor's comuni with their totals, and the totals per fund."""
    permissions.ensure(actor.role, permissions.READ_LEDGER)
    query = select(LedgerLine).where(LedgerLine.comune_istat.in_(actor.comuni))
    if year is not None:
        query = query.where(LedgerLine.year == year)
    if fund is not None:
        query = query.where(LedgerLine.fund == fund)
    with db.session() as session:
        lines = [
            line_record(line)
            for line in session.scalars(
                query.order_by(LedgerLine.fund, LedgerLine.year, LedgerLine.code)
            )
        ]
    funds: dict[str, dict] = {}
    for line in lines:
        total = funds.setdefault(line["fund"], {"fund": line["fund"], **dict.fromkeys(TOTALS, 0)})
        for name in TOTALS:
            total[name] += line[name]
    return {"lines": lines, "funds": list(funds.values())}


def line_movements(db: Db, actor: Actor, line_id: str) -> dict:
    """A line with its movements, oldest first; a commitment carries its open part."""
    permissions.ensure(actor.role, permissions.READ_LEDGER)
    with db.session() as session:
        line = _line_in_scope(session, actor, line_id)
        movements = session.scalars(
            select(LedgerMovement)
            .where(LedgerMovement.line_id == line.id)
            .order_by(LedgerMovement.id)
        ).all()
        records = []
        for movement in movements:
            record = movement_record(movement)
            if movement.kind in ledger.CORRECTABLE:
                record["remaining_cents"] = remaining_cents(session, movement)
            records.append(record)
        return {"line": line_record(line), "movements": records}


def reconcile(db: Db, actor: Actor) -> list[dict]:
    """The lines of the actor's comuni whose stored running totals differ from the sum of their
    movements (empty when the ledger reconciles)."""
    permissions.ensure(actor.role, permissions.READ_LEDGER)
    sums = select(
        LedgerMovement.line_id,
        func.sum(LedgerMovement.programmed_delta_cents),
        func.sum(LedgerMovement.allocated_delta_cents),
        func.sum(LedgerMovement.committed_delta_cents),
        func.sum(LedgerMovement.paid_delta_cents),
    ).group_by(LedgerMovement.line_id)
    with db.session() as session:
        recomputed = {
            row[0]: Delta(*(int(v or 0) for v in row[1:])) for row in session.execute(sums)
        }
        lines = session.scalars(
            select(LedgerLine).where(LedgerLine.comune_istat.in_(actor.comuni))
        ).all()
    broken = []
    for line in lines:
        diff = ledger.differences(_totals(line), [recomputed.get(line.id, Delta())])
        if diff:
            broken.append({"line_id": line.id, "code": line.code, "differences": diff})
    return broken


# -- records ---------------------------------------------------------------------------------
TOTALS = (
    "programmed_cents",
    "allocated_cents",
    "committed_cents",
    "paid_cents",
    "available_cents",
    "to_pay_cents",
)


def line_record(line: LedgerLine) -> dict:
    totals = _totals(line)
    return {
        "id": line.id,
        "code": line.code,
        "name": line.name,
        "fund": line.fund,
        "action": line.action,
        "year": line.year,
        "source": line.source,
        "source_act": line.source_act,
        "comune_istat": line.comune_istat,
        "programmed_cents": totals.programmed_cents,
        "allocated_cents": totals.allocated_cents,
        "committed_cents": totals.committed_cents,
        "paid_cents": totals.paid_cents,
        "available_cents": totals.available_cents,
        "to_pay_cents": totals.to_pay_cents,
        "version": line.version,
        "opened_at": line.opened_at,
        "opened_by": line.opened_by,
    }


def movement_record(movement: LedgerMovement) -> dict:
    return {
        "movement_id": movement.movement_id,
        "line_id": movement.line_id,
        "kind": movement.kind,
        "amount_cents": movement.amount_cents,
        "effect": {
            "programmed_cents": movement.programmed_delta_cents,
            "allocated_cents": movement.allocated_delta_cents,
            "committed_cents": movement.committed_delta_cents,
            "paid_cents": movement.paid_delta_cents,
        },
        "commitment_id": movement.commitment_id,
        "corrects_id": movement.corrects_id,
        "related_id": movement.related_id,
        "source_kind": movement.source_kind,
        "source_id": movement.source_id,
        "reason": movement.reason,
        "actor": movement.actor,
        "recorded_at": movement.recorded_at,
    }


def remaining_cents(session, movement: LedgerMovement) -> int:
    """What of ``movement`` can still be paid or reversed: its amount less its corrections, and
    for a commitment also less its payments (net of their own corrections)."""
    left = movement.amount_cents - _corrected(session, [movement.movement_id])
    if movement.kind == ledger.COMMITMENT:
        payments = session.execute(
            select(LedgerMovement.movement_id, LedgerMovement.amount_cents).where(
                LedgerMovement.commitment_id == movement.movement_id,
                LedgerMovement.kind == ledger.PAYMENT,
            )
        ).all()
        paid = sum(amount for _, amount in payments)
        left -= paid - _corrected(session, [movement_id for movement_id, _ in payments])
    return left


# -- the steps of a write ----------------------------------------------------------------------
def _write(db: Db, actor: Actor, idempotency_key, request: dict, line_ids, body) -> dict:
    key = _key(idempotency_key)
    digest = _digest(request)
    try:
        with db.transaction() as tx:
            lines = _lock(tx.session, actor, line_ids)
            first = tx.session.scalar(
                select(LedgerMovement).where(LedgerMovement.idempotency_key == key)
            )
            if first is not None:
                _same_request(first, digest, key)
                raise _Replay(movement_record(first))
            # the key and request hash are written with the movement: it is never updated
            movement = body(tx, lines, {"key": key, "digest": digest})
            return movement_record(movement)
    except _Replay as replay:
        return replay.answer


def _lock(session, actor: Actor, line_ids) -> list[LedgerLine]:
    """Raise the version of each line (in id order), which locks it until the commit; a line
    outside the actor's comuni is not found (and nothing was locked for long: the caller's
    transaction rolls back)."""
    lines = []
    for line_id in sorted(set(line_ids)):
        locked = session.execute(
            update(LedgerLine)
            .where(LedgerLine.id == line_id, LedgerLine.comune_istat.in_(actor.comuni))
            .values(version=LedgerLine.version + 1)
            .execution_options(synchronize_session=False)
        )
        if locked.rowcount != 1:
            raise LedgerLineNotFound(line_id=line_id)
        line = session.get(LedgerLine, line_id, populate_existing=True)
        lines.append(line)
    return lines


def _append(
    tx,
    actor: Actor,
    line: LedgerLine,
    kind: str,
    amount_cents: int,
    delta: Delta,
    *,
    reason: str,
    source_kind: str | None = None,
    source_id: str | None = None,
    commitment_id: str | None = None,
    corrects_id: str | None = None,
    related_id: str | None = None,
    movement_id: str | None = None,
    key: str | None = None,
    digest: str | None = None,
) -> LedgerMovement:
    """Append one movement and add its effect to the line's totals (the CHECKs hold them)."""
    _require_reason(reason)
    movement = LedgerMovement(
        movement_id=movement_id or str(uuid.uuid4()),
        line_id=line.id,
        kind=kind,
        amount_cents=amount_cents,
        programmed_delta_cents=delta.programmed_cents,
        allocated_delta_cents=delta.allocated_cents,
        committed_delta_cents=delta.committed_cents,
        paid_delta_cents=delta.paid_cents,
        commitment_id=commitment_id,
        corrects_id=corrects_id,
        related_id=related_id,
        source_kind=source_kind,
        source_id=source_id,
        reason=reason,
        actor=actor.sub,
        recorded_at=datetime.now(UTC),
        idempotency_key=key,
        request_hash=digest,
    )
    tx.session.add(movement)
    line.programmed_cents += delta.programmed_cents
    line.allocated_cents += delta.allocated_cents
    line.committed_cents += delta.committed_cents
    line.paid_cents += delta.paid_cents
    tx.session.flush()
    _emit(tx, actor, line, movement)
    return movement


def _emit(tx, actor: Actor, line: LedgerLine, movement: LedgerMovement) -> None:
    name = {
        ledger.COMMITMENT: events.COMMITMENT_MADE,
        ledger.PAYMENT: events.PAYMENT_MADE,
    }.get(movement.kind, events.BUDGET_MOVEMENT_RECORDED)
    tx.emit(
        name,
        events.ledger_movement(line_record(line), movement_record(movement)),
        actor=actor,
        subject=line.id,
        tenant=line.comune_istat,
    )


def _movement(session, line: LedgerLine, movement_id: str, kind: str | None = None):
    query = select(LedgerMovement).where(
        LedgerMovement.movement_id == movement_id, LedgerMovement.line_id == line.id
    )
    if kind is not None:
        query = query.where(LedgerMovement.kind == kind)
    movement = session.scalar(query)
    if movement is None:
        raise LedgerMovementNotFound(line_id=line.id, movement_id=movement_id)
    return movement


def _corrected(session, movement_ids) -> int:
    if not movement_ids:
        return 0
    total = session.scalar(
        select(func.sum(LedgerMovement.amount_cents)).where(
            LedgerMovement.corrects_id.in_(movement_ids),
            LedgerMovement.kind == ledger.CORRECTION,
        )
    )
    return int(total or 0)


def _line_in_scope(session, actor: Actor, line_id: str) -> LedgerLine:
    line = session.scalar(
        select(LedgerLine).where(
            LedgerLine.id == line_id, LedgerLine.comune_istat.in_(actor.comuni)
        )
    )
    if line is None:
        raise LedgerLineNotFound(line_id=line_id)
    return line


def _totals(line: LedgerLine) -> Totals:
    return Totals(
        line.programmed_cents, line.allocated_cents, line.committed_cents, line.paid_cents
    )


def _check_line(actor: Actor, data: dict) -> None:
    errors: dict[str, list[dict]] = {}
    for name, allowed in (("fund", ledger.FUNDS), ("source", ledger.SOURCES)):
        if data.get(name) not in allowed:
            errors[name] = [{"code": "one_of", "choices": list(allowed)}]
    if not isinstance(data.get("year"), int) or not 2000 <= data["year"] <= 2100:
        errors["year"] = [{"code": "range", "min": 2000, "max": 2100}]
    if data.get("comune_istat") not in actor.comuni:
        errors["comune_istat"] = [{"code": "comune_out_of_scope"}]
    for name in ("code", "name"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            errors[name] = [{"code": "required"}]
    if errors:
        raise LedgerLineInvalid(errors)
    _require_reason(data.get("reason"))


def _require_reason(reason) -> None:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput({"reason": [{"code": "required"}]})


def _require_source(source_kind, source_id) -> None:
    if not source_kind or not source_id:
        raise InvalidInput(
            {name: [{"code": "required"}] for name, value in
             (("source_kind", source_kind), ("source_id", source_id)) if not value}
        )  # fmt: skip


def _key(idempotency_key) -> str:
    if not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= 100:
        raise InvalidInput({"idempotency_key": [{"code": "length", "min": 1, "max": 100}]})
    return idempotency_key


def _request(line_id, amount_cents, reason, source_kind, source_id, other=None) -> dict:
    return {
        "line_id": line_id,
        "amount_cents": amount_cents,
        "reason": reason,
        "source_kind": source_kind,
        "source_id": source_id,
        "other": other,
    }


def _digest(request: dict) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def _same_request(first: LedgerMovement, digest: str, key: str) -> None:
    if first.request_hash != digest:
        raise LedgerIdempotencyConflict(idempotency_key=key)
