"""Logging of the services: expected errors are one line, unexpected ones keep their traceback.

nameko logs every *expected* exception of an entrypoint (a ``NotFound``, a ``Forbidden``, an
``InvalidInput``...) at WARNING with its full traceback, so a busy day buries the real failures
under hundreds of tracebacks of 404s. :func:`install` adds a filter to nameko's container logger
that rewrites those records as one structured line -- entrypoint, error code and kind, no
traceback -- and leaves every other record, unexpected errors included, as it is.
"""

from __future__ import annotations

import logging

CONTAINER_LOGGER = "nameko.containers"
# nameko.containers.ServiceContainer._run_worker: _log.warning(EXPECTED_FORMAT, worker_ctx, exc)
EXPECTED_FORMAT = "(expected) error handling worker %s: %s"


class ExpectedErrorsOnOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != EXPECTED_FORMAT or not record.exc_info or len(record.args or ()) != 2:
            return True
        worker_ctx, exc = record.args
        entrypoint = getattr(worker_ctx, "call_id", None) or str(worker_ctx)
        record.msg = "expected error in %s: %s code=%s kind=%s"
        record.args = (
            entrypoint.rsplit(".", 1)[0] if entrypoint.count(".") > 1 else entrypoint,
            type(exc).__name__,
            getattr(exc, "code", "-"),
            getattr(exc, "kind", "-"),
        )
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.exc_info = None
        record.exc_text = None
        return True


def install() -> None:
    """Idempotent: add the filter to nameko's container logger once."""
    logger = logging.getLogger(CONTAINER_LOGGER)
    if not any(isinstance(f, ExpectedErrorsOnOneLine) for f in logger.filters):
        logger.addFilter(ExpectedErrorsOnOneLine())
