"""/lavoro, /commissione and /fotografia pages over the fake case path."""

from __future__ import annotations

import csv
import io
import re

import pytest
from gateway_helpers import SAN_DONATO, SGM, csrf_from, login, referral_payload, take_on

from abitare_chassis.actor import Actor
from abitare_gateway.rpc import ServiceUnavailable

AGENCY = Actor(sub="operator:agenzia", role="agency_operator", comuni=(SGM, SAN_DONATO))


@pytest.fixture
def operator(client):
    assert login(client).status_code == 302
    return client


@pytest.fixture
def coordinator(client):
    assert login(client, "coordinamento", "coord-pw").status_code == 302
    return client


@pytest.fixture
def case_id(intake):
    return intake.submit_referral(AGENCY, referral_payload())["id"]


def test_login_lands_on_the_worklist(client, case_id):
    response = login(client)
    assert response.headers["Location"].endswith("/lavoro")
    html = client.get("/lavoro").get_data(as_text=True)
    for section in (
        "overdue_actions",
        "evictions_within_30_days",
        "documents_expiring",
        "proposals_awaiting_commission",
        "awaiting_assignment",
        "awaiting_triage",
    ):
        assert f'id="{section}"' in html, section
    assert "Schede in attesa di triage" in html and "Rossi Mario" in html
    assert f'href="/schede/{case_id}/triage"' in html


def test_worklist_survives_intake_down(operator, fake):
    fake.fail("intake", "get_worklist", ServiceUnavailable("intake"))
    response = operator.get("/lavoro")
    assert response.status_code == 503
    assert 'id="worklist-unavailable"' in response.get_data(as_text=True)


def csrf(client, path):
    return csrf_from(client.get(path).get_data(as_text=True))


def test_commission_meeting_agenda_decision_and_minutes(coordinator, intake, case_id, fake):
    take_on(intake, AGENCY, case_id)  # only a case in charge goes to commission
    intake.save_project(AGENCY, case_id, 0, {"objectives": ["Trovare casa"]})  # to validate
    response = coordinator.post(
        "/commissione",
        data={
            "csrf_token": csrf(coordinator, "/commissione"),
            "date": "2025-06-20",
            "location": "Sala consiliare",
        },
    )
    assert response.status_code == 302
    meeting_path = response.headers["Location"]
    meeting_id = meeting_path.rsplit("/", 1)[1]
    response = coordinator.post(
        f"{meeting_path}/proposte",
        data={
            "csrf_token": csrf(coordinator, meeting_path),
            "referral_id": case_id,
            "kind": "validate_project",
            "notes": "Progetto concordato",
        },
    )
    assert response.status_code == 302
    html = coordinator.get(meeting_path).get_data(as_text=True)
    assert "Validazione del progetto" in html and "Rossi Mario" in html
    proposal_id = re.search(r'id="proposal-([0-9a-f-]{36})"', html).group(1)
    assert f'<label for="decision-{proposal_id}-approvata">Approvata</label>' in html
    response = coordinator.post(
        f"{meeting_path}/proposte/{proposal_id}/decisione",
        data={
            "csrf_token": csrf(coordinator, meeting_path),
            "decision": "rinviata",
            "notes": "Servono documenti",
        },
    )
    assert response.status_code == 302
    html = coordinator.get(meeting_path).get_data(as_text=True)
    # decided once: a postponed proposal comes back as a new one
    assert 'data-decision="rinviata"' in html and f'id="decide-{proposal_id}"' not in html
    response = coordinator.post(
        f"{meeting_path}/proposte",
        data={
            "csrf_token": csrf(coordinator, meeting_path),
            "referral_id": case_id,
            "kind": "validate_project",
            "notes": "Con i documenti",
        },
    )
    assert response.status_code == 302
    html = coordinator.get(meeting_path).get_data(as_text=True)
    proposal_id = re.findall(r'id="proposal-([0-9a-f-]{36})"', html)[-1]
    assert f'id="decide-{proposal_id}"' in html
    response = coordinator.post(
        f"{meeting_path}/proposte/{proposal_id}/decisione",
        data={"csrf_token": csrf(coordinator, meeting_path), "decision": "approvata"},
    )
    assert response.status_code == 302
    html = coordinator.get(meeting_path).get_data(as_text=True)
    assert 'data-decision="approvata"' in html and f'id="decide-{proposal_id}"' not in html
    assert fake.calls_to("intake", "decide_proposal")[-1].args == (
        proposal_id,
        {"decision": "approvata", "notes": None},
    )
    response = coordinator.post(
        f"{meeting_path}/verbale",
        data={"csrf_token": csrf(coordinator, meeting_path), "text": "Verbale n. 1"},
    )
    assert response.status_code == 302
    assert "Verbale n. 1" in coordinator.get(meeting_path).get_data(as_text=True)
    listing = coordinator.get("/commissione").get_data(as_text=True)
    assert f'href="/commissione/{meeting_id}"' in listing


def test_commission_form_errors(coordinator):
    response = coordinator.post(
        "/commissione", data={"csrf_token": csrf(coordinator, "/commissione"), "date": ""}
    )
    assert response.status_code == 422 and 'id="date-error"' in response.get_data(as_text=True)
    meeting = coordinator.post(
        "/commissione",
        data={
            "csrf_token": csrf(coordinator, "/commissione"),
            "date": "2025-06-20",
            "location": "Sala consiliare",
        },
    ).headers["Location"]
    response = coordinator.post(
        f"{meeting}/proposte",
        data={
            "csrf_token": csrf(coordinator, meeting),
            "referral_id": "r9999",
            "kind": "extend_stay",
        },
    )
    assert response.status_code == 422
    assert "Nucleo non trovato" in response.get_data(as_text=True)


