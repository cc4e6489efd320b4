"""Services stay independent: no service imports another service's package, the gateway imports
none of them, and rules in ``domain/`` do not depend on nameko, SQLAlchemy or marshmallow."""
import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = {"intake": "services/intake", "funds": "services/funds",
            "housing_stock": "services/housing-stock", "partners": "services/partners"}
FRAMEWORKS = {"nameko", "sqlalchemy", "marshmallow", "kombu", "eventlet", "flask"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def python_files(folder: str):
    return [p for p in (REPO / folder).rglob("*.py") if "node_modules" not in p.parts]


def test_every_service_exists():
    for folder in SERVICES.values():
        assert (REPO / folder / "pyproject.toml").exists(), folder


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_service_imports_no_other_service(service):
    others = set(SERVICES) - {service}
    offenders = {str(p.relative_to(REPO)): sorted(imported_roots(p) & others)
                 for p in python_files(SERVICES[service]) if imported_roots(p) & others}
    assert offenders == {}


def test_gateway_and_infra_import_no_service():
    """The gateway's package and the chassis; the gateway's tests may use intake's real service."""
    for folder in ("gateway/abitare_gateway", "infra"):
        offenders = {str(p.relative_to(REPO)): sorted(imported_roots(p) & set(SERVICES))
                     for p in python_files(folder) if imported_roots(p) & set(SERVICES)}
        assert offenders == {}, folder


def test_the_gateway_package_ships_no_test_code():
    test_code = {"gateway_doubles", "gateway_helpers", "pytest"}
    offenders = {str(p.relative_to(REPO)): sorted(imported_roots(p) & test_code)
                 for p in python_files("gateway/abitare_gateway") if imported_roots(p) & test_code}
    assert offenders == {}
    assert not list((REPO / "gateway/abitare_gateway").glob("testing*")), "doubles belong in tests"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_domain_rules_are_framework_free(service):
    domain = REPO / SERVICES[service] / service / "domain"
    assert domain.is_dir(), f"{service} has no domain/ package"
    offenders = {str(p.relative_to(REPO)): sorted(imported_roots(p) & FRAMEWORKS)
                 for p in domain.rglob("*.py") if imported_roots(p) & FRAMEWORKS}
    assert offenders == {}


def test_the_detector_sees_a_violation(tmp_path):
    """Guard against a test that cannot fail: the import scanner finds a planted import."""
    planted = tmp_path / "x.py"
    planted.write_text("from intake.models import Referral\nimport funds.service\n")
    assert {"intake", "funds"} <= imported_roots(planted)
