"""Expected errors are one line in the log, unexpected ones keep their traceback (issue 7, 13)."""

import logging

import pytest
from nameko.exceptions import RemoteError
from sqlalchemy import MetaData

from abitare_chassis.errors import NotFound
from abitare_chassis.provider import Database
from abitare_chassis.rpc import rpc
from abitare_chassis.testing.services import token


class ThingNotFound(NotFound):
    code = "thing_not_found"


class Noisy:
    name = "noisy"
    db = Database(MetaData())

    @rpc
    def missing(self, actor):
        raise ThingNotFound(thing="t1")

    @rpc
    def broken(self, actor):
        raise RuntimeError("a real bug")


def container_records(caplog):
    return [r for r in caplog.records if r.name == "nameko.containers"]


def test_an_expected_error_is_one_line_without_traceback(service_runner, tmp_path, caplog):
    service_runner.start(Noisy, f"sqlite:///{tmp_path / 'noisy.db'}")
    caplog.set_level(logging.INFO, logger="nameko.containers")
    with service_runner.rpc() as cluster:
        with pytest.raises(RemoteError):
            cluster.noisy.missing(token(service="noisy"))
    records = [r for r in container_records(caplog) if "thing_not_found" in r.getMessage()]
    assert len(records) == 1
    assert records[0].exc_info is None and records[0].levelno == logging.INFO
    assert "noisy.missing" in records[0].getMessage()
    assert "Traceback" not in caplog.text


def test_an_unexpected_error_keeps_its_traceback(service_runner, tmp_path, caplog):
    service_runner.start(Noisy, f"sqlite:///{tmp_path / 'noisy.db'}")
    caplog.set_level(logging.INFO, logger="nameko.containers")
    with service_runner.rpc() as cluster:
        with pytest.raises(RemoteError):
            cluster.noisy.broken(token(service="noisy"))
    records = [r for r in container_records(caplog) if r.exc_info]
    assert records and "a real bug" in caplog.text and "Traceback" in caplog.text
