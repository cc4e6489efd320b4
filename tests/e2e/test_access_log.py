"""The Accessi page end to end, every service running: a household's data read through the API
(by its comune's system) and the case page (by an operator) shows up, service by service, on the
coordinator's Accessi page and in the household's CSV report; a comune operator is refused."""

import csv
import io
import re

from nameko.standalone.rpc import ClusterRpcProxy

from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from abitare_chassis.testing.services import wait_for
from tests.support.data import referral
from tests.support.suite import DEMO_AMBITO, operator_session

SGM = "015195"


def test_the_accessi_page_lists_reads_from_all_four_services(suite):
    system = sign_actor(
        Actor(sub="system:test", role="system", comuni=tuple(DEMO_AMBITO)), rpc_audience("partners")
    )
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=10) as rpc:
        rpc.partners.subscribe(system, "FWA", "intake.referral_received.v1")
    api = suite.api(SGM)
    created = api.post(
        f"{suite.base_url}/api/v1/referrals", json=referral(SGM, members=2), timeout=15
    )
    assert created.status_code == 201, created.text
    referral_id = created.json()["id"]

    def overview():
        body = api.get(
            f"{suite.base_url}/api/v1/referrals/{referral_id}/overview", timeout=10
        ).json()
        sections = ("funds_file", "housing_need", "partner_deliveries")
        return body if all(body[s]["status"] == "disponibile" for s in sections) else None

    wait_for(overview, timeout=30, message="the three services to know the referral")

    agenzia = operator_session(suite, "agenzia", "agenzia-demo")
    assert agenzia.get(f"{suite.base_url}/schede/{referral_id}", timeout=10).status_code == 200

    coordinatrice = operator_session(suite, "coordinatrice", "coordinatrice-demo")
    page = coordinatrice.get(f"{suite.base_url}/schede/{referral_id}/accessi", timeout=10)
    assert page.status_code == 200, page.text
    entries = re.findall(
        r'class="access-entry" data-service="(\w+)" data-actor="([^"]+)"', page.text
    )
    assert {service for service, _ in entries} == {"intake", "funds", "housing_stock", "partners"}
    for service in ("funds", "housing_stock", "partners"):
        assert (service, "operator:agenzia") in entries
        assert (service, "client:comune-015195") in entries
    assert ("intake", "operator:agenzia") in entries
    assert "invio e verifica delle schede" in page.text  # the API overview's purpose

    report = coordinatrice.get(
        f"{suite.base_url}/schede/{referral_id}/accessi/rapporto.csv", timeout=10
    )
    assert report.status_code == 200 and report.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == len(entries) + 1  # the report's own export is in it
    assert rows[-1]["Che cosa"] == "Rapporto degli accessi consegnato all'interessato"
    assert not rows[-1]["Chi"].startswith("operator:")  # the operator's name
    assert "art. 15" in rows[-1]["Finalità"]

    sgm = operator_session(suite, "sgm.sociale", "sgm-demo")
    refused = sgm.get(f"{suite.base_url}/schede/{referral_id}/accessi", timeout=10)
    assert refused.status_code == 403
    assert (
        'id="tab-accessi"' not in sgm.get(f"{suite.base_url}/schede/{referral_id}", timeout=10).text
    )
