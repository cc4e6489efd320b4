#!/usr/bin/env bash
# Start the whole suite (four services + gateway) with demo data under supervisord, which
# restarts any process that dies while the others keep running (infra/supervisord.conf).
# Ctrl-C stops everything. Called by `make run` after setup.sh and ensure_broker.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
export ABITARE_HOME=$PWD
export ABITARE_BIN=$PWD/.venv/bin
export ABITARE_VAR_DIR=${ABITARE_VAR_DIR:-$PWD/var}
export GATEWAY_HOST=${GATEWAY_HOST:-127.0.0.1}
export GATEWAY_PORT=${GATEWAY_PORT:-8000}
# development on this machine: the public development keys unless ABITARE_SECRET_KEY /
# GATEWAY_SECRET_KEY are set, plain http (no Secure cookie, no HSTS). A deployment leaves it unset,
# and then nothing starts without its keys.
export ABITARE_DEVELOPMENT=${ABITARE_DEVELOPMENT:-1}
# partner webhooks: plain http and loopback allowed on these hosts only (development)
export WEBHOOK_ALLOWED_HOSTS=${WEBHOOK_ALLOWED_HOSTS:-127.0.0.1,localhost}
URL="http://${GATEWAY_HOST}:${GATEWAY_PORT}"
if curl -fsS "$URL/healthz" >/dev/null 2>&1; then
  echo "Abitare is already running at $URL"; exit 0
fi
mkdir -p "$ABITARE_VAR_DIR/log"
echo "==> migrating the service databases"
for service in intake funds housing_stock partners; do
  .venv/bin/abitare-service "$service" --migrate-only
done
echo "==> broker users (one per service, one for the gateway, one per partner queue)"
if .venv/bin/abitare-broker users --definitions infra/rabbitmq/definitions.json \
     --env-file "$ABITARE_VAR_DIR/broker-users.env" \
     --partner-env-file "$ABITARE_VAR_DIR/partner-users.env"; then
  set -a; . "$ABITARE_VAR_DIR/broker-users.env"; set +a    # <SERVICE>_AMQP_URI, GATEWAY_AMQP_URI
  # partner-users.env (PARTNER_<CODE>_AMQP_URI) is for the partners, not for our processes
else
  echo "    (needs the management plugin and ABITARE_BROKER_ADMIN; everything runs as AMQP_URI's user)"
fi
LOGINS=$(.venv/bin/abitare-gateway seed-demo)
echo "==> starting the services and the gateway (logs in $ABITARE_VAR_DIR/log/)"
.venv/bin/supervisord -c infra/supervisord.conf &
SUPERVISOR=$!
trap 'kill -TERM $SUPERVISOR 2>/dev/null; wait $SUPERVISOR 2>/dev/null' INT TERM EXIT
.venv/bin/python infra/scripts/load_demo.py --base-url "$URL" --wait 90
echo
echo "$LOGINS"
echo "Abitare is running: $URL   (API docs: $URL/api/v1/docs, readiness: $URL/readyz)"
echo "Restart one process: make restart SERVICE=funds   (make status shows them all)"
echo "Press Ctrl-C to stop."
wait $SUPERVISOR
