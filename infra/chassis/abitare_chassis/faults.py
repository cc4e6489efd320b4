"""Failpoints for the reliability tests: ``ABITARE_FAILPOINT=<name>`` makes the process die
abruptly (like ``kill -9``: no cleanup, no flush) when it reaches that point. Unset in normal
operation, where a failpoint is one dictionary lookup.

- ``after_commit``        a use case committed its state and outbox rows; nothing published yet
- ``after_publish``       the relay published an event; the outbox row is not yet marked sent
"""

import os

EXIT_CODE = 86


def failpoint(name: str) -> None:
    if os.environ.get("ABITARE_FAILPOINT") == name:
        os._exit(EXIT_CODE)
