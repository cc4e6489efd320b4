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
    ApplicationInput,
    ArrearsContributionInput,
    ArrearsCriteriaInput,
    ArrearsOpenInput,
    ArrearsStageInput,
    CaseQuery,
    CertifiedIseeIn,
    EvictionsDueQuery,
    FundsFileQuery,
    GuaranteeCaseQuery,
    GuaranteeClaimIn,
    GuaranteeDay,
    GuaranteeEnrolment,
    GuaranteeInstalmentMark,
    GuaranteePlanIn,
    GuaranteeRefusal,
    IseeEstimateIn,
    IseeQuery,
    LedgerLineIn,
    LedgerLineQuery,
    LedgerMovementIn,
    LedgerQuery,
    PaymentInput,
    WindowInput,
    read_action_request,
    read_referral,
)
from .usecases import arrears_relief, files, isee, ledger, rent_fund
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

    # -- affitto: Fondo Affitto di Ambito ------------------------------------------------------
    @event_handler("intake", "action_requested")
    def handle_intake_action_requested(self, event):
        data = read_action_request(event)  # None: another service fulfils the action
        if data is not None:
            rent_fund.request_from_action(self.db, event, data)

    @rpc
    def list_rent_fund_regulations(self, actor):
        return jsonable(rent_fund.list_regulations(self.db, actor))

    @rpc
    def list_rent_fund_windows(self, actor):
        return jsonable(rent_fund.list_windows(self.db, actor))

    @rpc
    def open_rent_fund_window(self, actor, payload):
        return jsonable(rent_fund.open_window(self.db, actor, load(WindowInput(), payload)))

    @rpc
    def get_rent_fund_window(self, actor, window_id, purpose=None):
        return jsonable(rent_fund.get_window(self.db, actor, window_id, purpose))

    @rpc
    def close_rent_fund_window(self, actor, window_id):
        return jsonable(rent_fund.close_window(self.db, actor, window_id))

    @rpc
    def rank_rent_fund_window(self, actor, window_id):
        return jsonable(rent_fund.rank_window(self.db, actor, window_id))

    @rpc
    def approve_rent_fund_window(self, actor, window_id):
        return jsonable(rent_fund.approve_window(self.db, actor, window_id))

    @rpc
    def file_rent_fund_application(self, actor, payload):
        data = load(ApplicationInput(), payload)
        return jsonable(rent_fund.file_application(self.db, actor, data))

    @rpc
    def list_rent_fund_applications(self, actor, referral_id, purpose=None):
        query = load(CaseQuery(), {"referral_id": referral_id, "purpose": purpose})
        return jsonable(rent_fund.list_for_case(self.db, actor, **query))

    @rpc
    def record_rent_fund_payment(self, actor, application_id, payload):
        data = load(PaymentInput(), payload)
        return jsonable(rent_fund.record_payment(self.db, actor, application_id, data))

    # -- ledger: the budget ledger (coordinators; usecases/ledger.py) -------------------------
    @rpc
    def ledger_summary(self, actor, year=None, fund=None):
        query = load(LedgerQuery(), {"year": year, "fund": fund})
        return jsonable(ledger.ledger_summary(self.db, actor, **query))

    @rpc
    def ledger_line_movements(self, actor, line_id):
        query = load(LedgerLineQuery(), {"line_id": line_id})
        return jsonable(ledger.line_movements(self.db, actor, query["line_id"]))

    @rpc
    def ledger_reconcile(self, actor):
        return jsonable(ledger.reconcile(self.db, actor))

    @rpc
    def ledger_open_line(self, actor, data):
        return jsonable(ledger.open_line(self.db, actor, load(LedgerLineIn(), data)))

    @rpc
    def ledger_commit(self, actor, data):
        m = load(LedgerMovementIn(), data)
        return jsonable(
            ledger.commit(
                self.db,
                actor,
                m["line_id"],
                m["amount_cents"],
                reason=m["reason"],
                source_kind=m["source_kind"],
                source_id=m["source_id"],
                idempotency_key=m["idempotency_key"],
            )  # fmt: skip
        )

    @rpc
    def ledger_pay(self, actor, data):
        m = load(LedgerMovementIn(), data)
        return jsonable(
            ledger.pay(
                self.db,
                actor,
                m["line_id"],
                m["commitment_id"] or "",
                m["amount_cents"],
                reason=m["reason"],
                idempotency_key=m["idempotency_key"],
                source_kind=m["source_kind"],
                source_id=m["source_id"],
            )  # fmt: skip
        )

    @rpc
    def ledger_correct(self, actor, data):
        m = load(LedgerMovementIn(), data)
        return jsonable(
            ledger.correct(
                self.db,
                actor,
                m["line_id"],
                m["movement_id"] or "",
                m["amount_cents"],
                reason=m["reason"],
                idempotency_key=m["idempotency_key"],
            )  # fmt: skip
        )

    @rpc
    def ledger_move(self, actor, data):
        m = load(LedgerMovementIn(), data)
        return jsonable(
            ledger.move(
                self.db,
                actor,
                m["line_id"],
                m["to_line_id"] or "",
                m["amount_cents"],
                reason=m["reason"],
                idempotency_key=m["idempotency_key"],
            )  # fmt: skip
        )

    # -- isee: the ISEE aid ---------------------------------------------------------------------
    @rpc
    def list_isee(self, actor, referral_id, on=None, purpose=None):
        """The household's certified ISEEs and estimates, and the one applying on ``on``."""
        query = load(IseeQuery(), {"referral_id": referral_id, "on": on, "purpose": purpose})
        return jsonable(isee.list_isee(self.db, actor, **query))

    @rpc
    def record_certified_isee(self, actor, referral_id, payload):
        query = load(IseeQuery(), {"referral_id": referral_id})
        data = load(CertifiedIseeIn(), payload)
        return jsonable(isee.record_certified_isee(self.db, actor, query["referral_id"], data))

    @rpc
    def estimate_isee(self, actor, referral_id, payload):
        query = load(IseeQuery(), {"referral_id": referral_id})
        data = load(IseeEstimateIn(), payload)
        return jsonable(isee.estimate_and_store(self.db, actor, query["referral_id"], data))

    # -- morosità incolpevole: the arrears file (usecases.arrears_relief) ----------------------
    @rpc
    def open_arrears_file(self, actor, referral_id, payload):
        referral = load(FundsFileQuery(), {"referral_id": referral_id})["referral_id"]
        data = load(ArrearsOpenInput(), payload or {})
        return jsonable(arrears_relief.open_arrears_file(self.db, actor, referral, data))

    @rpc
    def record_arrears_stage(self, actor, referral_id, payload):
        referral = load(FundsFileQuery(), {"referral_id": referral_id})["referral_id"]
        data = load(ArrearsStageInput(), payload or {})
        return jsonable(arrears_relief.record_stage(self.db, actor, referral, data))

    @rpc
    def check_arrears_criteria(self, actor, referral_id, payload=None):
        referral = load(FundsFileQuery(), {"referral_id": referral_id})["referral_id"]
        data = load(ArrearsCriteriaInput(), payload or {})
        return jsonable(arrears_relief.check_criteria(self.db, actor, referral, data))

    @rpc
    def compute_arrears_contribution(self, actor, referral_id, payload):
        referral = load(FundsFileQuery(), {"referral_id": referral_id})["referral_id"]
        data = load(ArrearsContributionInput(), payload or {})
        return jsonable(arrears_relief.compute_contribution(self.db, actor, referral, data))

    @rpc
    def get_arrears_file(self, actor, referral_id, purpose=None):
        query = load(FundsFileQuery(), {"referral_id": referral_id, "purpose": purpose})
        return jsonable(arrears_relief.get_arrears_file(self.db, actor, **query))

    @rpc
    def evictions_due(self, actor, until, purpose=None):
        """The hearings, executions and accesses fixed from today to ``until`` in the actor's
        comuni (the worklist's "sfratti in scadenza")."""
        query = load(EvictionsDueQuery(), {"until": until, "purpose": purpose})
        return jsonable(arrears_relief.evictions_due(self.db, actor, **query))

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
