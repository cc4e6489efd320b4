"""API clients' tokens, operators' sessions, and what each request may reach."""

from __future__ import annotations

import base64
import time

from gateway_helpers import bearer, csrf_from, get_token, login
from itsdangerous.timed import TimestampSigner

PROBLEM = "application/problem+json"


def basic(client_id, secret):
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


# -- API clients --------------------------------------------------------------------------------
def test_token_with_json_credentials(client):
    response = client.post(
        "/api/v1/auth/token", json={"client_id": "comune-015195", "client_secret": "secret-sgm"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"]
    assert response.headers["Cache-Control"] == "no-store"


def test_token_with_http_basic(client):
    response = client.post("/api/v1/auth/token", headers=basic("comune-015195", "secret-sgm"))
    assert response.status_code == 200
    assert response.get_json()["token_type"] == "Bearer"


def test_token_with_form_credentials(client):
    response = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "comune-015195",
            "client_secret": "secret-sgm",
        },
    )
    assert response.status_code == 200


def test_wrong_secret_is_401_problem(client):
    response = client.post(
        "/api/v1/auth/token", json={"client_id": "comune-015195", "client_secret": "nope"}
    )
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.get_json()["status"] == 401
    assert "WWW-Authenticate" in response.headers


def test_unknown_client_and_missing_credentials_are_401(client):
    assert (
        client.post(
            "/api/v1/auth/token", json={"client_id": "ghost", "client_secret": "x"}
        ).status_code
        == 401
    )
    assert client.post("/api/v1/auth/token", json={}).status_code == 401
    assert (
        client.post("/api/v1/auth/token", headers=basic("comune-015195", "bad")).status_code == 401
    )


def test_api_without_token_is_401_with_challenge(client):
    response = client.get("/api/v1/referrals")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_forged_token_is_401(client):
    response = client.get("/api/v1/referrals", headers=bearer("not-a-token"))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_expired_token_is_401(client, monkeypatch):
    an_hour_and_more_ago = int(time.time()) - 3601 - 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: an_hour_and_more_ago)
    old_token = get_token(client)
    monkeypatch.undo()
    response = client.get("/api/v1/referrals", headers=bearer(old_token))
    assert response.status_code == 401
    assert "expired" in response.get_json()["detail"]


def test_token_stops_working_when_the_secret_changes(app, client):
    token = get_token(client)
    assert client.get("/api/v1/referrals", headers=bearer(token)).status_code == 200
    app.extensions["abitare_identity"].save_client(
        "comune-015195", "new-secret", "Sistema SGM", ["015195"]
    )
    assert client.get("/api/v1/referrals", headers=bearer(token)).status_code == 401


def test_client_actor_is_municipal_and_scoped(client, fake, sgm_headers):
    client.get("/api/v1/referrals", headers=sgm_headers)
    actor = fake.calls_to("intake", "list_referrals")[-1].actor
    assert actor.role == "municipal_client"
    assert actor.sub == "client:comune-015195"
    assert actor.comuni == ("015195",)


# -- operators ----------------------------------------------------------------------------------
def test_login_sets_a_hardened_session_cookie(client):
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/lavoro")  # the worklist is the home page
    cookie = next(
        v for v in response.headers.getlist("Set-Cookie") if v.startswith("abitare_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def session_id(client):
    cookie = client.get_cookie("abitare_session")
    return cookie.value if cookie else None


def test_session_id_rotates_on_login(client):
    client.get("/login")
    before = session_id(client)
    assert before
    login(client)
    after = session_id(client)
    assert after and after != before


def test_wrong_password_shows_an_error_and_no_session(client):
    response = login(client, password="wrong")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nome utente o password non validi" in html
    assert client.get("/schede").status_code == 302


def test_logout_ends_the_session_server_side(client):
    login(client)
    stolen = session_id(client)
    assert client.get("/schede").status_code == 200
    page = client.get("/schede").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert client.get("/schede").status_code == 302
    client.set_cookie("abitare_session", stolen)  # replaying the old cookie does not help
    assert client.get("/schede").status_code == 302


def test_pages_need_login_and_keep_the_target(client):
    response = client.get("/schede/nuova")
    assert response.status_code == 302
    assert "/login?next=/schede/nuova" in response.headers["Location"]


def test_login_never_redirects_off_site(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={
            "username": "agenzia",
            "password": "agenzia-pw",
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["Location"].endswith("/lavoro")


def test_operator_session_works_on_the_api(client, fake):
    login(client, "sgm.sociale", "sgm-pw")
    assert client.get("/api/v1/referrals").status_code == 200
    actor = fake.calls_to("intake", "list_referrals")[-1].actor
    assert (actor.sub, actor.role, actor.comuni) == (
        "operator:sgm.sociale",
        "comune_operator",
        ("015195",),
    )
