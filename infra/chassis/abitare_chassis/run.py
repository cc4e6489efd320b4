"""``abitare-service <name>``: migrate the service's database, then run it under nameko with the
configuration of :mod:`abitare_chassis.config`. Services register themselves with the entry point
group ``abitare.services`` (``intake = "intake.service:IntakeService"``)."""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import argparse
import logging
from importlib.metadata import entry_points

from . import config, migrate

log = logging.getLogger("abitare.run")


def load_service(name: str):
    for ep in entry_points(group="abitare.services"):
        if ep.name == name:
            return ep.load()
    known = sorted(ep.name for ep in entry_points(group="abitare.services"))
    raise SystemExit(f"unknown service {name!r}; installed: {', '.join(known) or 'none'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("service")
    parser.add_argument("--migrate-only", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format=f"%(asctime)s {args.service} %(levelname)s %(name)s: %(message)s"
    )
    try:
        config.verification_keys()  # a missing key stops the start, before anything runs
    except config.MissingSecretKey as exc:
        raise SystemExit(f"{args.service}: {exc}") from None
    service_cls = load_service(args.service)
    cfg = config.service_config(service_cls.name)
    migrate.upgrade(service_cls.migrations_dir, cfg["DATABASE_URL"])
    if args.migrate_only:
        return
    if config.using_development_key():
        log.warning(
            "ABITARE_DEVELOPMENT is on and ABITARE_SECRET_KEY is not set: using the "
            "public development key (never in production)"
        )
    from nameko.cli.run import run

    log.info("starting %s on %s", service_cls.name, cfg["AMQP_URI"].split("@")[-1])
    run([service_cls], cfg)


if __name__ == "__main__":
    main()
