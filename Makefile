# Abitare — the two commands of the README, and a few more.
#   make run    set up and start the whole suite with demo data (SQLite + local RabbitMQ)
#   make test   set up and run every test (the full gate)
#   make test-unit  the tests that need no broker: the inner loop, under a minute
#   make bench  throughput and latency figures beside ceilings measured in the same run
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test test-unit bench setup setup-test broker clean

setup:
	@infra/scripts/setup.sh

setup-test: setup
	@infra/scripts/setup_test_tools.sh

broker: setup
	@infra/scripts/ensure_broker.sh

run: setup broker
	@infra/scripts/run.sh

test: setup-test broker
	@infra/scripts/test.sh

test-unit: setup
	@infra/scripts/test_unit.sh

bench: setup broker
	@$(PY) -m tests.bench.run

clean:
	rm -rf var/ $(VENV) gateway/node_modules gateway/abitare_gateway/static/vendor
