"""/utenti, "Utenti e accessi": a coordinator manages the operators and API clients of their
comuni, and nothing else; every action audited; deactivation, reset and rotation take effect on
the other side's very next request."""

from __future__ import annotations

import re

import pytest
from gateway_helpers import MILANO, SAN_DONATO, SGM, bearer, get_token, login, post_form

SECRET = re.compile(r'id="one-time-secret">([^<]+)<')


@pytest.fixture
def store(app):
    store = app.extensions["abitare_identity"]
    store.save_operator(
        "milano.sociale", "milano-pw", "Servizi sociali Milano", "comune_operator", [MILANO]
    )
    store.save_operator(
        "milano.coord", "milano-coord-pw", "Coordinamento Milano", "coordinator", [MILANO]
    )
    store.save_operator("ponte", "ponte-pw", "Tra SGM e Milano", "agency_operator", [SGM, MILANO])
    return store


@pytest.fixture
def coordinator(app, store):
    client = app.test_client()
    assert login(client, "coordinamento", "coord-pw").status_code == 302
    return client


def one_time_secret(response) -> str:
    match = SECRET.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    return match.group(1).strip()


def set_state(client, kind, name, state):
    return post_form(client, f"/utenti/{kind}/{name}/stato", {"stato": state})


# -- who sees the page ----------------------------------------------------------------------------
def test_the_page_lists_only_the_accounts_of_the_coordinators_comuni(coordinator):
    response = coordinator.get("/utenti")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Utenti e accessi" in html
    for name in ("agenzia", "sgm.sociale", "comune-015195"):
        assert f'id="operator-{name}"' in html or f'id="client-{name}"' in html
    for foreign in ("milano.sociale", "milano.coord", "ponte", "comune-015146"):
        assert foreign not in html


@pytest.mark.parametrize(
    "username, password", [("sgm.sociale", "sgm-pw"), ("agenzia", "agenzia-pw")]
)
def test_operators_who_are_not_coordinators_get_403(app, username, password):
    client = app.test_client()
    login(client, username, password)
    page = client.get("/schede").get_data(as_text=True)
    assert "Utenti e accessi" not in page  # no menu item
    response = client.get("/utenti")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "riservata al coordinamento" in html
    assert 'href="/schede"' in html  # a way back
    assert client.get("/utenti/operatori/nuovo").status_code == 403
    assert set_state(client, "operatori", "sgm.sociale", "disattiva").status_code == 403
    assert post_form(client, "/utenti/sistemi/comune-015195/segreto").status_code == 403
    assert app.extensions["abitare_identity"].get_operator("sgm.sociale") is not None


def test_the_coordinator_has_the_menu_item(coordinator):
    assert 'id="nav-utenti"' in coordinator.get("/schede").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get("/utenti").status_code == 302


# -- another comune's accounts do not exist -------------------------------------------------------
def test_a_coordinator_of_sgm_cannot_touch_milanos_accounts(app, coordinator, store):
    milano = app.test_client()
    login(milano, "milano.sociale", "milano-pw")
    for name in ("milano.sociale", "milano.coord", "ponte", "ghost"):
        assert set_state(coordinator, "operatori", name, "disattiva").status_code == 404
        assert post_form(coordinator, f"/utenti/operatori/{name}/password").status_code == 404
    assert post_form(coordinator, "/utenti/sistemi/comune-015146/segreto").status_code == 404
    assert set_state(coordinator, "sistemi", "comune-015146", "disattiva").status_code == 404
    assert milano.get("/schede").status_code == 200  # still signed in
    assert login(app.test_client(), "milano.sociale", "milano-pw").status_code == 302
    assert get_token(app.test_client(), "comune-015146", "secret-milano")
    assert store.audit_records() == []


def test_new_accounts_are_limited_to_the_coordinators_comuni_and_roles(coordinator, store):
    for data in (
        {"role": "comune_operator", "comuni": [MILANO]},
        {"role": "comune_operator", "comuni": [SGM, MILANO]},
        {"role": "coordinator", "comuni": [SGM]},
        {"role": "comune_operator", "comuni": []},
    ):
        response = post_form(
            coordinator,
            "/utenti/operatori/nuovo",
            {"account_id": "nuova", "display_name": "Nuova", **data},
        )
        assert response.status_code == 422, data
        assert store.get_operator("nuova", include_inactive=True) is None
    response = post_form(
        coordinator,
        "/utenti/sistemi/nuovo",
        {"account_id": "comune-milano-2", "display_name": "Milano bis", "comuni": [MILANO]},
    )
    assert response.status_code == 422
    assert store.get_client("comune-milano-2") is None


