"""The partners service as ``abitare-service partners`` runs it, plus one thing for the bench:
the moment each transaction that records ``Delivery`` rows commits, written as
``<event id> <time.time()>`` lines to ``$BENCH_COMMIT_LOG`` (SQLAlchemy session events; nothing
in the service changes). ``python -m tests.bench.timed_partners``."""

from __future__ import annotations

import os
import time

from abitare_chassis import run  # patches eventlet first, as abitare-service does


def install(log_path: str) -> None:
    """Log each commit of Delivery rows; imported after eventlet's patch."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from partners.adapters.models import Delivery

    log = open(log_path, "a", buffering=1)

    @event.listens_for(Session, "after_flush")
    def _collect(session, _context):
        ids = [o.event_id for o in session.new if isinstance(o, Delivery)]
        if ids:
            session.info.setdefault("bench_deliveries", []).extend(ids)

    @event.listens_for(Session, "after_commit")
    def _committed(session):
        ids = session.info.pop("bench_deliveries", None)
        if ids:
            at = time.time()
            log.write("".join(f"{event_id} {at:.6f}\n" for event_id in ids))

    @event.listens_for(Session, "after_rollback")
    def _rolled_back(session):
        session.info.pop("bench_deliveries", None)


if __name__ == "__main__":
    install(os.environ["BENCH_COMMIT_LOG"])
    run.main(["partners"])
