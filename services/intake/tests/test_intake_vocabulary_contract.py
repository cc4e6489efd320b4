"""``infra/contracts/vocabulary.json`` is intake's labels, as the gateway reads them: the file
and ``intake.domain.labels`` may not drift (codes, order, labels), and every table of a code
intake stores and shows (the referral form's and the case path's) is in it."""

from pathlib import Path

from intake.domain import commission, grading, household, labels, lifecycle, project, vocabulary

CONTRACT = Path(__file__).resolve().parents[3] / "infra" / "contracts" / "vocabulary.json"


def test_the_contract_file_is_the_labels_module():
    assert CONTRACT.read_text(encoding="utf-8") == labels.rendered(), (
        "infra/contracts/vocabulary.json drifted from intake's labels; run make vocabulary"
    )


def test_the_contract_holds_every_table_intake_serves():
    contract = labels.as_contract()
    served = {
        name: {o["code"]: o["label"] for o in options}
        for name, options in vocabulary.as_options().items()
    }
    assert {name: contract["tables"][name] for name in served} == served
    assert contract["tables"]["diary_kind"] == vocabulary.DIARY_KINDS
    assert contract["head_of_household"] in contract["tables"]["relation"]


def test_the_case_path_codes_are_the_rules_codes():
    """Each table of the case path labels exactly the codes its rules accept."""
    tables = labels.as_contract()["tables"]
    assert list(tables["referral_status"]) == list(lifecycle.STATUSES)
    assert set(tables["triage_outcome"]) == set(lifecycle.TRIAGE_OUTCOMES)
    assert list(tables["grade"]) == ["1", "2", "3", "4"]
    assert tables["grade"]["4"] == "Grado 4 · Emergenza abitativa"
    assert set(tables["indicator"]) == set(grading.BOOLEAN_INDICATORS)
    assert list(tables["eviction_stage"]) == list(grading.EVICTION_STAGES)
    assert tables["eviction_stage"]["none"] == "Nessuna procedura"
    assert set(tables["pis_situation"]) == set(grading.PIS_SITUATIONS)
    assert set(tables["action_type"]) == set(project.ACTION_TYPES)
    assert set(tables["responsible"]) == set(project.RESPONSIBLE)
    assert set(tables["action_status"]) == set(project.ACTION_STATUSES)
    assert set(tables["closure_outcome"]) == set(lifecycle.CLOSURE_OUTCOMES)
    assert set(tables["proposal_kind"]) == set(commission.PROPOSAL_KINDS)
    assert set(tables["decision"]) == set(commission.DECISIONS)
    assert set(tables["household_composition"]) == set(household.COMPOSITIONS)
    assert tables["fotografia_gap"][grading.NOT_ASSESSED] == "Non valutato"
    for name, table in tables.items():
        assert all(text and text[0].isupper() for text in table.values()), name


def test_a_changed_label_is_seen(monkeypatch):
    """Guard against a check that cannot fail: a label changed in a rules module is a drift."""
    monkeypatch.setitem(vocabulary.RELATIONS, "coniuge", "Coniuge o partner")
    assert CONTRACT.read_text(encoding="utf-8") != labels.rendered()
    monkeypatch.setitem(project.ACTION_STATUSES, "in_corso", "Avviata")
    assert labels.as_contract()["tables"]["action_status"]["in_corso"] == "Avviata"
