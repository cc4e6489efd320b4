#!/usr/bin/env bash
# Every test, in two pytest processes (see pytest.ini). Exit code 5 ("no tests collected") is a
# failure like any other: set -e stops at the first non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTEST=".venv/bin/pytest"
echo "==> unit, integration (RabbitMQ + SQLite/PostgreSQL), contract, architecture, e2e, security, reliability"
"$PYTEST" -q infra/chassis/tests services tests/contract tests/architecture tests/e2e tests/security tests/reliability "$@"
echo "==> gateway unit tests and browser tests (no eventlet monkey patch)"
ABITARE_NO_MONKEYPATCH=1 "$PYTEST" -q --suppress-nameko-eventlet-notification gateway/tests tests/browser "$@"