def test_an_existing_name_is_never_overwritten(coordinator, store):
    response = post_form(
        coordinator,
        "/utenti/operatori/nuovo",
        {
            "account_id": "milano.sociale",
            "display_name": "Presa",
            "role": "comune_operator",
            "comuni": [SGM],
        },
    )
    assert response.status_code == 409
    assert store.get_operator("milano.sociale").comuni == (MILANO,)
    assert (
        login(coordinator.application.test_client(), "milano.sociale", "milano-pw").status_code
        == 302
    )


def test_a_coordinator_manages_operators_not_coordinators_nor_themselves(coordinator, store):
    store.save_operator("coord.due", "coord-due-pw", "Altra coordinatrice", "coordinator", [SGM])
    assert set_state(coordinator, "operatori", "coord.due", "disattiva").status_code == 403
    assert set_state(coordinator, "operatori", "coordinamento", "disattiva").status_code == 403
    assert post_form(coordinator, "/utenti/operatori/coord.due/password").status_code == 403
    assert store.get_operator("coord.due") is not None


# -- deactivation, reset, rotation take effect at once ------------------------------------------
def test_a_deactivated_operators_live_session_is_refused_on_its_next_request(
    app, coordinator, store
):
    operator = app.test_client()
    login(operator, "sgm.sociale", "sgm-pw")
    assert operator.get("/schede").status_code == 200
    response = set_state(coordinator, "operatori", "sgm.sociale", "disattiva")
    assert response.status_code == 302
    assert operator.get("/schede").status_code == 302
    assert operator.get("/api/v1/referrals").status_code == 401
    assert login(app.test_client(), "sgm.sociale", "sgm-pw").status_code == 200  # refused
    set_state(coordinator, "operatori", "sgm.sociale", "attiva")
    assert login(app.test_client(), "sgm.sociale", "sgm-pw").status_code == 302
    assert [r.action for r in store.audit_records()] == [
        "operator_reactivated",
        "operator_deactivated",
    ]
    record = store.audit_records()[-1]
    assert (record.actor, record.target_kind, record.target_id) == (
        "operator:coordinamento",
        "operator",
        "sgm.sociale",
    )


def test_a_rotated_client_secret_refuses_the_old_token_at_once(app, coordinator, store):
    api = app.test_client()
    old_token = get_token(api)
    assert api.get("/api/v1/referrals", headers=bearer(old_token)).status_code == 200
    response = post_form(coordinator, "/utenti/sistemi/comune-015195/segreto")
    assert response.status_code == 200
    secret = one_time_secret(response)
    assert api.get("/api/v1/referrals", headers=bearer(old_token)).status_code == 401
    assert (
        api.post(
            "/api/v1/auth/token", json={"client_id": "comune-015195", "client_secret": "secret-sgm"}
        ).status_code
        == 401
    )
    new_token = get_token(api, "comune-015195", secret)
    assert api.get("/api/v1/referrals", headers=bearer(new_token)).status_code == 200
    assert store.audit_records()[0].action == "client_secret_rotated"
    assert secret not in coordinator.get("/utenti").get_data(as_text=True)  # shown once


def test_a_deactivated_client_is_refused_at_once(app, coordinator):
    api = app.test_client()
    token = get_token(api)
    set_state(coordinator, "sistemi", "comune-015195", "disattiva")
    assert api.get("/api/v1/referrals", headers=bearer(token)).status_code == 401
    set_state(coordinator, "sistemi", "comune-015195", "attiva")
    assert api.get("/api/v1/referrals", headers=bearer(token)).status_code == 401  # still old
    assert get_token(api)


