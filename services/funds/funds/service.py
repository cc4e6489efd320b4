"""The funds service: opens a funds file for every referral received and answers about it.

A table of contents: each entrypoint reads its input with a schema, calls one use case and
returns plain JSON. Roles and scope are checked by the use cases (``domain.permissions``)."""

from __future__ import annotations

from pathlib import Path

from abitare_chassis.audit import AuditQuery
from abitare_chassis.handlers import event_handler
from abitare_chassis.provider import Database
from abitare_chassis.rpc import rpc
from abitare_chassis.schemas import jsonable, load, read_case_keys

from .adapters.models import metadata
from .schemas import (
    FundsFileQuery,
    GuaranteeCaseQuery,
    GuaranteeClaimIn,
    GuaranteeDay,
    GuaranteeEnrolment,
    GuaranteeInstalmentMark,
    GuaranteePlanIn,
    GuaranteeRefusal,
    read_referral,
)
from .usecases import files
from .usecases import guarantee as guarantee_fund


class FundsService:
    name = "funds"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)

    @event_handler("intake", "referral_received.v2")
    def handle_intake_referral_received(self, event):
        referral = read_referral(event)  # tolerant schema -> dict or InvalidInput
        files.open_funds_file(self.db, referral, event)  # `with db.transaction(causation=event)`

    @event_handler("intake", "case_pseudonymised")
    def handle_intake_case_pseudonymised(self, event):
        keys = read_case_keys(event)  # in the event actor's scope, or InvalidInput (parked)
        files.pseudonymise_funds_file(self.db, keys, event)

    @rpc
    def get_funds_file(self, actor, referral_id, purpose=None):
        query = load(FundsFileQuery(), {"referral_id": referral_id, "purpose": purpose})
        return jsonable(files.get_funds_file(self.db, actor, **query))

    @rpc
    def list_audit(self, actor, referral_id):
        query = load(AuditQuery(), {"referral_id": referral_id})
        return jsonable(files.list_audit(self.db, actor, query["referral_id"]))

    @rpc
    def count_files(self, actor):
        return files.count_files(self.db, actor)

    # -- garanzia: the landlord guarantee fund (usecases/guarantee.py) -------------------------
    @rpc
    def get_guarantee(self, actor, referral_id, purpose=None):
        query = load(GuaranteeCaseQuery(), {"referral_id": referral_id, "purpose": purpose})
        return jsonable(guarantee_fund.get_guarantee(self.db, actor, **query))

    @rpc
    def enrol_guarantee(self, actor, referral_id, contract):
        case = load(GuaranteeCaseQuery(), {"referral_id": referral_id})
        data = load(GuaranteeEnrolment(), contract)
        return jsonable(guarantee_fund.enrol(self.db, actor, case["referral_id"], data))

    @rpc
    def file_guarantee_claim(self, actor, referral_id, cover_id, claim):
        case = load(GuaranteeCaseQuery(), {"referral_id": referral_id})
        data = load(GuaranteeClaimIn(), claim)
        return jsonable(
            guarantee_fund.file_claim(self.db, actor, case["referral_id"], str(cover_id), data)
        )

    @rpc
    def pay_guarantee_claim(self, actor, referral_id, claim_id, paid_on=None):
        day = load(GuaranteeDay(), {"on": paid_on})["on"]
        return jsonable(
            guarantee_fund.pay_claim(self.db, actor, str(referral_id), str(claim_id), day)
        )

    @rpc
    def refuse_guarantee_claim(self, actor, referral_id, claim_id, reason):
        body = load(GuaranteeRefusal(), {"reason": reason})
        return jsonable(
            guarantee_fund.refuse_claim(
                self.db, actor, str(referral_id), str(claim_id), body["reason"]
            )
        )

    @rpc
    def create_guarantee_repayment_plan(self, actor, referral_id, claim_id, plan):
        body = load(GuaranteePlanIn(), plan)
        return jsonable(
            guarantee_fund.create_repayment_plan(
                self.db, actor, str(referral_id), str(claim_id), **body
            )
        )

    @rpc
    def mark_guarantee_instalment(self, actor, referral_id, claim_id, mark):
        body = load(GuaranteeInstalmentMark(), mark)
        return jsonable(
            guarantee_fund.mark_instalment(self.db, actor, str(referral_id), str(claim_id), **body)
        )

    @rpc
    def guarantee_exposure(self, actor, on=None):
        day = load(GuaranteeDay(), {"on": on})["on"]
        return jsonable(guarantee_fund.exposure(self.db, actor, day))
