"""The intake nameko service: referrals (schede di attivazione) from the comuni.

Each entrypoint parses its input with a schema, calls one use case and dumps the result.
The actor argument arrives verified by the chassis ``rpc`` entrypoint.
"""
from __future__ import annotations

from pathlib import Path

from abitare_chassis.nameko_ext import Database, rpc

from . import reference, referrals
from .domain import vocabulary
from .models import metadata
from .schemas import (ListReferralsQuery, ReferralInput, ReferralOutput, ReferralPage,
                      load)


class IntakeService:
    name = "intake"
    migrations_dir = Path(__file__).resolve().parents[1] / "migrations"

    db = Database(metadata)

    @rpc
    def submit_referral(self, actor, payload):
        data = load(ReferralInput(), payload)
        return ReferralOutput().dump(referrals.submit_referral(self.db, actor, data))

    @rpc
    def get_referral(self, actor, referral_id):
        return ReferralOutput().dump(referrals.get_referral(self.db, actor, referral_id))

    @rpc
    def list_referrals(self, actor, comune_istat=None, page=1, page_size=50):
        query = load(ListReferralsQuery(), {
            name: value for name, value in
            (("comune_istat", comune_istat), ("page", page), ("page_size", page_size))
            if value is not None})
        return ReferralPage().dump(referrals.list_referrals(self.db, actor, **query))

    @rpc
    def list_comuni(self, actor):
        return reference.comuni_list()

    @rpc
    def get_vocabulary(self, actor):
        """Codes and Italian labels for the referral form (beyond the issue-2 contract)."""
        return vocabulary.as_options()
