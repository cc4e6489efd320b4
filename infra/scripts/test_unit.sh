#!/usr/bin/env bash
# The inner loop: every test that needs no broker (rules, use cases on SQLite, gateway unit tests,
# contract and architecture tests). Tests that ask for a broker fixture are marked `broker`
# automatically (root conftest.py) and the PostgreSQL variants `postgres`: both are left out
# here; `make test` runs them all. Nothing here hosts nameko, so eventlet's patch is not applied
# (the gateway's tests run about a quarter faster without it).
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
.venv/bin/pytest -q -p no:abitare_chassis.testing.eventlet_patch \
  --suppress-nameko-eventlet-notification -m "not broker and not postgres" \
  infra/chassis/tests services gateway/tests tests/contract tests/architecture "$@"
echo "==> make test-unit took $(( $(date +%s) - start ))s"
