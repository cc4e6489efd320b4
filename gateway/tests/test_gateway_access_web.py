"""The Accessi tab against the real intake in process (funds, housing_stock and partners faked):
who read the household's data in every service, filters, the household's report (CSV and
printable, itself recorded as an export), and who may see it."""

from __future__ import annotations

import csv
import io
import re

import pytest
from gateway_helpers import MILANO, SAN_DONATO, SGM, login, referral_payload

from abitare_chassis.actor import Actor

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))


def trail_row(id, at, sub, role, action, data_set, purpose="gestione del caso"):
    return {
        "id": id,
        "at": at,
        "actor_sub": sub,
        "actor_role": role,
        "action": action,
        "referral_id": "x",
        "comune_istat": SGM,
        "purpose": purpose,
        "data_set": data_set,
    }


@pytest.fixture
def case_id(intake):
    return intake.submit_referral(AGENCY, referral_payload())["id"]


@pytest.fixture
def services(fake):
    """The three other services: they answer their reads and their trails."""
    fake.returns("funds", "get_funds_file", None)
    fake.returns("housing_stock", "get_housing_need", None)
    fake.returns("partners", "get_deliveries", [])
    fake.returns(
        "funds",
        "list_audit",
        [
            trail_row(
                1,
                "2026-03-02T09:15:00+00:00",
                "operator:agenzia",
                "agency_operator",
                "get_funds_file",
                "funds_file",
            )
        ],
    )
    fake.returns(
        "housing_stock",
        "list_audit",
        [
            trail_row(
                1,
                "2026-03-03T10:00:00+00:00",
                "client:comune-015195",
                "municipal_client",
                "get_housing_need",
                "housing_need",
                "seguito della segnalazione da parte del comune",
            )
        ],
    )
    fake.returns(
        "partners",
        "list_audit",
        [
            trail_row(
                1,
                "2026-03-04T11:30:00+00:00",
                "operator:sgm.sociale",
                "comune_operator",
                "get_deliveries",
                "partner_deliveries",
            )
        ],
    )
    return fake


def as_user(client, username, password):
    assert login(client, username, password).status_code == 302
    return client


def test_the_case_pages_read_for_case_management(client, services, case_id):
    as_user(client, "agenzia", "agenzia-pw")
    assert client.get(f"/schede/{case_id}").status_code == 200
    for service, method in (
        ("funds", "get_funds_file"),
        ("housing_stock", "get_housing_need"),
        ("partners", "get_deliveries"),
    ):
        [call] = services.calls_to(service, method)
        assert call.kwargs["purpose"] == "gestione del caso"
    [call] = services.calls_to("intake", "get_case")
    assert call.kwargs["purpose"] == "gestione del caso"


def test_a_coordinator_sees_the_reads_of_all_four_services(app, client, services, case_id):
    agency = as_user(app.test_client(), "agenzia", "agenzia-pw")
    agency.get(f"/schede/{case_id}")  # intake records this get_case
    as_user(client, "coordinamento", "coord-pw")
    case_page = client.get(f"/schede/{case_id}").get_data(as_text=True)
    assert 'id="tab-accessi"' in case_page
    response = client.get(f"/schede/{case_id}/accessi")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="access-entry"') == 5
    for service in ("intake", "funds", "housing_stock", "partners"):
        assert f'data-service="{service}"' in html
    assert "Consultazione del fascicolo fondi" in html and "Sistema del comune" in html
    assert 'data-service="intake" data-actor="operator:agenzia"' in html
    assert "seguito della segnalazione da parte del comune" in html

    only_funds = client.get(f"/schede/{case_id}/accessi?servizio=funds").get_data(as_text=True)
    assert only_funds.count('class="access-entry"') == 1 and 'data-service="funds"' in only_funds
    by_operator = client.get(f"/schede/{case_id}/accessi?operatore=operator:sgm.sociale")
    assert by_operator.get_data(as_text=True).count('class="access-entry"') == 1
    march = client.get(f"/schede/{case_id}/accessi?dal=2026-03-03&al=03/03/2026")
    assert march.get_data(as_text=True).count('class="access-entry"') == 1
    bad = client.get(f"/schede/{case_id}/accessi?dal=ieri")
    assert bad.status_code == 422 and "Indica una data valida" in bad.get_data(as_text=True)


