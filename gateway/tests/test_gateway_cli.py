"""``abitare-gateway seed-demo`` and the identity store behind it."""

from __future__ import annotations

import io

import pytest

from abitare_gateway.cli import DEMO_COMUNI, build_parser, seed_demo


def test_seed_demo_is_idempotent_and_prints_the_logins(app):
    out = io.StringIO()
    seed_demo(app, out)
    seed_demo(app, out)
    store = app.extensions["abitare_identity"]
    assert store.authenticate_operator("agenzia", "agenzia-demo").comuni == tuple(
        sorted(code for code in DEMO_COMUNI if code != "015146")
    )
    assert store.authenticate_operator("coordinatrice", "coordinatrice-demo").role == "coordinator"
    assert store.authenticate_operator("sgm.sociale", "sgm-demo").comuni == ("015195",)
    assert store.authenticate_operator("milano.sociale", "milano-demo").comuni == ("015146",)
    for istat in DEMO_COMUNI:
        client = store.authenticate_client(f"comune-{istat}", f"demo-secret-{istat}")
        assert client.comuni == (istat,)
    assert len([c for c in store.list_clients() if c.client_id.startswith("comune-")]) == 10
    for client_id, secret, partner in (
        ("partner-fwa", "demo-secret-fwa", "FWA"),
        ("partner-afol", "demo-secret-afol", "AFOL"),
    ):
        client = store.authenticate_client(client_id, secret)
        assert client.partner_code == partner
        assert client.comuni == tuple(sorted(DEMO_COMUNI))  # every comune of the agency
    text = out.getvalue()
    assert "agenzia-demo" in text and "demo-secret-015195" in text
    assert "partner-fwa" in text and "demo-secret-fwa" in text and "partner FWA" in text


def test_secrets_are_stored_as_argon2_hashes(app):
    from sqlalchemy import text

    engine = app.extensions["abitare_identity"].engine
    with engine.connect() as conn:
        hashes = [row[0] for row in conn.execute(text("select password_hash from operators"))]
        hashes += [row[0] for row in conn.execute(text("select secret_hash from api_clients"))]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


def test_store_refuses_bad_input(app):
    store = app.extensions["abitare_identity"]
    with pytest.raises(ValueError):
        store.save_operator("x y", "pw", "X", "agency_operator", ["015195"])
    with pytest.raises(ValueError):
        store.save_operator("rossi", "pw", "Rossi", "admin", ["015195"])
    with pytest.raises(ValueError):
        store.save_client("c1", "s", "C", ["15195"])
    assert store.authenticate_operator("nobody", "x") is None


def test_parser_knows_the_commands():
    parser = build_parser()
    assert parser.parse_args(["serve", "--port", "9000"]).port == 9000
    assert (
        parser.parse_args(
            ["create-operator", "rossi", "--role", "coordinator", "--comuni", "015195"]
        ).role
        == "coordinator"
    )


def test_the_first_coordinator_comes_from_the_command_line_and_is_audited(
    app_factory, tmp_path, monkeypatch, capsys
):
    from gateway_helpers import login

    from abitare_gateway.cli import main

    monkeypatch.setenv("GATEWAY_DATABASE_URL", f"sqlite:///{tmp_path / 'gateway.db'}")
    monkeypatch.setenv("GATEWAY_ARGON2_PROFILE", "cheapest")
    main(
        [
            "create-operator",
            "prima.coord",
            "--role",
            "coordinator",
            "--comuni",
            "015195,015192",
            "--name",
            "Prima coordinatrice",
            "--password",
            "prima-password",
        ]
    )
    assert "operator prima.coord (coordinator)" in capsys.readouterr().out
    app = app_factory()
    client = app.test_client()
    assert login(client, "prima.coord", "prima-password").status_code == 302
    assert client.get("/utenti").status_code == 200
    record = app.extensions["abitare_identity"].audit_records()[0]
    assert (record.action, record.target_id) == ("operator_created", "prima.coord")
    assert record.actor.startswith("cli:")


def test_a_partner_client_comes_from_the_command_line_too(tmp_path, monkeypatch, capsys, app):
    from abitare_gateway.cli import main

    monkeypatch.setenv("GATEWAY_DATABASE_URL", f"sqlite:///{tmp_path / 'gateway.db'}")
    monkeypatch.setenv("GATEWAY_ARGON2_PROFILE", "cheapest")
    main(["create-client", "partner-caf", "--comuni", "015195,015146", "--partner", "CAF"])
    out = capsys.readouterr().out
    assert "API client partner-caf of partner CAF over 015146, 015195" in out
    secret = out.split("client_secret (shown once): ")[1].strip()
    client = app.extensions["abitare_identity"].authenticate_client("partner-caf", secret)
    assert client.partner_code == "CAF"
    with pytest.raises(SystemExit):
        main(["create-client", "partner-x", "--comuni", "015195", "--partner", "caf!"])
