"""Services stay independent and keep the template's shape (docs/service-template.md): no service
imports another service's package, the gateway imports none of them, and the rules in ``domain/``
depend on nothing but the standard library, each other and the service's ``errors`` -- relative
imports included."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = {
    "intake": "services/intake",
    "funds": "services/funds",
    "housing_stock": "services/housing-stock",
    "partners": "services/partners",
}
FRAMEWORKS = {
    "nameko",
    "sqlalchemy",
    "marshmallow",
    "kombu",
    "eventlet",
    "flask",
    "alembic",
    "abitare_chassis",
}
TEMPLATE = (
    "service.py",
    "errors.py",
    "domain/__init__.py",
    "domain/permissions.py",
    "usecases/__init__.py",
    "adapters/__init__.py",
    "adapters/models.py",
)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path) -> set[str]:
    """Absolute names of what ``path`` imports; relative imports resolved against ``root``."""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            if node.module is None or node.level:
                found |= {f"{stem}.{alias.name}" for alias in node.names}
            found.add(stem)
    return found


def roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def python_files(folder: str):
    return [p for p in (REPO / folder).rglob("*.py") if "node_modules" not in p.parts]


def test_every_service_exists():
    for folder in SERVICES.values():
        assert (REPO / folder / "pyproject.toml").exists(), folder


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_has_the_template_shape(service):
    package = REPO / SERVICES[service] / service
    missing = [part for part in TEMPLATE if not (package / part).exists()]
    assert missing == []
    assert (package / "schemas.py").exists() or (package / "schemas" / "__init__.py").exists()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_service_imports_no_other_service(service):
    others = set(SERVICES) - {service}
    root = REPO / SERVICES[service]
    offenders = {
        str(p.relative_to(REPO)): sorted(roots(imported_modules(p, root)) & others)
        for p in python_files(SERVICES[service])
        if roots(imported_modules(p, root)) & others
    }
    assert offenders == {}


def package_root(path: Path) -> Path:
    """The folder that holds the outermost package ``path`` belongs to (its own folder if none)."""
    folder = path.parent
    while (folder / "__init__.py").exists():
        folder = folder.parent
    return folder


def test_gateway_and_infra_import_no_service():
    """The gateway's package and the chassis; the gateway's tests may use intake's real service
    (its in-process double, the vocabulary drift check)."""
    for folder in ("gateway/abitare_gateway", "infra"):
        offenders = {
            str(p.relative_to(REPO)): found
            for p in python_files(folder)
            if (found := sorted(roots(imported_modules(p, package_root(p))) & set(SERVICES)))
        }
        assert offenders == {}, folder


def test_the_gateway_package_ships_no_test_code():
    test_code = {"gateway_doubles", "gateway_helpers", "pytest"}
    offenders = {
        str(p.relative_to(REPO)): found
        for p in python_files("gateway/abitare_gateway")
        if (found := sorted(roots(imported_modules(p, package_root(p))) & test_code))
    }
    assert offenders == {}
    assert not list((REPO / "gateway/abitare_gateway").glob("testing*")), "doubles belong in tests"


def domain_offenders(service: str) -> dict[str, list[str]]:
    root = REPO / SERVICES[service]
    allowed_own = (f"{service}.domain", f"{service}.errors")
    offenders = {}
    for path in (root / service / "domain").rglob("*.py"):
        bad = sorted(
            name
            for name in imported_modules(path, root)
            if name.split(".")[0] in FRAMEWORKS
            or (
                name.split(".")[0] == service
                and name != service
                and not name.startswith(allowed_own)
            )
        )
        if bad:
            offenders[str(path.relative_to(REPO))] = bad
    return offenders


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_domain_rules_depend_on_nothing_but_rules_and_errors(service):
    assert (REPO / SERVICES[service] / service / "domain").is_dir()
    assert domain_offenders(service) == {}


def test_the_detector_sees_absolute_and_relative_violations(tmp_path):
    """Guard against a test that cannot fail: planted imports, absolute and relative, are seen."""
    package = tmp_path / "intake" / "domain"
    package.mkdir(parents=True)
    planted = package / "rules.py"
    planted.write_text(
        "from intake.models import Referral\nimport funds.service\n"
        "from ..adapters import models\nfrom ..errors import CaseConflict\n"
        "from . import scope\nimport sqlalchemy\n"
    )
    found = imported_modules(planted, tmp_path)
    assert {
        "intake.models",
        "funds.service",
        "intake.adapters.models",
        "intake.errors",
        "intake.domain.scope",
        "sqlalchemy",
    } <= found
    assert {"intake", "funds"} <= roots(found)