def test_the_households_report_is_exported_and_recorded(client, services, intake, case_id):
    as_user(client, "coordinamento", "coord-pw")
    response = client.get(f"/schede/{case_id}/accessi/rapporto.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # UTF-8 with a BOM: accents survive a double click
    assert csv.Sniffer().sniff(text[1:200], delimiters=";,").delimiter == ";"
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Data e ora", "Servizio", "Chi", "Ruolo", "Che cosa", "Dati", "Finalità"]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", r[0]) for r in rows[1:])
    assert not [r for r in rows[1:] if r[2].startswith("operator:") or "_" in r[4]]
    assert {r[1] for r in rows[1:]} >= {
        "Fondi (reddito, canone)",
        "Bisogno abitativo",
        "Condivisioni con i partner",
    }
    assert "Rossi" not in response.get_data(as_text=True)

    printable = client.get(f"/schede/{case_id}/accessi/rapporto")
    assert printable.status_code == 200
    assert "art. 15" in printable.get_data(as_text=True)
    coordinator = Actor(sub="operator:coordinamento", role="coordinator", comuni=(SGM,))
    exports = [
        t for t in intake.list_audit(coordinator, case_id) if t["action"] == "export_access_report"
    ]
    assert [(t["actor_sub"], t["data_set"]) for t in exports] == [
        ("operator:coordinamento", "access_report")
    ] * 2
    assert "art. 15" in exports[0]["purpose"]


def test_a_comune_operator_gets_403_and_no_accessi_tab(client, services, case_id):
    as_user(client, "sgm.sociale", "sgm-pw")
    assert 'id="tab-accessi"' not in client.get(f"/schede/{case_id}").get_data(as_text=True)
    for path in ("", "/rapporto", "/rapporto.csv"):
        response = client.get(
            f"/schede/{case_id}/accessi{path}",
            headers={"Referer": f"http://localhost/schede/{case_id}"},
        )
        assert response.status_code == 403, path
        html = response.get_data(as_text=True)
        assert "Con il profilo «Operatore del Comune»" in html  # what the role cannot do
        assert f'href="/schede/{case_id}" id="error-back"' in html  # and the way back
        assert 'id="error-home"' in html
    assert services.calls_to("funds", "list_audit") == []


def test_a_coordinator_of_another_comune_gets_404(app, client, services, case_id):
    app.extensions["abitare_identity"].save_operator(
        "coord.milano", "milano-pw", "Coordinamento Milano", "coordinator", [MILANO]
    )
    as_user(client, "coord.milano", "milano-pw")
    for path in ("", "/rapporto", "/rapporto.csv"):
        assert client.get(f"/schede/{case_id}/accessi{path}").status_code == 404, path
    assert services.calls_to("funds", "list_audit") == []


def test_a_service_that_is_away_is_named_not_hidden(client, services, case_id):
    from abitare_gateway.rpc import ServiceUnavailable

    services.fail("partners", "list_audit", ServiceUnavailable("partners"))
    as_user(client, "coordinamento", "coord-pw")
    html = client.get(f"/schede/{case_id}/accessi").get_data(as_text=True)
    assert 'id="access-unavailable"' in html and "Condivisioni con i partner" in html
    assert 'data-service="partners"' not in html


def test_a_busy_case_is_paged_newest_first_and_the_report_keeps_every_row(
    client, services, case_id
):
    busy = [
        trail_row(
            n,
            f"2026-03-{1 + n // 24:02d}T{n % 24:02d}:00:00+00:00",
            f"operator:op{n:02d}",
            "agency_operator",
            "get_funds_file",
            "funds_file",
        )
        for n in range(1, 61)
    ]
    services.returns("funds", "list_audit", busy)
    as_user(client, "coordinamento", "coord-pw")

    def actors(path):
        html = client.get(path).get_data(as_text=True)
        return re.findall(
            r'class="access-entry" data-service="\w+" data-actor="([^"]+)"', html
        ), html

    base = f"/schede/{case_id}/accessi"
    pages = [actors(f"{base}?servizio=funds&pagina={n}") for n in (1, 2, 3)]
    assert [len(rows) for rows, _ in pages] == [25, 25, 10]
    assert pages[1][0] == [f"operator:op{n:02d}" for n in range(35, 10, -1)]  # newest first
    assert "60 accessi su" in pages[1][1] and "pagina 2 di 3" in pages[1][1]
    assert f'href="{base}?pagina=3&amp;servizio=funds" id="access-page-next"' in pages[1][1]
    assert actors(f"{base}?servizio=funds&pagina=9")[0] == pages[2][0]  # past the end: the last
    assert actors(f"{base}?servizio=funds&pagina=x")[0] == pages[0][0]

    unfiltered, page = [], 1
    while True:
        rows, html = actors(f"{base}?pagina={page}")
        unfiltered += rows
        if 'id="access-page-next"' not in html:
            break
        page += 1
    assert sorted(r for r in unfiltered if ":op" in r) == [r["actor_sub"] for r in busy]
    report = client.get(f"{base}/rapporto").get_data(as_text=True)
    in_report = re.findall(r'class="access-entry" data-service="\w+" data-actor="([^"]+)"', report)
    assert len(in_report) > 60 and page == -(-len(in_report) // 25)
    assert sorted(in_report) == sorted(unfiltered + ["operator:coordinamento"])  # + this export
    assert in_report[:3] == ["operator:op01", "operator:op02", "operator:op03"]  # oldest first
