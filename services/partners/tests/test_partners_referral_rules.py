"""The rules of consents and partner referrals (domain.consent, domain.referrals): no database."""

from datetime import date

import pytest

from partners.domain import consent, referrals
from partners.domain.conventions import Convention, Grant

DAY = date(2026, 12, 2)
GRANT = (
    "partner_referral_id",
    "household.size",
    "household.members",
    "contact.phone",
    "economics.monthly_rent_cents",
)


def a_consent(**overrides):
    values = dict(
        partner_code="FWA",
        service="microcredito",
        categories=("contatti",),
        given_on=date(2026, 11, 1),
        valid_until=date(2027, 11, 1),
    )
    values.update(overrides)
    return consent.Consent(**values)


@pytest.mark.parametrize(
    ("overrides", "day", "lapse"),
    [
        ({}, DAY, None),
        ({}, date(2026, 11, 1), None),  # the day given
        ({}, date(2027, 11, 1), None),  # the last day, inclusive
        ({}, date(2027, 11, 2), consent.CONSENT_EXPIRED),
        ({}, date(2026, 10, 31), consent.CONSENT_NOT_YET_VALID),
        ({"withdrawn_on": DAY}, DAY, consent.CONSENT_WITHDRAWN),
        ({"withdrawn_on": DAY}, date(2026, 12, 1), None),  # valid until the day withdrawn
    ],
)
def test_a_consent_is_valid_from_given_to_its_end_unless_withdrawn(overrides, day, lapse):
    assert a_consent(**overrides).lapse(day) == lapse


def test_consent_is_per_partner_and_service_and_says_why_it_is_missing():
    consents = [a_consent(), a_consent(service="consulenza_debiti", withdrawn_on=DAY)]
    assert consent.valid_consent(consents, "FWA", "microcredito", DAY) == consents[0]
    assert consent.valid_consent(consents, "AFOL", "microcredito", DAY) is None
    assert consent.consent_refusal(consents, "AFOL", "microcredito", DAY) == "consent_missing"
    assert consent.consent_refusal(consents, "FWA", "consulenza_debiti", DAY) == "consent_withdrawn"
    expired = [a_consent(valid_until=date(2026, 11, 30))]
    assert consent.consent_refusal(expired, "FWA", "microcredito", DAY) == "consent_expired"
    assert consent.consent_refusal(consents, "FWA", "microcredito", DAY) is None


def test_the_consent_limits_the_fields_sent_to_its_categories():
    assert consent.shareable_fields(GRANT, a_consent()) == (
        "partner_referral_id",
        "household.size",
        "contact.phone",
    )
    everything = a_consent(categories=("anagrafica", "contatti", "dati_economici"))
    assert consent.shareable_fields(GRANT, everything) == GRANT
    assert consent.shareable_fields(GRANT, None) == ("partner_referral_id", "household.size")
    assert consent.needs_consent(GRANT)
    assert not consent.needs_consent(("partner_referral_id", "household.size"))


def test_the_household_reference_differs_per_partner_and_hides_the_case_id():
    case = "6f1c1a52-3f4e-4d51-9d0b-1f1d2f6c7a10"
    fwa = referrals.household_ref("secret", "FWA", case)
    assert fwa == referrals.household_ref("secret", "FWA", case)  # stable for one partner
    assert fwa != referrals.household_ref("secret", "AFOL", case)
    assert fwa != referrals.household_ref("another deployment", "FWA", case)
    assert case not in fwa and case.replace("-", "") not in fwa


def convention(**overrides):
    values = dict(
        partner_code="AFOL",
        grants={"partners.partner_referral_created.v1": Grant(("household.size",))},
        valid_from=date(2024, 1, 1),
        valid_to=None,
        code="AFOL-2024",
        services=("orientamento_lavoro",),
        comuni=("015146",),
    )
    values.update(overrides)
    return Convention(**values)


@pytest.mark.parametrize(
    ("active", "conventions", "service", "comune", "code"),
    [
        (None, [], "orientamento_lavoro", "015146", "partner_unknown"),
        (True, [], "orientamento_lavoro", "015146", "no_convention_in_force"),
        (
            True,
            [convention(valid_to=date(2025, 12, 31))],
            "orientamento_lavoro",
            "015146",
            "convention_expired",
        ),
        (
            True,
            [convention(status="sospesa", status_reason="verifica")],
            "orientamento_lavoro",
            "015146",
            "convention_suspended",
        ),
        (True, [convention()], "microcredito", "015146", "service_not_offered"),
        (True, [convention()], "orientamento_lavoro", "015195", "comune_not_covered"),
    ],
)
def test_a_referral_is_refused_with_the_reason(active, conventions, service, comune, code):
    why, _ = referrals.referral_refusal(active, conventions, service, comune, DAY)
    assert why["code"] == code


def test_a_referral_in_order_names_the_convention():
    why, found = referrals.referral_refusal(
        True, [convention()], "orientamento_lavoro", "015146", DAY
    )
    assert why is None and found.code == "AFOL-2024"
    assert referrals.respond_by(DAY, 15) == date(2026, 12, 17)
    assert referrals.overdue("inviato", date(2026, 12, 1), DAY)
    assert not referrals.overdue("inviato", DAY, DAY)
    assert not referrals.overdue("accettato", date(2026, 12, 1), DAY)


@pytest.mark.parametrize(
    ("state", "update", "outcome", "reason", "expected"),
    [
        ("inviato", "accept", None, None, "accettato"),
        ("inviato", "decline", None, "non in target", "rifiutato"),
        ("inviato", "decline", None, " ", "reason_required"),
        ("inviato", "outcome", "colloquio_svolto", None, "transition_not_allowed"),
        ("accettato", "outcome", "colloquio_svolto", None, "in_corso"),
        ("in_corso", "outcome", "assunzione", None, "concluso"),
        ("in_corso", "outcome", "prestito_erogato", None, "outcome_not_valid_for_service"),
        ("accettato", "accept", None, None, "transition_not_allowed"),
        ("concluso", "outcome", "assunzione", None, "transition_not_allowed"),
        ("ritirato", "accept", None, None, "transition_not_allowed"),
    ],
)
def test_the_partner_moves_a_referral_through_its_states(state, update, outcome, reason, expected):
    after, _ = referrals.next_state(state, update, "orientamento_lavoro", outcome, reason)
    assert (after["code"] if isinstance(after, dict) else after) == expected


def test_an_outcome_sets_the_action_status():
    _, outcome = referrals.next_state(
        "accettato", "outcome", "orientamento_lavoro", "assunzione", None
    )
    assert referrals.action_status("outcome", outcome) == "completata"
    assert referrals.action_status("accept", None) == "in_corso"
    assert referrals.action_status("decline", None) == "annullata"
