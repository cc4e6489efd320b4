# Abitare — the two commands of the README, and a few more.
#   make run    set up and start the whole suite with demo data (SQLite + local RabbitMQ)
#   make test   set up and run every test (the full gate)
#   make test-unit  the tests that need no broker: the inner loop, under a minute
#   make bench  throughput and latency figures beside ceilings measured in the same run
#   make lint   ruff (lint + format check) and mypy on the chassis and the domain rules
#   make lock   resolve requirements.in into requirements.lock (what setup installs)
#   make vocabulary  rewrite infra/contracts/vocabulary.json from intake's labels (and
#                    partners-vocabulary.json from partners' words)
#   make i18n   extract the UI's Italian, update and compile the English catalogue (docs/i18n.md)
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run restart status test test-unit bench setup setup-test broker lint format typecheck lock vocabulary i18n clean

setup:
	@infra/scripts/setup.sh

setup-test: setup
	@infra/scripts/setup_test_tools.sh

broker: setup
	@infra/scripts/ensure_broker.sh

run: setup broker
	@infra/scripts/run.sh

# The embedded run's processes (supervisord, see infra/supervisord.conf).
SUPERVISORCTL = ABITARE_VAR_DIR=$${ABITARE_VAR_DIR:-$(CURDIR)/var} $(VENV)/bin/supervisorctl -c infra/supervisord.conf
restart:
	@test -n "$(SERVICE)" || { echo "usage: make restart SERVICE=<intake|funds|housing_stock|partners|gateway>"; exit 2; }
	@$(SUPERVISORCTL) restart $(SERVICE)

status:
	@$(SUPERVISORCTL) status

test: setup-test broker
	@infra/scripts/test.sh

test-unit: setup
	@infra/scripts/test_unit.sh

bench: setup broker
	@$(PY) -m tests.bench.run

lint: setup
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(MAKE) -s typecheck

format: setup
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

typecheck:
	@$(VENV)/bin/mypy infra/chassis/abitare_chassis services/intake/intake/domain \
	  services/funds/funds/domain services/housing-stock/housing_stock/domain \
	  services/partners/partners/domain

lock:
	@$(VENV)/bin/uv pip compile requirements.in -o requirements.lock --python-version 3.11 --quiet

vocabulary:
	@$(PY) -c "from intake.domain import labels; open('infra/contracts/vocabulary.json', 'w', encoding='utf-8').write(labels.rendered())"
	@$(PY) -c "from partners.domain import vocabulary; open('infra/contracts/partners-vocabulary.json', 'w', encoding='utf-8').write(vocabulary.rendered())"

i18n: setup
	@gateway/scripts/i18n.sh

clean:
	rm -rf var/ $(VENV) gateway/node_modules gateway/abitare_gateway/static/vendor
