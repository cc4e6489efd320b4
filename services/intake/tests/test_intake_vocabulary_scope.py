"""Vocabulary, tenant scope and the comuni reference list."""

import json
from pathlib import Path

from intake.adapters import reference
from intake.domain import vocabulary
from intake.domain.scope import in_scope, visible_comuni

CONTRACT = (
    Path(__file__).resolve().parents[3]
    / "infra"
    / "contracts"
    / "events"
    / "intake.referral_received.v1.json"
)


def test_problem_codes_from_the_fotografia():
    required = {
        "incendio_abitazione",
        "allagamento_abitazione",
        "sfratto_esecutivo",
        "allontanamento_da_ospitante",
        "assenza_acqua_morosita",
        "assenza_dimora",
        "minori_stranieri_non_accompagnati",
        "morosita_affitto",
        "morosita_mutuo",
        "canone_insostenibile",
        "altro",
    }
    assert required <= set(vocabulary.PROBLEMS_REPORTED)


def test_housing_situation_codes_and_labels():
    assert set(vocabulary.HOUSING_SITUATIONS) == {
        "mancato_rinnovo_contratto",
        "sfratto_in_corso",
        "sistemazione_stabile_provvisoria",
        "fine_accoglienza_temporanea",
        "affitto_insostenibile",
        "rilascio_altro_motivo",
        "altro",
    }
    assert (
        vocabulary.label("housing_situation", "mancato_rinnovo_contratto")
        == "Rilascio alloggio per mancato rinnovo contratto di locazione"
    )
    assert (
        vocabulary.label("housing_situation", "sfratto_in_corso")
        == "Rilascio alloggio per procedimento di sfratto in corso"
    )
    assert (
        vocabulary.label("housing_situation", "affitto_insostenibile")
        == "Difficoltà sostenibilità affitto"
    )


def test_referring_bodies_and_relations_match_the_event_contract():
    schema = json.loads(CONTRACT.read_text())
    props = schema["properties"]
    member = props["household"]["properties"]["members"]["items"]["properties"]
    assert list(vocabulary.REFERRING_BODIES) == props["referring_body"]["enum"]
    assert list(vocabulary.RELATIONS) == member["relation"]["enum"]


def test_every_code_has_a_label_and_options_keep_order():
    options = vocabulary.as_options()
    assert set(options) == {"referring_body", "problem_reported", "housing_situation", "relation"}
    for name, codes in vocabulary.VOCABULARIES.items():
        assert [o["code"] for o in options[name]] == list(codes)
        assert all(o["label"] for o in options[name])
        assert all(code == code.lower() and " " not in code for code in codes)


def test_scope_is_membership_in_the_actor_comuni():
    assert in_scope(("015195", "015140"), "015195")
    assert not in_scope(("015195",), "015146")
    assert not in_scope((), "015195")


def test_visible_comuni():
    assert visible_comuni(("015195", "015140")) == ["015140", "015195"]
    assert visible_comuni(("015195", "015140"), "015140") == ["015140"]
    assert visible_comuni(("015195",), "015146") == []


def test_comuni_reference_list():
    comuni = reference.comuni()
    assert len(comuni) == 133
    assert all(len(code) == 6 and code.isdigit() for code in comuni)
    assert reference.comune_name("015146") == "Milano"
    assert reference.comune_name("015195") == "San Giuliano Milanese"
    assert reference.comune_name("058091") is None  # Roma: not in the Città Metropolitana
    names = [c["name"] for c in reference.comuni_list()]
    assert names == sorted(names, key=str.casefold) and len(names) == 133
