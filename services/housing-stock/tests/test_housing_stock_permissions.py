"""The role table of housing_stock: who may read and count housing needs (unit: no broker, no
database)."""

import pytest

from abitare_chassis.actor import PARTNER_CLIENT, ROLES
from housing_stock.domain import permissions
from housing_stock.errors import HousingForbidden

ACTIONS = (permissions.READ_NEED, permissions.COUNT_NEEDS)


def test_every_role_of_the_chassis_has_a_row():
    assert set(permissions.ALLOWED) == set(ROLES)


@pytest.mark.parametrize("role", [r for r in ROLES if r != PARTNER_CLIENT])
@pytest.mark.parametrize("action", ACTIONS)
def test_every_role_reads_and_counts_the_needs_of_its_comuni(role, action):
    permissions.ensure(role, action)  # scope is checked by the queries, not here


@pytest.mark.parametrize("action", ACTIONS)
def test_a_partner_client_reads_nothing_here(action):
    assert not permissions.may(PARTNER_CLIENT, action)


@pytest.mark.parametrize(
    "role, action", [("intruder", permissions.READ_NEED), ("coordinator", "delete_housing_need")]
)
def test_an_unknown_role_or_action_is_forbidden(role, action):
    assert not permissions.may(role, action)
    with pytest.raises(HousingForbidden) as error:
        permissions.ensure(role, action)
    assert error.value.code == "housing_forbidden"
