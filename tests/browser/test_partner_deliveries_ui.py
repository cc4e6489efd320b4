"""The Consegne page of a partner in a real headless Chromium: a coordinator registers a webhook
(the secret shown once), the failed attempts stand out, a replay delivers with the same event
id, rotating the secret shows a new one. The partner's endpoint is a local receiver that
verifies every signature with the independent ``standardwebhooks`` package."""

from nameko.standalone.rpc import ClusterRpcProxy

from abitare_chassis.actor import Actor, rpc_audience, sign_actor
from tests.browser.conftest import SCREENSHOTS
from tests.support.data import referral
from tests.support.suite import DEMO_AMBITO
from tests.support.webhook_receiver import WebhookReceiver


def subscribe_fwa(suite):
    system = sign_actor(
        Actor(sub="system:test", role="system", comuni=tuple(DEMO_AMBITO)), rpc_audience("partners")
    )
    with ClusterRpcProxy({"AMQP_URI": suite.amqp_uri}, timeout=10) as rpc:
        rpc.partners.subscribe(system, "FWA", "intake.referral_received.v1")


def reload_until(page, selector, timeout_s=30):
    """Open the page again (a GET: reloading the answer to a POST would post it again) until
    ``selector`` is on it."""
    for _ in range(timeout_s * 2):
        page.goto("/partner/FWA/consegne")
        if page.locator(selector).count():
            return page.locator(selector)
        page.wait_for_timeout(500)
    raise AssertionError(f"{selector} never appeared")


def test_coordinator_registers_a_webhook_sees_failures_and_replays(logged_in, suite):
    receiver = WebhookReceiver(mode="error").start()
    try:
        subscribe_fwa(suite)
        page = logged_in("coordinatrice")
        page.goto("/partner/FWA/consegne")
        assert page.locator("html").get_attribute("lang") == "it"
        page.fill("#url", "https://10.0.0.1/hook")
        page.click("#register-submit")
        assert "rete privata" in page.locator("#error-summary").inner_text()
        page.fill("#url", receiver.url)
        page.click("#register-submit")
        secret = page.locator("#one-time-secret").inner_text().strip()
        assert secret.startswith("whsec_")
        receiver.secrets = [secret]
        response = suite.api("015195").post(
            f"{suite.base_url}/api/v1/referrals", json=referral("015195", n=880101), timeout=15
        )
        assert response.status_code == 201, response.text
        failed = reload_until(page, "tr.abitare-failed")
        assert "HTTP 503" in failed.first.inner_text()
        assert "#one-time-secret" not in page.content() and secret not in page.content()
        page.screenshot(path=str(SCREENSHOTS / "consegne-partner-fallimenti.png"), full_page=True)
        receiver.mode = "ok"
        failed.first.get_by_role("button", name="Reinvia").click()
        assert "Reinvio programmato" in page.content()
        reload_until(page, "#attempt-table .badge.bg-success")
        assert len(receiver.events) == 1 and receiver.rejected == []
        (event_id,) = receiver.events
        assert event_id in page.locator("#attempt-table").inner_text()  # the same id throughout
        page.locator("button[id^=rotate-]").first.click()
        rotated = page.locator("#one-time-secret").inner_text().strip()
        assert rotated.startswith("whsec_") and rotated != secret
        assert "24 ore" in page.locator("#secret-box").inner_text()
    finally:
        receiver.stop()


def test_a_disabled_webhook_is_on_lavoro_and_on_the_partner_list(logged_in, suite):
    """An endpoint that answers 410 Gone is disabled at once: the coordinator sees a line on
    Lavoro (partner, since when, why, the way to Consegne) and a flag on the Partner list."""
    receiver = WebhookReceiver(mode="gone").start()
    try:
        subscribe_fwa(suite)
        page = logged_in("coordinatrice")
        page.goto("/partner/FWA/consegne")
        page.fill("#url", receiver.url)
        page.click("#register-submit")
        secret = page.locator("#one-time-secret").inner_text().strip()
        assert secret.startswith("whsec_")
        receiver.secrets = [secret]  # a signed request it answers 410; an unsigned one 400
        response = suite.api("015195").post(
            f"{suite.base_url}/api/v1/referrals", json=referral("015195", n=880202), timeout=15
        )
        assert response.status_code == 201, response.text
        reload_until(page, "div[id^=disabled-]")
        page.goto("/lavoro")
        line = page.locator("#webhooks_disabled li.webhook-disabled[data-partner=FWA]").first
        assert "410 Gone" in line.inner_text() and "FWA" in line.inner_text()
        page.screenshot(path=str(SCREENSHOTS / "lavoro-webhook-disattivato.png"), full_page=True)
        line.get_by_role("link").click()
        assert page.url.endswith("/partner/FWA/consegne")
        page.goto("/partner")
        flag = page.locator("#partner-fwa .partner-webhook-disabled")
        assert flag.inner_text().strip() == "Webhook disattivato"
        assert page.locator("#partner-afol .partner-webhook-disabled").count() == 0
    finally:
        receiver.stop()
