"""Every code a service can send has words in the gateway's table (``error_texts``): the typed
errors of its ``errors.py``, the codes its schemas' validators produce, and the coded field
errors its rules and validators build (found in the source by AST, so a new one cannot slip by).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import marshmallow
import pytest

from abitare_chassis.errors import AbitareError, error_classes
from abitare_chassis.schemas import FIELD_CODES, VALIDATOR_CODES, schema_codes
from abitare_gateway import error_texts

REPO = Path(__file__).resolve().parents[2]
SERVICES = {
    "intake": REPO / "services/intake/intake",
    "funds": REPO / "services/funds/funds",
    "housing_stock": REPO / "services/housing-stock/housing_stock",
    "partners": REPO / "services/partners/partners",
}
# first argument is a code (a literal, or a module constant)
CODE_FACTORIES = {"field_error", "InvalidCodiceFiscale", "field_refusal"}


def service_error_classes(package: str) -> list[type[AbitareError]]:
    importlib.import_module(f"{package}.errors")
    return [cls for cls in error_classes() if cls.__module__.startswith(f"{package}.")]


def codes_in_source(folder: Path) -> set[str]:
    """``{"code": "x"}`` literals, ``field_error("x", ...)``, ``InvalidCodiceFiscale("x", ...)``
    and validators' ``error="x"`` in every module of the service."""
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "code":
                        if isinstance(value, ast.Constant):
                            found.add(value.value)
                        elif isinstance(value, ast.Name) and value.id in constants:
                            found.add(constants[value.id])
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                first = node.args[0] if node.args else None
                if name in CODE_FACTORIES and isinstance(first, ast.Constant):
                    found.add(first.value)
                elif name in CODE_FACTORIES and isinstance(first, ast.Name):
                    found.add(constants.get(first.id, first.id))
                found.update(
                    kw.value.value
                    for kw in node.keywords
                    if kw.arg == "error" and isinstance(kw.value, ast.Constant)
                )
    return found


def schema_modules(package: str) -> list:
    """``<package>.schemas``, and each of its modules when it is a package (intake's)."""
    schemas = importlib.import_module(f"{package}.schemas")
    return [schemas] + [
        importlib.import_module(f"{schemas.__name__}.{info.name}")
        for info in pkgutil.iter_modules(getattr(schemas, "__path__", []))
    ]


def schema_module_codes(package: str) -> set[str]:
    found: set[str] = set()
    for module in schema_modules(package):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, marshmallow.Schema) and cls.__module__ == module.__name__:
                found |= schema_codes(cls())
    return found


@pytest.mark.parametrize("package", sorted(SERVICES))
def test_every_error_class_has_its_own_unique_code_and_words(package):
    classes = service_error_classes(package)
    assert classes, f"{package} defines no typed errors?"
    for cls in classes:
        assert "code" in vars(cls), f"{cls.__name__} inherits its code: give it its own"
        assert error_texts.has_text(cls.code), f"no text for {cls.__name__}.code {cls.code!r}"
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes)), "two classes share a code"


@pytest.mark.parametrize("package", sorted(SERVICES))
def test_every_field_error_code_has_words(package):
    codes = (
        codes_in_source(SERVICES[package])
        | schema_module_codes(package)
        | FIELD_CODES
        | VALIDATOR_CODES
    )
    if package == "intake":  # the scan does see intake's codes
        assert {
            "codice_fiscale_checksum",
            "household_head_count",
            "istat_unknown",
            "phone_format",
            "range",
        } <= codes
    missing = sorted(code for code in codes if not error_texts.has_text(code))
    assert missing == [], f"codes without an entry in error_texts: {missing}"


def test_the_scan_catches_a_code_without_words(tmp_path):
    (tmp_path / "rule.py").write_text(
        'ERRORS = {"x": [{"code": "never_heard_of"}]}\nfield_error("nor_this", "f")\n'
    )
    codes = codes_in_source(tmp_path)
    assert codes == {"never_heard_of", "nor_this"}
    assert not any(error_texts.has_text(code) for code in codes)
