#!/usr/bin/env bash
# `make i18n`: extract the UI's Italian (babel.cfg), bring the English catalogue up to date,
# compile it, and list what is still to translate (docs/i18n.md). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-../.venv/bin/pybabel}
CATALOGUE=abitare_gateway/translations
PO=$CATALOGUE/en/LC_MESSAGES/messages.po
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
"$PYBABEL" -q extract -F babel.cfg --no-location --sort-output --project=Abitare -o "$pot" .
if [ -f "$PO" ]; then
  "$PYBABEL" -q update -i "$pot" -d "$CATALOGUE" -l en --no-fuzzy-matching --ignore-obsolete
else
  "$PYBABEL" -q init -i "$pot" -d "$CATALOGUE" -l en
fi
"$PYBABEL" compile -d "$CATALOGUE" --statistics
../.venv/bin/python scripts/i18n_missing.py "$PO"
