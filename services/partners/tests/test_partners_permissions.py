"""The role table of partners (unit: no broker, no database)."""

import pytest

from abitare_chassis.actor import ROLES, Actor
from partners.domain import permissions as p
from partners.errors import PartnerForbidden

ACTIONS = (
    p.READ_PARTNERS,
    p.MANAGE_SUBSCRIPTIONS,
    p.READ_DELIVERIES,
    p.COUNT_DELIVERIES,
    p.REPORT_LENDER_STATUS,
    p.READ_LOANS,
    p.MANAGE_CONSENTS,
    p.SEND_REFERRALS,
    p.ANSWER_REFERRALS,
)
CASE_WORK = {p.MANAGE_CONSENTS, p.SEND_REFERRALS}  # a case's consents and partner referrals
READS = {p.READ_PARTNERS, p.READ_DELIVERIES, p.COUNT_DELIVERIES}
OPERATIONS = READS | {p.MANAGE_SUBSCRIPTIONS} | CASE_WORK
EXPECTED = {
    "agency_operator": READS | CASE_WORK,
    "comune_operator": READS | CASE_WORK,
    "coordinator": OPERATIONS,
    "municipal_client": {p.READ_DELIVERIES, p.COUNT_DELIVERIES},
    "partner_client": {p.REPORT_LENDER_STATUS, p.READ_LOANS, p.ANSWER_REFERRALS},
    "system": OPERATIONS,
}


def test_every_role_of_the_chassis_has_a_row():
    assert set(p.ALLOWED) == set(ROLES) == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_role_may_do_exactly_its_actions(role, action):
    if action in EXPECTED[role]:
        p.ensure(role, action)
    else:
        with pytest.raises(PartnerForbidden) as error:
            p.ensure(role, action)
        assert error.value.code == "partner_forbidden"


def test_only_coordinators_and_the_system_manage_subscriptions():
    assert {role for role in ROLES if p.may(role, p.MANAGE_SUBSCRIPTIONS)} == {
        "coordinator",
        "system",
    }
    assert not p.may("intruder", p.READ_DELIVERIES)


def test_the_partner_of_a_partner_client_is_in_its_sub_and_nobody_else_has_one():
    assert p.partner_of(Actor(sub="partner:FWA", role="partner_client")) == "FWA"
    for actor in (
        Actor(sub="partner:FWA", role="coordinator"),  # a sub is not a role
        Actor(sub="client:comune-015195", role="municipal_client", comuni=("015195",)),
        Actor(sub="partner:", role="partner_client"),
        Actor(sub="operator:FWA", role="partner_client"),
    ):
        assert p.partner_of(actor) is None


def test_only_partner_clients_report_lender_status():
    assert {role for role in ROLES if p.may(role, p.REPORT_LENDER_STATUS)} == {"partner_client"}
