"""``read_case_keys``: the keys of a case event, checked against the envelope's tenant and the
signed actor's scope before a handler touches anything."""

from types import SimpleNamespace

import pytest

from abitare_chassis.actor import Actor
from abitare_chassis.errors import InvalidInput
from abitare_chassis.schemas import read_case_keys

CASE = "0d5f7a4e-3a55-4a7e-9a3f-6a1f2a9b8c01"
SGM = "015195"


def event(data, tenant=SGM, comuni=(SGM,)):
    return SimpleNamespace(data=data, tenant=tenant, actor=Actor("system:x", "system", comuni))


def test_the_keys_of_a_case_in_the_actor_scope():
    keys = read_case_keys(event({"referral_id": CASE, "comune_istat": SGM, "extra": 1}))
    assert keys == {"referral_id": CASE, "comune_istat": SGM}


@pytest.mark.parametrize(
    "bad, code",
    [
        (event({"referral_id": "x", "comune_istat": SGM}), "invalid_uuid"),
        (event({"referral_id": CASE, "comune_istat": SGM}, tenant="015146"), "tenant_mismatch"),
        (
            event({"referral_id": CASE, "comune_istat": SGM}, comuni=("015146",)),
            "referral_out_of_actor_scope",
        ),
        (event(None), "required"),
    ],
)
def test_anything_else_is_invalid_input(bad, code):
    with pytest.raises(InvalidInput) as error:
        read_case_keys(bad)
    assert code in str(error.value)
