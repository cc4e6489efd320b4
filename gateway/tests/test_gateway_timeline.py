"""The household's timeline (Cronologia tab) and the case header's requests to other services:
composed from intake (the real one, in process) and the other services (doubles), with a gap,
not an error page, when a service is down or times out."""

from __future__ import annotations

import re

import pytest
from gateway_helpers import SAN_DONATO, SGM, csrf_from, login, referral_payload, take_on

from abitare_chassis.actor import Actor
from abitare_gateway import purposes
from abitare_gateway.rpc import ServiceTimeout, ServiceUnavailable

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))
COORDINATOR = Actor(sub="operator:coordinamento", role="coordinator", comuni=(SGM, SAN_DONATO))
COMUNE = Actor(sub="operator:sgm.sociale", role="comune_operator", comuni=(SGM,))
FUNDS_FILE = {
    "referral_id": "x",
    "comune_istat": SGM,
    "household_size": 3,
    "opened_at": "2026-01-05T10:00:00+00:00",
    "affordability": {
        "monthly_rent_cents": 90000,
        "monthly_net_income_cents": 150000,
        "rent_to_income_ratio": "0.6000",
        "threshold": "0.30",
        "outcome": "non_sostenibile",
        "explanation": "Canone oltre soglia.",
    },
}
HOUSING_NEED = {
    "referral_id": "x",
    "comune_istat": SGM,
    "household_size": 3,
    "minors": 1,
    "over_65": 0,
    "housing_situation": "sfratto_in_corso",
    "eviction_date": "2027-03-15",
    "recorded_at": "2026-01-05T10:00:01Z",
}
DELIVERIES = [
    {
        "partner_code": "FWA",
        "partner_name": "Fondazione Welfare Ambrosiano",
        "event_type": "intake.referral_received.v1",
        "fields": {},
        "queued_at": "2026-01-05T10:00:02+00:00",
    }
]


PARTNER_REFERRALS = [
    {
        "partner_code": "AFOL",
        "service_label": "Orientamento al lavoro",
        "state": "accettato",
        "steps": [
            {"at": "2026-01-06T10:00:00+00:00", "by": "operator:agenzia", "update": "created"},
            {"at": "2026-01-07T10:00:00+00:00", "by": "partner:AFOL", "update": "accept"},
        ],
    }
]


@pytest.fixture
def operator(client):
    assert login(client).status_code == 302
    return client


@pytest.fixture
def downstream(fake):
    fake.returns("funds", "get_funds_file", FUNDS_FILE)
    fake.returns("housing_stock", "get_housing_need", HOUSING_NEED)
    fake.returns("partners", "get_deliveries", DELIVERIES)
    fake.returns("partners", "list_partner_referrals", PARTNER_REFERRALS)
    return fake


@pytest.fixture
def case_id(intake):
    case_id = intake.submit_referral(AGENCY, referral_payload())["id"]
    take_on(intake, AGENCY, case_id)
    return case_id


def entries(html: str) -> list[str]:
    return re.findall(r'class="border-bottom py-2 timeline-entry" data-kind="([a-z_]+)"', html)


def test_the_timeline_has_every_service_newest_first_with_names_and_links(
    operator, downstream, intake, case_id
):
    intake.assign_case(
        COORDINATOR,
        case_id,
        {"operator_sub": AGENCY.sub, "role": AGENCY.role, "comuni": list(AGENCY.comuni)},
    )
    intake.add_diary_entry(
        AGENCY,
        case_id,
        {"kind": "telefonata", "occurred_at": "2026-01-02T09:00:00+01:00", "text": "Chiamata"},
    )
    response = operator.get(f"/schede/{case_id}/cronologia")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="tab-cronologia" href="[^"]+" aria-current="page"', html)
    kinds = entries(html)
    for kind in ("referral_received", "triage", "assigned", "diary"):
        assert kind in kinds
    # the referral (today) is newer than the other services' January entries and the call
    assert kinds[-6:] == [
        "partner_referral",
        "partner_referral",
        "partner_delivery",
        "housing_need",
        "funds_file",
        "diary",
    ]
    assert "AFOL ha accettato l&#39;invio" in html and "Invio a AFOL" in html
    assert 'id="timeline-gaps"' not in html
    assert "Scheda assegnata a Operatrice Agenzia" in html  # a name, not operator:agenzia
    assert "Triage: Presa in carico" in html
    assert ">operator:agenzia<" not in html
    assert "Sostenibilità del canone: Non sostenibile" in html
    assert "Comunicazione a Fondazione Welfare Ambrosiano" in html
    assert "02/01/2026 09:00" in html  # Milan time
    assert f'href="/schede/{case_id}/triage">Vai a Triage' in html
    assert f'href="/schede/{case_id}#fondi">Vai a Scheda · Fondi' in html
    # each service was asked with the route's purpose (and audits it)
    for service, method in (
        ("intake", "get_timeline"),
        ("funds", "get_funds_file"),
        ("housing_stock", "get_housing_need"),
        ("partners", "get_deliveries"),
        ("partners", "list_partner_referrals"),
    ):
        [call] = downstream.calls_to(service, method)
        assert call.kwargs["purpose"] == purposes.CASE_MANAGEMENT
    assert purposes.purpose_of("web.case_timeline") == purposes.CASE_MANAGEMENT


@pytest.mark.parametrize(
    "error", [ServiceUnavailable("funds"), ServiceTimeout("funds", "no answer in 5 s")]
)
def test_a_service_down_or_slow_leaves_a_gap_not_an_error(operator, downstream, case_id, error):
    downstream.fail("funds", "get_funds_file", error)
    response = operator.get(f"/schede/{case_id}/cronologia")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="timeline-gaps"' in html
    assert "Fondi: dati non disponibili in questo momento" in html
    kinds = entries(html)
    assert "funds_file" not in kinds
    assert "referral_received" in kinds and "housing_need" in kinds  # the others still answer


