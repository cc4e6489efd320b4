"""``infra/contracts/partners-vocabulary.json`` is the partners service's words, as the gateway
reads them to word its codes in the page's language: the file and ``partners.domain.vocabulary``
may not drift, and every code the service answers with on a page has its words there."""

from pathlib import Path

from partners.domain import consent, event_catalogue, lending, offers, referrals, vocabulary
from partners.domain.conventions import CHANNELS, FIELD_LABELS, KINDS, STATUSES

CONTRACT = Path(__file__).resolve().parents[3] / "infra" / "contracts" / "partners-vocabulary.json"


def test_the_contract_file_is_the_vocabulary_module():
    assert CONTRACT.read_text(encoding="utf-8") == vocabulary.rendered(), (
        "infra/contracts/partners-vocabulary.json drifted from partners' words; run make vocabulary"
    )


def test_the_contract_words_every_code_the_service_answers_with():
    contract = vocabulary.as_contract()
    tables = contract["tables"]
    assert tables["referral_state"] == referrals.STATES
    assert set(tables["service"]) == set(offers.OFFERS)
    assert tables["convention_kind"] == KINDS and tables["convention_status"] == STATUSES
    assert tables["channel"] == CHANNELS and tables["field"] == FIELD_LABELS
    assert set(tables["consent_category"]) == set(consent.CATEGORIES)
    assert set(tables["event_type"]) == set(event_catalogue.event_types())
    assert list(tables["lender_status"]) == list(lending.STATUSES)
    for service, offer in offers.OFFERS.items():
        assert list(contract["service_outcome"][service]) == [o.code for o in offer.outcomes]
    # the same code, two services, two words: outcomes are worded by service
    assert contract["service_outcome"]["mutua_sanitaria"]["iscritto"] == "Iscrizione completata"
    assert contract["service_outcome"]["formazione"]["iscritto"] == "Iscrizione al corso"
    # what the pages are served is the same words
    served = vocabulary.vocabulary()
    assert served["services"] == tables["service"] and served["statuses"] == STATUSES


def test_a_changed_word_is_seen(monkeypatch):
    """Guard against a check that cannot fail."""
    monkeypatch.setitem(referrals.STATES, referrals.SENT, "Inviato")
    assert CONTRACT.read_text(encoding="utf-8") != vocabulary.rendered()
