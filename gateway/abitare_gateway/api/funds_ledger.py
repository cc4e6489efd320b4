"""``/api/v1/funds/ledger``: the budget ledger for coordinators: every budget line of their
comuni with programmato, ammesso, impegnato, erogato and what is still available (integer
cents), and one line's append-only movements. Other operators get 403 (the funds service's
role table); comuni's systems get 404."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from .. import funds_ledger
from .access import checked_id, operator_actor_or_404

blp = Blueprint(
    "funds_ledger",
    __name__,
    url_prefix="/api/v1/funds/ledger",
    description="The budget ledger: lines per fund, year and source, and their movements",
)


class TotalsOut(Schema):
    programmed_cents = fields.Integer(metadata={"description": "Importo programmato"})
    allocated_cents = fields.Integer(metadata={"description": "Ammesso a finanziamento"})
    committed_cents = fields.Integer(metadata={"description": "Impegnato (giur. vincolante)"})
    paid_cents = fields.Integer(metadata={"description": "Erogato (liquidato / pagato)"})
    available_cents = fields.Integer(metadata={"description": "allocated - committed"})
    to_pay_cents = fields.Integer(metadata={"description": "committed - paid"})


class LineOut(TotalsOut):
    id = fields.String(metadata={"format": "uuid"})
    code = fields.String(metadata={"example": "sgm-2026-misura-unica-regione"})
    name = fields.String()
    fund = fields.String(metadata={"example": "misura_unica"})
    action = fields.String(allow_none=True)
    year = fields.Integer()
    source = fields.String(metadata={"example": "regione_lombardia"})
    source_act = fields.String(allow_none=True)
    comune_istat = fields.String()
    version = fields.Integer()
    opened_at = fields.String(metadata={"format": "date-time"})
    opened_by = fields.String()


class FundTotalsOut(TotalsOut):
    fund = fields.String()


class LedgerOut(Schema):
    lines = fields.List(fields.Nested(LineOut))
    funds = fields.List(fields.Nested(FundTotalsOut), metadata={"description": "Per fund"})


class EffectOut(Schema):
    programmed_cents = fields.Integer()
    allocated_cents = fields.Integer()
    committed_cents = fields.Integer()
    paid_cents = fields.Integer()


class MovementOut(Schema):
    movement_id = fields.String(metadata={"format": "uuid"})
    line_id = fields.String(metadata={"format": "uuid"})
    kind = fields.String(
        validate=validate.OneOf(
            ["programming", "allocation", "commitment", "payment", "correction", "move_out",
             "move_in"]
        )
    )  # fmt: skip
    amount_cents = fields.Integer()
    effect = fields.Nested(EffectOut, metadata={"description": "Signed effect on the totals"})
    remaining_cents = fields.Integer(
        metadata={"description": "What can still be paid (a commitment) or corrected"}
    )
    commitment_id = fields.String(allow_none=True)
    corrects_id = fields.String(allow_none=True)
    related_id = fields.String(allow_none=True)
    source_kind = fields.String(allow_none=True)
    source_id = fields.String(allow_none=True)
    reason = fields.String()
    actor = fields.String()
    recorded_at = fields.String(metadata={"format": "date-time"})


class LineMovementsOut(Schema):
    line = fields.Nested(LineOut)
    movements = fields.List(fields.Nested(MovementOut), metadata={"description": "Oldest first"})


class LedgerQueryIn(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    fund = fields.String(validate=validate.Length(min=1, max=40))


@blp.before_request
def authenticate():
    operator_actor_or_404()


@blp.route("")
class Ledger(MethodView):
    @blp.arguments(LedgerQueryIn, location="query")
    @blp.response(200, LedgerOut)
    @blp.alt_response(403, description="Only coordinators read the budget ledger")
    def get(self, query):
        """List the budget lines with their totals (cents), and the totals per fund"""
        return funds_ledger.ledger_summary(
            operator_actor_or_404(), query.get("year"), query.get("fund")
        )


@blp.route("/<line_id>")
class LedgerLine(MethodView):
    @blp.response(200, LineMovementsOut)
    @blp.alt_response(403, description="Only coordinators read the budget ledger")
    @blp.alt_response(404, description="No such line in your comuni")
    def get(self, line_id):
        """A budget line with its movements, oldest first (append-only: a correction is a new
        movement)"""
        return funds_ledger.line_movements(operator_actor_or_404(), checked_id(line_id, "line"))
