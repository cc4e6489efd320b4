"""The housing_stock service: records the housing need of every referral received, keeps the
inventory of dwellings and places households in them.

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
    DwellingCode,
    DwellingInput,
    DwellingQuery,
    HousingNeedQuery,
    PlacementEnd,
    PlacementInput,
    ProposalQuery,
    SapAccessQuery,
    StateChange,
    TenancyDay,
    TenancyEntryInput,
    TenancyInput,
    read_referral,
)
from .usecases import dwellings, needs, rules, tenancies


class HousingStockService:
    name = "housing_stock"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)

    @event_handler("intake", "referral_received.v2")
    def handle_intake_referral_received(self, event):
        referral = read_referral(event)  # tolerant schema -> dict or InvalidInput
        needs.record_housing_need(self.db, referral, event)  # opens its own transaction

    @event_handler("intake", "case_pseudonymised")
    def handle_intake_case_pseudonymised(self, event):
        keys = read_case_keys(event)  # in the event actor's scope, or InvalidInput (parked)
        needs.pseudonymise_housing_need(self.db, keys, event)

    @rpc
    def get_housing_need(self, actor, referral_id, purpose=None):
        query = load(HousingNeedQuery(), {"referral_id": referral_id, "purpose": purpose})
        return jsonable(needs.get_housing_need(self.db, actor, **query))

    @rpc
    def list_audit(self, actor, referral_id):
        query = load(AuditQuery(), {"referral_id": referral_id})
        return jsonable(needs.list_audit(self.db, actor, query["referral_id"]))

    @rpc
    def count_needs(self, actor):
        return needs.count_needs(self.db, actor)

    # -- the inventory ------------------------------------------------------------------------
    @rpc
    def list_dwellings(self, actor, filters=None):
        query = load(DwellingQuery(), filters or {})
        return jsonable(dwellings.list_dwellings(self.db, actor, **query))

    @rpc
    def get_dwelling(self, actor, code):
        query = load(DwellingCode(), {"code": code})
        return jsonable(dwellings.get_dwelling(self.db, actor, query["code"]))

    @rpc
    def register_dwelling(self, actor, dwelling, on):
        data = load(DwellingInput(), dwelling)
        day = load(StateChange(only=("on",)), {"on": on})["on"]
        return jsonable(dwellings.register_dwelling(self.db, actor, data, day))

    @rpc
    def change_dwelling_state(self, actor, code, state, on):
        change = load(StateChange(), {"code": code, "state": state, "on": on})
        return jsonable(dwellings.change_state(self.db, actor, **change))

    @rpc
    def propose_dwellings(self, actor, household, on):
        query = load(ProposalQuery(), {"household": household, "on": on})
        proposal = dwellings.propose_dwellings(self.db, actor, query["household"], query["on"])
        return jsonable(proposal)

    @rpc
    def place_household(self, actor, placement):
        data = load(PlacementInput(), placement)
        return jsonable(dwellings.place(self.db, actor, **data))

    @rpc
    def end_placement(self, actor, placement_id, ended_on, destination):
        data = load(
            PlacementEnd(),
            {"placement_id": placement_id, "ended_on": ended_on, "destination": destination},
        )
        return jsonable(dwellings.end_placement(self.db, actor, **data))

    # -- SAP tenancies and arrears --------------------------------------------------------------
    @rpc
    def assign_sap_dwelling(self, actor, tenancy):
        data = load(TenancyInput(), tenancy)
        return jsonable(tenancies.assign_sap_dwelling(self.db, actor, **data))

    @rpc
    def book_tenancy_entry(self, actor, entry):
        data = load(TenancyEntryInput(), entry)
        return jsonable(tenancies.book(self.db, actor, **data))

    @rpc
    def tenancy_arrears(self, actor, tenancy_id, on):
        query = load(TenancyDay(), {"tenancy_id": tenancy_id, "on": on})
        return jsonable(tenancies.arrears(self.db, actor, **query))

    @rpc
    def arrears_worklist(self, actor, on):
        query = load(TenancyDay(only=("on",)), {"on": on})
        return jsonable(tenancies.arrears_worklist(self.db, actor, query["on"]))

    # -- the rules, stateless ---------------------------------------------------------------------
    @rpc
    def check_sap_access(self, actor, applicant, on):
        query = load(SapAccessQuery(), {"applicant": applicant, "on": on})
        return jsonable(rules.sap_access(actor, query["applicant"], query["on"]))
