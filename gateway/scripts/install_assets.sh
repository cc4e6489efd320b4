#!/usr/bin/env bash
# Install the gateway's front-end assets from npm and copy what the pages use into
# abitare_gateway/static/vendor/ (gitignored):
#   bootstrap-italia/{css,js,fonts,svg}   the web UI's design system
#   swagger-ui/                           the interactive API docs at /api/v1/docs
# and leaves node_modules/axe-core/axe.min.js where the browser tests read it (not served).
# Versions are pinned in gateway/package.json and package-lock.json. Idempotent.
set -euo pipefail

GATEWAY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$GATEWAY_DIR/abitare_gateway/static/vendor"
cd "$GATEWAY_DIR"

export SCARF_ANALYTICS=false          # swagger-ui-dist's install-time telemetry: off
NPM_FLAGS=(--ignore-scripts --no-audit --no-fund --loglevel=error)
if [ -f package-lock.json ]; then
  npm ci "${NPM_FLAGS[@]}"
else
  npm install "${NPM_FLAGS[@]}"
fi

BI="node_modules/bootstrap-italia/dist"
SW="node_modules/swagger-ui-dist"
for required in "$BI/css/bootstrap-italia.min.css" "$BI/js/bootstrap-italia.bundle.min.js" \
                "$BI/svg/sprites.svg" "$SW/swagger-ui-bundle.js" node_modules/axe-core/axe.min.js; do
  [ -f "$required" ] || { echo "install_assets: missing $required" >&2; exit 1; }
done

rm -rf "$VENDOR.tmp"
mkdir -p "$VENDOR.tmp/bootstrap-italia" "$VENDOR.tmp/swagger-ui"
cp -R "$BI/css" "$BI/js" "$BI/fonts" "$BI/svg" "$VENDOR.tmp/bootstrap-italia/"
cp node_modules/bootstrap-italia/LICENSE "$VENDOR.tmp/bootstrap-italia/" 2>/dev/null || true
for file in swagger-ui.css swagger-ui-bundle.js swagger-ui-standalone-preset.js \
            favicon-16x16.png favicon-32x32.png LICENSE NOTICE; do
  if [ -f "$SW/$file" ]; then cp "$SW/$file" "$VENDOR.tmp/swagger-ui/"; fi
done
rm -rf "$VENDOR"
mv "$VENDOR.tmp" "$VENDOR"

echo "install_assets: bootstrap-italia $(node -p "require('./$BI/../package.json').version")," \
     "swagger-ui-dist $(node -p "require('./$SW/package.json').version") -> $VENDOR;" \
     "axe-core $(node -p "require('./node_modules/axe-core/package.json').version") (tests)"
