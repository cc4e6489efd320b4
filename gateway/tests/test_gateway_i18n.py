"""The UI in English (docs/i18n.md): the catalogue covers every message, an English page shows
no Italian of ours, the choice stays with the operator, and Italian stays the default."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from gateway_helpers import SAN_DONATO, SGM, csrf_from, login, referral_payload

from abitare_chassis.actor import Actor

GATEWAY = Path(__file__).resolve().parents[1]
PO = GATEWAY / "abitare_gateway" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PYBABEL = Path(sys.executable).with_name("pybabel")


def catalogue():
    with PO.open("rb") as po:
        return read_po(po)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The msgids the sources have now (what ``make i18n`` extracts)."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [PYBABEL, "-q", "extract", "-F", "babel.cfg", "--no-location", "-o", pot, "."],
        cwd=GATEWAY,
        check=True,
    )
    with pot.open("rb") as file:
        return {m.id for m in read_po(file) if m.id}


def test_every_message_of_the_sources_has_its_english(extracted):
    english = {m.id: m for m in catalogue() if m.id}
    assert sorted(extracted - set(english)) == [], "run `make i18n` and translate"
    untranslated = [i for i in extracted if not english[i].string or english[i].fuzzy]
    assert untranslated == [], "empty or fuzzy msgstr: translate them"


def test_the_placeholders_survive_the_translation():
    for message in catalogue():
        if message.id:
            for pattern in (r"\{\w+\}", r"%\(\w+\)s"):
                assert sorted(re.findall(pattern, message.id)) == sorted(
                    re.findall(pattern, message.string)
                ), message.id


def test_the_vocabulary_and_the_error_texts_are_extracted(extracted):
    assert "Grado 4 · Emergenza abitativa" in extracted  # intake's vocabulary.json
    assert "Sfratto esecutivo" in extracted
    assert "La scheda cercata non esiste oppure non è visibile con il tuo profilo." in extracted
    assert "Consultazione del diario" in extracted  # access_log.ACTIONS


def test_the_partners_vocabulary_is_extracted(extracted):
    """partners' words (its contract file, by code) are msgids: one without English fails
    ``test_every_message_of_the_sources_has_its_english``, and one left on an English page is
    found by ``italian_left``."""
    from abitare_gateway import labels

    words = labels.PARTNERS_VOCABULARY
    for table in (*words["tables"].values(), *words["service_outcome"].values()):
        assert set(table.values()) <= extracted
    assert "Inviato, in attesa di risposta" in extracted  # a referral's state
    assert "Iscrizione al corso" in extracted  # an outcome of one service
    assert "Coda AMQP dedicata" in extracted and "tempo scaduto" in extracted  # gateway's table
    page = "<p><span>Microcredito sociale</span> <span>Inviato, in attesa di risposta</span></p>"
    assert italian_left(page) == ["Microcredito sociale", "Inviato, in attesa di risposta"]


class Text(HTMLParser):
    """The text nodes a person reads or hears (attributes aria-label, placeholder, title too)."""

    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if name in ("aria-label", "placeholder", "title", "alt", "data-label") and value:
                self.nodes.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.nodes.append(" ".join(data.split()))

    @classmethod
    def shown(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " | ".join(parser.nodes)


def italian_left(html: str) -> list[str]:
    """Text nodes that are one of our Italian msgids whose English is different."""
    italian = {m.id.strip() for m in catalogue() if m.id and m.string.strip() != m.id.strip()}
    parser = Text()
    parser.feed(html)
    return [node for node in parser.nodes if node in italian]


def choose(client, language: str, next_url: str = "/lavoro"):
    token = csrf_from(client.get("/login" if next_url == "/login" else next_url).get_data(True))
    return client.post(
        "/lingua", data={"language": language, "next": next_url, "csrf_token": token}
    )


PAGES = ("/lavoro", "/schede", "/schede/nuova", "/password", "/logout", "/utenti")


def test_in_english_the_main_pages_say_lang_en_and_show_no_italian(client):
    assert login(client).status_code == 302
    assert choose(client, "en").status_code == 302
    for path in PAGES:
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="en">' in html, path
        assert italian_left(html) == [], path


def test_in_italian_nothing_changed(client):
    assert login(client).status_code == 302
    html = client.get("/schede/nuova").get_data(as_text=True)
    assert '<html lang="it">' in html
    assert "Nuova scheda di attivazione" in html
    assert 'id="language-switch"' in html and ">English</button>" in html


def test_the_choice_stays_with_the_operator(app):
    first = app.test_client()
    assert login(first).status_code == 302
    assert choose(first, "en").headers["Location"].endswith("/lavoro")
    again = app.test_client()  # another browser: no cookie, the account remembers
    assert login(again).status_code == 302
    html = again.get("/lavoro").get_data(as_text=True)
    assert '<html lang="en">' in html and ">Italiano</button>" in html
    assert choose(again, "it").status_code == 302
    assert '<html lang="it">' in app.test_client().get("/login").get_data(as_text=True)
    third = app.test_client()
    login(third)
    assert '<html lang="it">' in third.get("/lavoro").get_data(as_text=True)


def test_before_signing_in_the_login_page_follows_the_cookie_or_the_browser(client):
    assert '<html lang="it">' in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    german = client.get("/login", headers={"Accept-Language": "de-DE"})
    assert '<html lang="it">' in german.get_data(as_text=True)
    choose(client, "en", "/login")
    html = client.get("/login", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert '<html lang="en">' in html and italian_left(html) == []


def test_an_unknown_language_is_refused(client):
    assert choose(client, "fr", "/login").status_code == 400


def test_the_api_stays_as_it_is(client):
    login(client)
    choose(client, "en")
    body = client.get("/api/v1/referrals/nope", headers={"Accept-Language": "it"}).get_json()
    assert "profilo" in body.get("detail", "")


def test_labels_follow_the_page_and_the_fotografia_download_stays_italian(app):
    from abitare_gateway import labels
    from abitare_gateway.fotografia import to_spreadsheet_csv

    counts = {"total": 1, "by_problem_reported": {"sfratto_esecutivo": 1}}
    with app.test_request_context("/fotografia", headers={"Accept-Language": "en"}):
        assert labels.label("problem_reported", "sfratto_esecutivo") == "Enforceable eviction"
        assert labels.label("problem_reported", "unknown_code") == "unknown_code"
        assert labels.choices("grade")[3] == ("4", "Grade 4 · Housing emergency")
        download = to_spreadsheet_csv(counts, labels.italian).decode("utf-8-sig")
        assert "Sfratto esecutivo" in download and "Enforceable" not in download
    with app.test_request_context("/fotografia"):
        assert labels.label("problem_reported", "sfratto_esecutivo") == "Sfratto esecutivo"


def test_the_wrapper_wraps_words_once_and_leaves_markup_alone():
    sys.path.insert(0, str(GATEWAY / "scripts"))
    from i18n_wrap import wrap

    source = (
        '<h1 class="h2">Nuova scheda</h1>\n<p aria-label="Riepilogo">{{ n }} schede</p>\n'
        "{{ field(form, 'cognome', 'Cognome', attrs='maxlength=\"20\"') }}\n"
        "<script>var x = 'Testo';</script><span class=\"bg-warning text-dark\">—</span>"
    )
    wrapped, words = wrap(source)
    assert '<h1 class="h2">{{ _("Nuova scheda") }}</h1>' in wrapped
    assert '<p aria-label="{{ _(\'Riepilogo\') }}">{{ n }} {{ _("schede") }}</p>' in wrapped
    assert "{{ field(form, 'cognome', _('Cognome'), attrs='maxlength=\"20\"') }}" in wrapped
    assert "<script>var x = 'Testo';</script>" in wrapped and "bg-warning text-dark" in wrapped
    assert sorted(words) == ["Cognome", "Nuova scheda", "Riepilogo", "schede"]
    assert wrap(wrapped) == (wrapped, [])


COORDINATOR = Actor(sub="operator:coordinamento", role="coordinator", comuni=(SGM, SAN_DONATO))
FWA = Actor(sub="partner:FWA", role="partner_client", comuni=(SGM,))


@pytest.fixture
def partner_pages(app, client, intake, partners):
    """As the coordinator, in English, the partner pages with something of every kind on them:
    a case with a referral answered with an outcome and one overdue, a consent; a convention
    edited (its history) and one suspended (a lapse); a webhook disabled, with a delivered and a
    failed attempt in its log. The paths to visit."""
    from datetime import UTC, date, datetime, timedelta

    from partners.adapters.models import (
        PartnerReferral,
        WebhookAttempt,
        WebhookEndpoint,
        WebhookMessage,
    )

    case = intake.submit_referral(COORDINATOR, referral_payload())["id"]
    answered = partners.send(case, SGM, "FWA", "microcredito")
    partners.update_own_referral(FWA, answered, {"update": "accept"})
    partners.update_own_referral(FWA, answered, {"update": "outcome", "outcome": "pratica_aperta"})
    late = partners.send(case, SGM, "FWA", "consulenza_debiti")
    with partners.db.transaction() as tx:
        tx.session.get(PartnerReferral, late).respond_by = date.today() - timedelta(days=3)
    [fwa] = partners.get_partner(COORDINATOR, "FWA")["conventions"]
    partners.edit_convention(
        COORDINATOR,
        "FWA",
        fwa["code"],
        fwa["current"]["version"],
        {"channels": ["amqp", "webhook"], "kind": "protocollo_intesa"},
    )
    [aler] = partners.get_partner(COORDINATOR, "ALER")["conventions"]
    partners.set_convention_status(
        COORDINATOR, "ALER", aler["code"], aler["current"]["version"], "sospesa", "verifica"
    )
    endpoint = partners.register_webhook(COORDINATOR, "FWA", "http://127.0.0.1:9/hooks")["id"]
    now = datetime.now(UTC)
    with partners.db.transaction() as tx:
        row = tx.session.get(WebhookEndpoint, endpoint)
        row.enabled, row.disabled_reason, row.disabled_at = False, "failures", now
        message = WebhookMessage(
            event_id="00000000-0000-4000-8000-000000000001",
            endpoint_id=endpoint,
            partner_code="FWA",
            body="{}",
            status="failed",
            attempts=2,
            next_attempt_at=now,
            queued_at=now,
        )
        tx.session.add(message)
        tx.session.flush()
        for attempt, outcome, error in ((1, "failed", "timeout"), (2, "delivered", None)):
            tx.session.add(
                WebhookAttempt(
                    message_id=message.id,
                    event_id=message.event_id,
                    endpoint_id=endpoint,
                    attempt=attempt,
                    at=now,
                    latency_ms=12,
                    outcome=outcome,
                    status_code=None if error else 200,
                    error_class=error,
                )
            )
    assert login(client, "coordinamento", "coord-pw").status_code == 302
    assert choose(client, "en").status_code == 302
    return {
        "/partner": ("Social microcredit", "Memorandum of understanding", "Signed HTTPS webhook"),
        "/partner/FWA": ("Dedicated AMQP queue", "Debt counselling", "Household referred"),
        "/partner/ALER": ("Agreement suspended (verifica)",),
        f"/partner/FWA/consegne?webhook={endpoint}": ("timed out", "Delivered", "Failed"),
        f"/schede/{case}/partner": (
            "Sent, awaiting an answer",
            "Application opened",
            "Accepted by the partner",
            "Contacts (telephone)",
            "Answer due by, Referral date, Service requested",
        ),
        f"/schede/{case}/cronologia": (
            "Referral to FWA",
            "FWA accepted the referral",
            "Social microcredit: Application opened",
        ),
        "/lavoro": ("Debt counselling", "too many failed attempts in a row"),
    }


def test_in_english_the_partner_pages_show_no_italian_of_partners(client, partner_pages):
    """The Partner list, a partner's conventions (with a history and a lapse), its Consegne, the
    case's Invii ai partner tab and its timeline, Lavoro's partner sections: the partners
    service's codes are worded in English, nothing of ours is left Italian."""
    for path, english in partner_pages.items():
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert '<html lang="en">' in html, path
        assert italian_left(html) == [], path
        for words in english:
            assert words in html, (path, words, Text.shown(html)[-3000:])


def test_in_italian_the_partner_pages_read_as_before(client, partner_pages):
    assert choose(client, "it").status_code == 302
    case_tab = next(path for path in partner_pages if path.startswith("/schede/"))
    html = client.get(case_tab).get_data(as_text=True)
    assert "Inviato, in attesa di risposta" in html and "Pratica aperta" in html
    assert "FWA – Microcredito sociale" in html or "Microcredito sociale" in html
    listing = client.get("/partner").get_data(as_text=True)
    assert "Protocollo d&#39;intesa" in listing and "Webhook HTTPS firmato" in listing
