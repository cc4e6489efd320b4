"""``abitare-gateway``: run the gateway and manage who may use it.

    abitare-gateway serve [--host 127.0.0.1] [--port 8000] [--threads 16]
    abitare-gateway seed-demo
    abitare-gateway create-operator USERNAME --role ROLE --comuni 015195,015192 [--name NAME]
    abitare-gateway create-client CLIENT_ID --comuni 015195 [--name NAME] [--partner CODE]

Passwords and secrets are read from ``--password``/``--secret``, else from the environment
(``ABITARE_OPERATOR_PASSWORD``/``ABITARE_CLIENT_SECRET``), else asked for; ``create-client``
generates and prints a secret when none is given. ``--partner FWA`` makes the client a partner's
system (role ``partner_client``, ``/api/v1/partner/...`` only); give it every comune the agency
serves (its scope is the partner, the comuni are an outer bound).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import secrets
import sys

from abitare_chassis import config as chassis_config

from .identity import OPERATOR_ROLES, AuditEntry

AMBITO_SAN_GIULIANO = {
    "015195": "San Giuliano Milanese",
    "015192": "San Donato Milanese",
    "015050": "Carpiano",
    "015071": "Cerro al Lambro",
    "015082": "Colturano",
    "015101": "Dresano",
    "015140": "Melegnano",
    "015202": "San Zenone al Lambro",
    "015244": "Vizzolo Predabissi",
}
MILANO = {"015146": "Milano"}
DEMO_COMUNI = AMBITO_SAN_GIULIANO | MILANO

DEMO_OPERATORS = (
    # username, password, display name, role, comuni
    (
        "agenzia",
        "agenzia-demo",
        "Operatrice dell'Agenzia (demo)",
        "agency_operator",
        tuple(AMBITO_SAN_GIULIANO),
    ),
    (
        "coordinatrice",
        "coordinatrice-demo",
        "Coordinatrice dell'Agenzia (demo)",
        "coordinator",
        tuple(AMBITO_SAN_GIULIANO),
    ),
    (
        "sgm.sociale",
        "sgm-demo",
        "Servizi sociali di San Giuliano Milanese (demo)",
        "comune_operator",
        ("015195",),
    ),
    (
        "milano.sociale",
        "milano-demo",
        "Servizi sociali di Milano (demo)",
        "comune_operator",
        ("015146",),
    ),
)


def demo_clients():
    for istat, name in DEMO_COMUNI.items():
        yield (
            f"comune-{istat}",
            f"demo-secret-{istat}",
            f"Sistema del Comune di {name} (demo)",
            (istat,),
        )


# A partner's system per demo partner that calls the partner API (FWA posts lender status, AFOL
# answers referrals): over every demo comune, as the agency's.
DEMO_PARTNER_CLIENTS = (
    ("partner-fwa", "demo-secret-fwa", "Sistema di Fondazione Welfare Ambrosiano (demo)", "FWA"),
    ("partner-afol", "demo-secret-afol", "Sistema di AFOL Metropolitana (demo)", "AFOL"),
)


def _store(app):
    return app.extensions["abitare_identity"]


def seed_demo(app, out=sys.stdout) -> None:
    """Create (or reset) the demo operators and one API client per demo comune; idempotent."""
    store = _store(app)
    for username, password, name, role, comuni in DEMO_OPERATORS:
        store.save_operator(username, password, name, role, comuni)
    for client_id, secret, name, comuni in demo_clients():
        store.save_client(client_id, secret, name, comuni)
    for client_id, secret, name, partner in DEMO_PARTNER_CLIENTS:
        store.save_client(client_id, secret, name, tuple(DEMO_COMUNI), partner_code=partner)
    print("Abitare gateway: demo accounts ready.", file=out)
    print("\nOperators (web UI, /login):", file=out)
    for username, password, _name, role, comuni in DEMO_OPERATORS:
        scope = (
            "ambito di San Giuliano Milanese (9 comuni)"
            if len(comuni) > 1
            else DEMO_COMUNI[comuni[0]]
        )
        print(f"  {username:<16} password {password:<20} {role:<16} {scope}", file=out)
    print("\nAPI clients (POST /api/v1/auth/token):", file=out)
    for client_id, secret, _name, comuni in demo_clients():
        print(f"  {client_id:<16} secret   {secret:<20} {DEMO_COMUNI[comuni[0]]}", file=out)
    print("\nPartner API clients (POST /api/v1/auth/token, then /api/v1/partner/...):", file=out)
    for client_id, secret, _name, partner in DEMO_PARTNER_CLIENTS:
        print(f"  {client_id:<16} secret   {secret:<20} partner {partner}", file=out)


def _secret(given: str | None, env_name: str, prompt: str) -> str:
    value = given or os.environ.get(env_name)
    if value:
        return value
    if not sys.stdin.isatty():
        raise SystemExit(f"no secret given: use the option or {env_name}")
    first = getpass.getpass(prompt)
    if first != getpass.getpass("Again: "):
        raise SystemExit("the two entries differ")
    return first


def _comuni(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


def _cli_audit() -> AuditEntry:
    """Accounts changed from the command line are audited like the page's actions."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return AuditEntry(actor=f"cli:{user}", action="")


