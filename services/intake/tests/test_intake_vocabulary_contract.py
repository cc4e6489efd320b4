"""``infra/contracts/vocabulary.json`` is intake's vocabulary, as the gateway reads it: the file
and ``intake.domain.vocabulary`` may not drift (codes, order, labels)."""

import json
from pathlib import Path

from intake.domain import vocabulary

CONTRACT = Path(__file__).resolve().parents[3] / "infra" / "contracts" / "vocabulary.json"
REGENERATE = (
    '.venv/bin/python -c "import json; from intake.domain import vocabulary; '
    "open('infra/contracts/vocabulary.json', 'w', encoding='utf-8').write(json.dumps("
    "vocabulary.as_contract(), ensure_ascii=False, indent=2) + '\\n')\""
)


def rendered(contract: dict) -> str:
    return json.dumps(contract, ensure_ascii=False, indent=2) + "\n"


def test_the_contract_file_is_the_vocabulary_module():
    assert CONTRACT.read_text(encoding="utf-8") == rendered(vocabulary.as_contract()), (
        f"infra/contracts/vocabulary.json drifted from intake's vocabulary; run {REGENERATE}"
    )


def test_the_contract_holds_every_table_intake_serves():
    contract = vocabulary.as_contract()
    served = {
        name: {o["code"]: o["label"] for o in options}
        for name, options in vocabulary.as_options().items()
    }
    assert {name: contract["tables"][name] for name in served} == served
    assert contract["tables"]["diary_kind"] == vocabulary.DIARY_KINDS
    assert contract["head_of_household"] in contract["tables"]["relation"]


def test_a_changed_label_is_seen(monkeypatch):
    """Guard against a check that cannot fail: a label changed in the module is a drift."""
    monkeypatch.setitem(vocabulary.RELATIONS, "coniuge", "Coniuge o partner")
    assert CONTRACT.read_text(encoding="utf-8") != rendered(vocabulary.as_contract())