def test_a_reset_ends_the_sessions_and_forces_a_new_password(app, coordinator, store):
    operator = app.test_client()
    login(operator, "sgm.sociale", "sgm-pw")
    response = post_form(coordinator, "/utenti/operatori/sgm.sociale/password")
    assert response.status_code == 200
    temporary = one_time_secret(response)
    assert operator.get("/schede").status_code == 302
    fresh = app.test_client()
    signed_in = login(fresh, "sgm.sociale", temporary)
    assert signed_in.headers["Location"].endswith("/password")
    assert fresh.get("/schede").headers["Location"].endswith("/password")
    assert fresh.get("/api/v1/referrals").get_json()["code"] == "password_change_required"
    changed = post_form(
        fresh,
        "/password",
        {
            "current_password": temporary,
            "new_password": "scelta-da-me-stessa",
            "confirm_password": "scelta-da-me-stessa",
        },
    )
    assert changed.status_code == 302
    assert fresh.get("/schede").status_code == 200
    assert [r.action for r in store.audit_records()][:2] == [
        "own_password_changed",
        "operator_password_reset",
    ]


def test_a_reset_lifts_a_lockout(app, coordinator):
    locked = app.test_client()
    for _ in range(6):
        login(locked, "sgm.sociale", "wrong")
    assert login(locked, "sgm.sociale", "sgm-pw").status_code == 429
    temporary = one_time_secret(post_form(coordinator, "/utenti/operatori/sgm.sociale/password"))
    assert login(app.test_client(), "sgm.sociale", temporary).status_code == 302


# -- creating accounts ----------------------------------------------------------------------------
def test_a_coordinator_creates_an_operator_who_must_choose_a_password(app, coordinator, store):
    form = coordinator.get("/utenti/operatori/nuovo").get_data(as_text=True)
    assert 'value="comune_operator"' in form and 'value="coordinator"' not in form
    assert f'value="{MILANO}"' not in form and f'value="{SAN_DONATO}"' in form
    response = post_form(
        coordinator,
        "/utenti/operatori/nuovo",
        {
            "account_id": "S.Donato.Sociale",
            "display_name": "Servizi sociali San Donato",
            "role": "comune_operator",
            "comuni": [SAN_DONATO],
        },
    )
    assert response.status_code == 200
    temporary = one_time_secret(response)
    operator = store.get_operator("s.donato.sociale")
    assert (operator.role, operator.comuni, operator.must_change_password) == (
        "comune_operator",
        (SAN_DONATO,),
        True,
    )
    new = app.test_client()
    assert login(new, "s.donato.sociale", temporary).headers["Location"].endswith("/password")
    record = store.audit_records()[0]
    assert (record.actor, record.action, record.target_id, record.comuni) == (
        "operator:coordinamento",
        "operator_created",
        "s.donato.sociale",
        (SAN_DONATO,),
    )
    page = coordinator.get("/utenti").get_data(as_text=True)
    assert 'id="operator-s.donato.sociale"' in page and "Operatore creato" in page


def test_a_coordinator_creates_an_api_client(app, coordinator, store):
    response = post_form(
        coordinator,
        "/utenti/sistemi/nuovo",
        {
            "account_id": "comune-015192",
            "display_name": "Sistema di San Donato",
            "comuni": [SAN_DONATO],
        },
    )
    assert response.status_code == 200
    secret = one_time_secret(response)
    token = get_token(app.test_client(), "comune-015192", secret)
    assert app.test_client().get("/api/v1/referrals", headers=bearer(token)).status_code == 200
    page = coordinator.get("/utenti").get_data(as_text=True)
    assert 'id="client-comune-015192"' in page
    assert store.audit_records()[0].action == "client_created"


def test_the_page_shows_last_login_and_last_use(app, coordinator):
    html = coordinator.get("/utenti").get_data(as_text=True)
    row = html[html.index('id="operator-coordinamento"') :]
    row = row[: row.index("</tr>")]
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", row)  # just signed in
    get_token(app.test_client())
    html = coordinator.get("/utenti").get_data(as_text=True)
    row = html[html.index('id="client-comune-015195"') :]
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", row[: row.index("</tr>")])


def test_actions_need_the_csrf_token(coordinator, store):
    response = coordinator.post("/utenti/operatori/sgm.sociale/stato", data={"stato": "disattiva"})
    assert response.status_code == 400
    assert store.get_operator("sgm.sociale") is not None