def serve(app, host: str, port: int, threads: int) -> None:
    import waitress

    if chassis_config.development():
        logging.getLogger("abitare.gateway").warning(
            "ABITARE_DEVELOPMENT is on: plain http, and the public development keys where "
            "GATEWAY_SECRET_KEY / ABITARE_SECRET_KEY are unset (never in production)"
        )
    print(
        f"Abitare gateway on http://{host}:{port}/  (API docs: /api/v1/docs, readiness: /readyz)",
        flush=True,
    )
    waitress.serve(app, host=host, port=port, threads=threads, ident="abitare-gateway")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="abitare-gateway",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="run the gateway (waitress)")
    run.add_argument("--host", default=os.environ.get("GATEWAY_HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("GATEWAY_PORT", "8000")))
    run.add_argument("--threads", type=int, default=16)
    commands.add_parser("seed-demo", help="create the demo operators and API clients")
    operator = commands.add_parser("create-operator", help="create or update an operator")
    operator.add_argument("username")
    operator.add_argument("--role", required=True, choices=OPERATOR_ROLES)
    operator.add_argument("--comuni", required=True, help="ISTAT codes, comma separated")
    operator.add_argument("--name", help="display name (default: the username)")
    operator.add_argument("--password")
    client = commands.add_parser("create-client", help="create or update an API client")
    client.add_argument("client_id")
    client.add_argument("--comuni", required=True, help="ISTAT codes, comma separated")
    client.add_argument("--name", help="display name (default: the client id)")
    client.add_argument("--secret", help="default: generated and printed once")
    client.add_argument("--partner", help="a partner's code (FWA): the client is that partner's")
    return parser


def main(argv=None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s gateway %(levelname)s %(name)s: %(message)s"
    )
    from . import create_app

    try:
        app = create_app()
    except chassis_config.MissingSecretKey as exc:
        raise SystemExit(f"abitare-gateway: {exc}") from None
    try:
        if args.command == "serve":
            serve(app, args.host, args.port, args.threads)
        elif args.command == "seed-demo":
            seed_demo(app)
        elif args.command == "create-operator":
            password = _secret(args.password, "ABITARE_OPERATOR_PASSWORD", "Password: ")
            operator = _store(app).save_operator(
                args.username,
                password,
                args.name or args.username,
                args.role,
                _comuni(args.comuni),
                audit=_cli_audit(),
            )
            print(
                f"operator {operator.username} ({operator.role}) over {', '.join(operator.comuni)}"
            )
        elif args.command == "create-client":
            secret = args.secret or os.environ.get("ABITARE_CLIENT_SECRET")
            generated = secret is None
            secret = secret or secrets.token_urlsafe(32)
            client = _store(app).save_client(
                args.client_id,
                secret,
                args.name or args.client_id,
                _comuni(args.comuni),
                audit=_cli_audit(),
                partner_code=args.partner,
            )
            owner = f" of partner {client.partner_code}" if client.partner_code else ""
            print(f"API client {client.client_id}{owner} over {', '.join(client.comuni)}")
            if generated:
                print(f"client_secret (shown once): {secret}")
    except ValueError as exc:
        raise SystemExit(f"abitare-gateway: {exc}") from None


if __name__ == "__main__":
    main()