def test_commission_is_explained_to_other_operators(operator):
    response = operator.get("/commissione")
    assert response.status_code == 403
    assert "non puoi gestire la Commissione" in response.get_data(as_text=True)


def test_fotografia_shows_charts_tables_and_a_csv_link(operator, intake, case_id, fake):
    intake.submit_referral(AGENCY, referral_payload(comune=SAN_DONATO, problem_reported="altro"))
    response = operator.get("/fotografia?dal=2020-01-01&al=2030-12-31")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="fotografia-total"' in html and "<strong>2</strong>" in html
    assert '<label for="dal"' in html and '<label for="al"' in html
    for name in (
        "comune",
        "referring_body",
        "problem_reported",
        "housing_situation",
        "household_composition",
    ):
        assert f'<svg class="abitare-chart" id="chart-{name}" role="img"' in html, name
        assert f'id="chart-{name}-title"' in html and f'id="chart-{name}-desc"' in html
        assert f'id="table-{name}"' in html, name
    assert re.search(
        r'<th scope="row" class="fw-normal">Sfratto esecutivo</th>'
        r'<td class="text-end">1</td>',
        html,
    )
    assert 'data-value="altro" data-count="1"' in html
    assert "https://" not in html.split("<main", 1)[1]  # nothing from a CDN
    link = re.search(r'id="csv-download" href="([^"]+)"', html).group(1)
    assert link.startswith("/fotografia.csv?")
    assert fake.calls_to("intake", "get_fotografia")[-1].args == ("2020-01-01", "2030-12-31", None)
    csv_response = operator.get(link.replace("&amp;", "&"))
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert csv_response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: accents survive Excel
    rows = spreadsheet(csv_response.data)
    assert rows[0] == ["Sezione", "Voce", "Schede", "Percentuale sul totale"]
    assert ["Totale schede ricevute", "", "2", "100,0"] in rows
    assert ["Problematica segnalata", "Sfratto esecutivo", "1", "50,0"] in rows
    assert ["Problematica segnalata", "Altro", "1", "50,0"] in rows
    assert ["Grado di disagio abitativo", "Non valutato", "2", "100,0"] in rows
    cells = {cell for row in rows for cell in row}
    assert not cells & {"sfratto_esecutivo", "non_valutato", "problem_reported", "total"}


def test_the_fotografia_as_an_excel_workbook(operator, intake, case_id):
    from openpyxl import load_workbook

    html = operator.get("/fotografia?dal=2020-01-01&al=2030-12-31").get_data(as_text=True)
    link = re.search(r'id="xlsx-download" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    response = operator.get(link)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert (
        'filename="fotografia_2020-01-01_2030-12-31.xlsx"'
        in response.headers["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows[0] == ("Fotografia delle schede dal 01/01/2020 al 31/12/2030", None, None, None)
    assert rows[1] == ("Sezione", "Voce", "Schede", "Percentuale sul totale")
    assert ("Totale schede ricevute", None, 1, 100.0) in rows
    assert ("Grado di disagio abitativo", "Non valutato", 1, 100.0) in rows
    assert sheet.cell(3, 4).number_format == "0.0"  # shown with the spreadsheet's own comma
    assert operator.get("/fotografia.xlsx?dal=2025-06-01&al=2025-01-01").status_code == 422


def spreadsheet(data: bytes) -> list[list[str]]:
    """Read a CSV as an Italian spreadsheet does: UTF-8 with BOM, ``;`` between cells."""
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    assert dialect.delimiter == ";"
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_spreadsheet_csv_has_decimal_commas_and_no_formulas():
    from abitare_gateway import labels
    from abitare_gateway.fotografia import to_spreadsheet_csv

    rows = spreadsheet(
        to_spreadsheet_csv(
            {
                "total": 3,
                "by_comune": {"Cassano d'Adda": 2, "=HYPERLINK()": 1},
                "by_grade": {"4": 1, "non_valutato": 2},
                "by_household_composition": {"non_classificato": 3},
            },
            labels.label,
        )
    )
    assert ["Schede per comune", "Cassano d'Adda", "2", "66,7"] in rows
    assert ["Schede per comune", "'=HYPERLINK()", "1", "33,3"] in rows
    assert ["Grado di disagio abitativo", "Grado 4 · Emergenza abitativa", "1", "33,3"] in rows
    assert ["Composizione dei nuclei familiari", "Non classificata", "3", "100,0"] in rows
    assert all(len(row) == 4 for row in rows)

    from openpyxl import load_workbook

    from abitare_gateway.fotografia import to_xlsx

    book = to_xlsx({"total": 1, "by_comune": {"=HYPERLINK()": 1}}, labels.label, "oggi")
    cell = load_workbook(io.BytesIO(book)).active.cell(4, 2)
    assert cell.value == "=HYPERLINK()" and cell.data_type == "s"  # text, not a formula


def test_fotografia_period_is_checked(operator, fake):
    response = operator.get("/fotografia?dal=2025-06-01&al=2025-01-01")
    assert response.status_code == 422
    assert 'id="al-error"' in response.get_data(as_text=True)
    response = operator.get("/fotografia?dal=2025-01-01&al=2025-06-01&comune=015146")
    assert response.status_code == 422  # not the operator's
    assert fake.calls_to("intake", "get_fotografia") == []


def test_fotografia_default_period_is_this_year(operator, fake):
    assert operator.get("/fotografia").status_code == 200
    date_from, date_to, comune = fake.calls_to("intake", "get_fotografia")[-1].args
    assert date_from.endswith("-01-01") and date_to >= date_from and comune is None
