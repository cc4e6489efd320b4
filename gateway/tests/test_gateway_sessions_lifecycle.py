"""Sessions and tokens that end when they should: password change, absolute lifetime, idle
timeout, logout only by POST with CSRF, Secure cookies and HSTS outside development."""

from __future__ import annotations

import pytest
from gateway_helpers import Clock, bearer, csrf_from, get_token, login, post_form
from sqlalchemy import create_engine, text

from abitare_gateway import config
from abitare_gateway.identity import AuditEntry, IdentityStore, password_hasher

NEW_PASSWORD = "una-password-nuova-e-lunga"


@pytest.fixture
def clock(app):
    app.config["CLOCK"] = clock = Clock()
    return clock


def change_password(client, current, new, confirm=None):
    return post_form(
        client,
        "/password",
        {
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


# -- password change ------------------------------------------------------------------------------
def test_a_password_change_ends_the_other_sessions(app):
    laptop, stolen = app.test_client(), app.test_client()
    login(laptop)
    login(stolen)
    assert stolen.get("/schede").status_code == 200
    changed = change_password(laptop, "agenzia-pw", NEW_PASSWORD)
    assert changed.status_code == 302
    assert laptop.get("/schede").status_code == 200  # this session goes on
    assert stolen.get("/schede").status_code == 302  # the other one is over
    assert stolen.get("/api/v1/referrals").status_code == 401
    assert login(app.test_client(), password="agenzia-pw").status_code == 200  # refused
    assert login(app.test_client(), password=NEW_PASSWORD).status_code == 302


def test_a_password_set_from_the_command_line_ends_the_sessions_too(app, client):
    login(client)
    app.extensions["abitare_identity"].save_operator(
        "agenzia",
        "impostata-dal-terminale",
        "Operatrice Agenzia",
        "agency_operator",
        ["015195", "015192"],
    )
    assert client.get("/schede").status_code == 302


def test_after_a_refused_session_the_login_form_works_at_once(app, client):
    login(client)
    store = app.extensions["abitare_identity"]
    store.set_operator_active("agenzia", False, AuditEntry("test", "operator_deactivated"))
    store.set_operator_active("agenzia", True, AuditEntry("test", "operator_reactivated"))
    page = client.get("/login")  # the old session is refused right here...
    assert page.status_code == 200
    response = client.post(
        "/login",
        data={
            "username": "agenzia",
            "password": "agenzia-pw",
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302  # ...and the form it shows is valid
    assert client.get("/schede").status_code == 200


def test_a_new_password_is_checked(client):
    login(client)
    assert change_password(client, "agenzia-pw", "corta").status_code == 422
    response = change_password(client, "agenzia-pw", NEW_PASSWORD, confirm="altro")
    assert response.status_code == 422
    assert "non coincidono" in response.get_data(as_text=True)
    wrong = change_password(client, "sbagliata", NEW_PASSWORD)
    assert wrong.status_code == 422
    assert "non è corretta" in wrong.get_data(as_text=True)
    assert login(client.application.test_client()).status_code == 302  # unchanged


# -- lifetimes ------------------------------------------------------------------------------------
def test_a_session_ends_twelve_hours_after_login_however_much_it_is_used(client, clock):
    login(client)
    for _hour in range(11):
        clock.advance(hours=1)
        assert client.get("/schede").status_code == 200  # used every hour: never idle
    clock.advance(minutes=59)
    assert client.get("/schede").status_code == 200
    clock.advance(minutes=2)  # 12 h and 1 min after login
    assert client.get("/schede").status_code == 302
    assert client.get("/api/v1/referrals").status_code == 401


def test_an_unused_session_ends_after_the_idle_timeout(client, clock):
    login(client)
    clock.advance(hours=1)
    assert client.get("/schede").status_code == 200
    clock.advance(hours=8, minutes=1)  # 9 h after login: idle, not yet at the limit
    assert client.get("/schede").status_code == 302


def test_the_session_cookie_expires_at_the_absolute_limit(app, client, clock):
    login(client)
    clock.advance(hours=7)
    assert client.get("/schede").status_code == 200
    clock.advance(hours=4)
    assert client.get("/schede").status_code == 200
    cookie = client.get_cookie("abitare_session")
    limit = clock.now.timestamp() + 3600  # 12 h after login, not 8 h after this use
    assert limit - 2 <= cookie.expires.timestamp() <= limit + 1


# -- logout ---------------------------------------------------------------------------------------
def test_get_logout_does_not_log_out(client):
    login(client)
    response = client.get("/logout")
    assert response.status_code == 200
    assert 'method="post"' in response.get_data(as_text=True)
    assert not any(
        c.startswith("abitare_session=;") for c in response.headers.getlist("Set-Cookie")
    )
    assert client.get("/schede").status_code == 200


def test_logout_without_the_csrf_token_does_not_log_out(client):
    login(client)
    assert client.post("/logout").status_code == 400
    assert client.get("/schede").status_code == 200


def test_the_header_logs_out_with_a_form(client):
    login(client)
    page = client.get("/schede").get_data(as_text=True)
    assert 'action="/logout"' in page and 'id="logout"' in page
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert client.get("/schede").status_code == 302


# -- Secure and HSTS outside development ----------------------------------------------------------
def test_production_sets_secure_cookies_and_hsts(app_factory):
    client = app_factory(DEVELOPMENT=False).test_client()
    response = login(client)
    cookie = next(
        v for v in response.headers.getlist("Set-Cookie") if v.startswith("abitare_session=")
    )
    assert "Secure" in cookie
    for url in ("/login", "/healthz", "/api/v1/referrals"):
        hsts = client.get(url).headers.get("Strict-Transport-Security", "")
        assert hsts.startswith("max-age=31536000"), url


def test_development_mode_is_explicit(client, monkeypatch):
    response = login(client)
    assert "Strict-Transport-Security" not in response.headers
    monkeypatch.delenv("ABITARE_DEVELOPMENT", raising=False)
    monkeypatch.setenv("GATEWAY_SECRET_KEY", "gateway-key")
    monkeypatch.setenv("ABITARE_SECRET_KEY", "actor-key")
    settings = config.load({})
    assert settings["DEVELOPMENT"] is False and settings["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("ABITARE_DEVELOPMENT", "1")
    settings = config.load({})
    assert settings["DEVELOPMENT"] is True and settings["SESSION_COOKIE_SECURE"] is False


# -- tokens ---------------------------------------------------------------------------------------
def test_a_token_of_an_older_gateway_is_refused(app, client):
    from itsdangerous import URLSafeTimedSerializer

    with app.app_context():
        old = URLSafeTimedSerializer("gateway-test-key", salt="abitare.gateway.api-token.v1").dumps(
            {"cid": "comune-015195", "fp": "x"}
        )
    assert client.get("/api/v1/referrals", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/referrals", headers=bearer(get_token(client))).status_code == 200


def test_the_last_use_of_accounts_is_recorded(app, client):
    store = app.extensions["abitare_identity"]
    assert store.get_operator("agenzia").last_login_at is None
    login(client)
    get_token(client)
    assert store.get_operator("agenzia").last_login_at is not None
    assert store.get_client("comune-015195").last_used_at is not None


# -- an older database --------------------------------------------------------------------------
def test_a_database_of_an_older_gateway_gets_the_new_columns(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    hasher = password_hasher("cheapest")
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE operators (username VARCHAR(64) PRIMARY KEY, "
                "password_hash VARCHAR(255), display_name VARCHAR(200), "
                "role VARCHAR(32), comuni_json TEXT, active BOOLEAN, "
                "created_at DATETIME)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO operators VALUES ('rossi', :h, 'Rossi', "
                "'comune_operator', '[\"015195\"]', 1, '2025-01-01 00:00:00')"
            ),
            {"h": hasher.hash("vecchia-password")},
        )
    store = IdentityStore(engine, hasher)
    store.create_tables()
    operator = store.authenticate_operator("rossi", "vecchia-password")
    assert operator.credentials_version == 1 and not operator.must_change_password