def test_intake_away_leaves_its_gap_and_the_other_services(operator, downstream, case_id):
    downstream.fail("intake", "get_case", ServiceUnavailable("intake"))
    downstream.fail("intake", "get_timeline", ServiceUnavailable("intake"))
    response = operator.get(f"/schede/{case_id}/cronologia")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Schede e percorso: dati non disponibili in questo momento" in html
    assert entries(html) == [
        "partner_referral",
        "partner_referral",
        "partner_delivery",
        "housing_need",
        "funds_file",
    ]


def test_a_case_of_another_comune_is_404_and_asks_nobody_else(client, downstream, intake):
    login(client, "sgm.sociale", "sgm-pw")
    other = intake.submit_referral(AGENCY, referral_payload(comune=SAN_DONATO))["id"]
    assert client.get(f"/schede/{other}/cronologia").status_code == 404
    assert downstream.calls_to("funds") == []
    assert downstream.calls_to("intake", "get_timeline") == []


def confidential_note(intake, case_id):
    return intake.add_diary_entry(
        AGENCY,
        case_id,
        {
            "kind": "colloquio",
            "occurred_at": "2026-01-03T09:00:00+01:00",
            "text": "Racconta della violenza subita",
            "confidential": True,
        },
    )


def test_confidential_notes_are_placeholders_for_who_may_not_read_them(
    client, downstream, intake, case_id
):
    confidential_note(intake, case_id)
    login(client, "coordinamento", "coord-pw")
    html = client.get(f"/schede/{case_id}/cronologia").get_data(as_text=True)
    assert "Nota riservata" in html and "violenza" not in html


def test_the_author_reads_a_confidential_note_in_the_timeline(
    operator, downstream, intake, case_id
):
    confidential_note(intake, case_id)
    html = operator.get(f"/schede/{case_id}/cronologia").get_data(as_text=True)
    assert "Colloquio (riservata)" in html and "Racconta della violenza subita" in html


def test_the_header_shows_an_emergency_placement_request_on_every_tab(
    operator, downstream, intake, case_id
):
    """Issue 8 #8: a grade-4 Pronto Intervento Sociale case shows its emergency placement."""
    intake.record_assessment(AGENCY, case_id, {"pis_situation": "incendio"})
    for tab in ("", "/cronologia", "/diario", "/progetto"):
        html = operator.get(f"/schede/{case_id}{tab}").get_data(as_text=True)
        assert 'id="case-requests"' in html, tab
        assert 'data-kind="emergency_placement" data-state="richiesta_inviata"' in html
        assert "Sistemazione d&#39;emergenza (Incendio" in html
    html = operator.get(f"/schede/{case_id}/cronologia").get_data(as_text=True)
    assert "Richiesta a Patrimonio abitativo: Sistemazione d" in html


def test_the_header_shows_every_action_request_with_its_state(
    operator, downstream, intake, case_id
):
    saved = intake.save_project(
        AGENCY,
        case_id,
        0,
        {
            "objectives": ["Mantenere l'alloggio"],
            "actions": [
                {
                    "type": "fund_application",
                    "description": "Fondo morosità incolpevole",
                    "responsible": "agency",
                },
                {
                    "type": "partner_referral",
                    "description": "Orientamento al lavoro",
                    "responsible": "partner",
                    "partner_code": "AFOL",
                },
                {"type": "isee_caf", "description": "ISEE", "responsible": "comune"},
            ],
        },
    )
    assert saved
    html = operator.get(f"/schede/{case_id}").get_data(as_text=True)
    states = re.findall(r'class="case-request" data-kind="([a-z_]+)" data-state="([a-z_]+)"', html)
    assert states == [
        ("fund_application", "richiesta_inviata"),
        ("partner_referral", "richiesta_inviata"),
    ]  # the ISEE is the comune's own action: no request to a service
    assert "Fondi" in html and "Richiesta inviata" in html


def test_no_requests_no_header_list(operator, downstream, case_id):
    html = operator.get(f"/schede/{case_id}").get_data(as_text=True)
    assert 'id="case-requests"' not in html


def test_the_comune_operator_sees_the_timeline_without_commission_links(
    client, downstream, intake, case_id
):
    login(client, "sgm.sociale", "sgm-pw")
    response = client.get(f"/schede/{case_id}/cronologia")
    assert response.status_code == 200
    assert "/commissione/" not in response.get_data(as_text=True)


def test_an_executive_eviction_assessed_with_nothing_ticked_is_not_no_difficulty(
    operator, downstream, intake
):
    """Issue 8 #9 on the Valutazione page: the referral's eviction counts; missing data is said."""
    case_id = intake.submit_referral(
        AGENCY,
        referral_payload(
            eviction_date=None, monthly_rent_cents=None, monthly_net_income_cents=None
        ),
    )["id"]
    take_on(intake, AGENCY, case_id)
    page = f"/schede/{case_id}/valutazione"
    token = csrf_from(operator.get(page).get_data(as_text=True))
    assert operator.post(page, data={"csrf_token": token}).status_code == 302
    html = operator.get(page).get_data(as_text=True)
    assert 'id="suggested-grade" data-grade="2"' in html
    assert "Dalla scheda di attivazione: la procedura di sfratto, i minori del nucleo." in html
    assert "Mancano il canone o il reddito mensile" in html
    assert "Non emergono difficoltà" not in html
