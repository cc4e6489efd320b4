"""Every route that can read personal data from intake has a purpose for intake's audit."""

import pytest

from abitare_gateway import purposes

READING_BLUEPRINTS = ("cases", "projects", "worklist", "commission", "fotografia", "referrals")
READING_PAGES = (
    "web.referral_list",
    "web.referral_new",
    "web.referral_detail",
    "web.worklist",
    "web.fotografia",
    "web.fotografia_csv",
)


def test_every_reading_route_has_a_purpose(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    reading = {
        e
        for e in endpoints
        if e.split(".")[0] in READING_BLUEPRINTS
        or e.startswith(("web.case_", "web.commission"))
        or e in READING_PAGES
    }
    assert len(reading) > 20
    for endpoint in reading:
        assert purposes.purpose_of(endpoint) in (
            purposes.TRIAGE,
            purposes.CASE_MANAGEMENT,
            purposes.COMMISSION,
            purposes.REPORTING,
            purposes.REFERRALS,
            purposes.ACCESS_REQUEST,
        ), endpoint
    assert purposes.purpose_of("web.case_triage") == purposes.TRIAGE
    assert purposes.purpose_of("web.commission_meeting") == purposes.COMMISSION


def test_a_route_without_a_purpose_is_refused():
    with pytest.raises(LookupError):
        purposes.purpose_of("admin.something_new")
