"""Server-side web sessions.

The cookie (HttpOnly, SameSite=Lax, Secure behind HTTPS) carries only a random session id; the
data live in the gateway database under the id's SHA-256. So logging out really ends the session,
and :func:`rotate` gives a signed-in operator a new id (no session fixation).

A session ends when unused for ``PERMANENT_SESSION_LIFETIME`` (the idle timeout, refreshed as
it is used) and at the latest ``SESSION_ABSOLUTE_LIFETIME`` after the login (``login_at``), used
or not. Who the session names, and whether that operator's credentials are still the ones it was
opened with, is checked on every request by :func:`abitare_gateway.auth.current_operator`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask, Request, Response, session
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete
from sqlalchemy.orm import Session
from werkzeug.datastructures import CallbackDict

from .identity import WebSessionRow

TOUCH_INTERVAL = timedelta(minutes=5)  # refresh the expiry at most this often
LOGIN_AT_KEY = "login_at"  # epoch seconds of the login


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _now(app: Flask) -> datetime:
    return app.config["CLOCK"]()


def absolute_expiry(app: Flask, data) -> datetime | None:
    """When a session opened at ``data["login_at"]`` ends, used or not."""
    login_at = data.get(LOGIN_AT_KEY)
    if not isinstance(login_at, (int, float)):
        return None
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"]
    return datetime.fromtimestamp(login_at, UTC) + lifetime


class DbSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid: str | None = None, expires_at: datetime | None = None):
        def on_update(_self):
            _self.modified = True

        super().__init__(initial, on_update)
        self.sid = sid
        self.expires_at = expires_at
        self.new = sid is None
        self.modified = False
        self.rotate_requested = False
        self.destroy_requested = False


class DbSessionInterface(SessionInterface):
    def __init__(self, engine):
        self.engine = engine

    def open_session(self, app: Flask, request: Request) -> DbSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        static = app.static_url_path and request.path.startswith(app.static_url_path + "/")
        if not sid or static or len(sid) > 128:
            return DbSession()
        now = _now(app)
        with Session(self.engine) as db:
            row = db.get(WebSessionRow, _hash(sid))
            if row is None or row.expires_at <= now:
                return DbSession()
            data = json.loads(row.data_json or "{}")
            cap = absolute_expiry(app, data)
            if cap is not None and cap <= now:
                return DbSession()
            return DbSession(data, sid=sid, expires_at=row.expires_at)

    def save_session(self, app: Flask, sess: DbSession, response: Response) -> None:
        name = self.get_cookie_name(app)
        cookie = dict(
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
        )
        if sess.destroy_requested and sess.sid:
            self._delete(sess.sid)
            sess.sid = None  # anything stored after the end (a CSRF token) gets a new id
        if not sess:
            if sess.destroy_requested or (sess.sid and sess.modified):
                if sess.sid:
                    self._delete(sess.sid)
                response.delete_cookie(
                    name,
                    **{
                        k: v
                        for k, v in cookie.items()
                        if k in ("domain", "path", "secure", "samesite", "httponly")
                    },
                )
            return
        lifetime = app.permanent_session_lifetime
        now = _now(app)
        cap = absolute_expiry(app, sess)
        old_sid = sess.sid
        if sess.rotate_requested or old_sid is None:
            sess.sid = secrets.token_urlsafe(32)
            if old_sid:
                self._delete(old_sid)
        elif (
            not sess.modified
            and sess.expires_at
            and (
                sess.expires_at - now > lifetime - TOUCH_INTERVAL
                or (cap is not None and sess.expires_at >= cap - timedelta(seconds=1))
            )
        ):
            return  # nothing changed and the expiry is fresh enough (or already the cap)
        expires_at = min(now + lifetime, cap) if cap is not None else now + lifetime
        data = json.dumps(dict(sess))
        with Session(self.engine) as db, db.begin():
            row = db.get(WebSessionRow, _hash(sess.sid))
            if row is None:  # a new session: also sweep the expired ones
                db.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
                db.add(
                    WebSessionRow(id_hash=_hash(sess.sid), data_json=data, expires_at=expires_at)
                )
            else:
                row.data_json, row.expires_at = data, expires_at
        response.set_cookie(name, sess.sid, expires=expires_at, **cookie)
        response.vary.add("Cookie")

    def _delete(self, sid: str):
        with Session(self.engine) as db, db.begin():
            db.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == _hash(sid)))


def rotate() -> None:
    """Give the current session a new id at the end of this request (call it on sign-in)."""
    session.rotate_requested = True


def destroy() -> None:
    """End the current session: its row is deleted and the cookie cleared."""
    session.clear()
    session.destroy_requested = True
