#!/usr/bin/env bash
# Make sure a RabbitMQ broker answers at $AMQP_URI (default amqp://guest:guest@localhost:5672/):
# use it if it answers; otherwise start the local rabbitmq-server if installed; otherwise install
# it with apt when running as root; otherwise say exactly what to do. Then declare the broker
# definitions of infra/rabbitmq/definitions.json (exchanges, queues, dead-letter queues, partner
# queues).
set -euo pipefail
cd "$(dirname "$0")/../.."
BROKER=".venv/bin/abitare-broker"
if ! $BROKER wait --timeout 3 >/dev/null; then
  if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "==> installing rabbitmq-server with apt"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server
    else
      echo "No RabbitMQ broker answers at ${AMQP_URI:-amqp://guest:guest@localhost:5672/}."
      echo "Install one (Debian/Ubuntu: sudo apt-get install rabbitmq-server) or set AMQP_URI."
      exit 1
    fi
  fi
  echo "==> starting the local RabbitMQ"
  if [ "$(id -u)" = 0 ]; then rabbitmq-server -detached || true; else sudo -n rabbitmq-server -detached || rabbitmq-server -detached || true; fi
  $BROKER wait --timeout 90 || { echo "RabbitMQ did not start; see /var/log/rabbitmq/"; exit 1; }
fi
$BROKER declare --definitions infra/rabbitmq/definitions.json
