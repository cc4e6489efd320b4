#!/usr/bin/env bash
# Create the virtualenv, install every package (editable) and the front-end assets. Idempotent:
# a second run only checks. Needs Python 3.11 and, for the UI assets, Node.js with npm.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
"$PYTHON" - <<'PY' || { echo "Abitare needs Python 3.11 (found $($PYTHON --version 2>&1))"; exit 1; }
import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)
PY
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
stamp="$VENV/.installed"
inputs=$(cat requirements.lock infra/chassis/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$inputs" ]; then
  echo "==> installing Python packages into $VENV"
  # requirements.lock pins every package (ours editable, the rest at the versions CI tested);
  # `make lock` regenerates it from requirements.in after a dependency changes.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements.lock
  echo "$inputs" > "$stamp"
fi
# the UI's English: the catalogue is kept as text (messages.po), compiled here (docs/i18n.md)
"$VENV/bin/pybabel" -q compile -d gateway/abitare_gateway/translations
gateway/scripts/install_assets.sh
