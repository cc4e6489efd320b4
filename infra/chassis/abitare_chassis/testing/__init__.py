"""Test support: private RabbitMQ nodes, per-test vhosts and databases, running services."""
