#!/usr/bin/env bash
# Start the whole suite (four services + gateway) with demo data; Ctrl-C stops everything.
# Called by `make run` after setup.sh and ensure_broker.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GATEWAY_HOST=${GATEWAY_HOST:-127.0.0.1}
export GATEWAY_PORT=${GATEWAY_PORT:-8000}
URL="http://${GATEWAY_HOST}:${GATEWAY_PORT}"
if curl -fsS "$URL/healthz" >/dev/null 2>&1; then
  echo "Abitare is already running at $URL"; exit 0
fi
echo "==> migrating the service databases"
for service in intake funds housing_stock partners; do
  .venv/bin/abitare-service "$service" --migrate-only
done
LOGINS=$(.venv/bin/abitare-gateway seed-demo)
echo "==> starting the services and the gateway"
.venv/bin/honcho start -f infra/Procfile -d . &
HONCHO=$!
trap 'kill -TERM $HONCHO 2>/dev/null; wait $HONCHO 2>/dev/null' INT TERM EXIT
.venv/bin/python infra/scripts/load_demo.py --base-url "$URL" --wait 90
echo
echo "$LOGINS"
echo "Abitare is running: $URL   (API docs: $URL/api/v1/docs, readiness: $URL/readyz)"
echo "Press Ctrl-C to stop."
wait $HONCHO
