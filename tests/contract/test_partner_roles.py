"""The gateway's copy of the partners role table (what the Partner pages offer to whom) is the
partners service's own, for the roles that sign in to the pages."""

from abitare_gateway import roles
from partners.domain import permissions

PAGE_ACTIONS = {roles.READ_PARTNERS, roles.EDIT_CONVENTIONS}


def test_the_partner_pages_offer_what_the_partners_service_allows():
    assert {permissions.READ_PARTNERS, permissions.EDIT_CONVENTIONS} == PAGE_ACTIONS
    for role in ("agency_operator", "comune_operator", "coordinator"):
        allowed = set(permissions.ALLOWED[role]) & PAGE_ACTIONS
        assert set(roles.PARTNER_ROLE_ACTIONS[role]) == allowed, role
        assert all(roles.may(role, action) == (action in allowed) for action in PAGE_ACTIONS)
