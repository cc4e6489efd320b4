"""Fixtures of the cross-service tests: the whole suite as real processes on a private vhost."""

import uuid

import pytest

from tests.support.suite import Suite


def running_suite(rabbit, tmp_path_factory, prefix: str = "suite"):
    """The suite on a vhost of its own, stopped and its vhost deleted at the end."""
    vhost = f"{prefix}-{uuid.uuid4().hex[:8]}"
    running = Suite(rabbit.create_vhost(vhost), tmp_path_factory.mktemp("suite")).start()
    yield running
    running.stop()
    rabbit.delete_vhost(vhost)


@pytest.fixture(scope="module")
def suite(rabbit, tmp_path_factory):
    yield from running_suite(rabbit, tmp_path_factory)
