"""Errors as RFC 9457 problem details (``application/problem+json``) for the API, as Italian
pages for the web UI.

One table maps the class names of the services' exceptions (they travel back through nameko as
``exc_type``) to HTTP statuses; the gateway never imports service code to do it.
"""
from __future__ import annotations

import json
import logging
from http import HTTPStatus

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from .rpc import RemoteError, RpcError, ServiceTimeout, ServiceUnavailable

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

# Remote exception name -> HTTP status. Exact names first, then ``*Suffix`` patterns, in order.
REMOTE_ERROR_STATUS: tuple[tuple[str, int], ...] = (
    # nameko's own: the gateway and the service disagree on the contract (not the caller's fault)
    ("MethodNotFound", 502),
    ("IncorrectSignature", 502),
    ("MalformedRequest", 502),
    ("ActorRejected", 401),
    ("InvalidInput", 422),
    ("ProjectVersionConflict", 412),      # a stale If-Match / project version
    ("DuplicatesNotAcknowledged", 409),   # possible duplicates not acknowledged at triage
    ("*NotFound", 404),
    ("*Forbidden", 403),
    ("*Conflict", 409),
    ("*Invalid", 422),
)
UNMAPPED_REMOTE_STATUS = 502

# Problem types: one URN per kind of problem, stable across releases.
PROBLEM_TYPES = {
    400: "urn:abitare:problem:bad-request",
    401: "urn:abitare:problem:unauthenticated",
    403: "urn:abitare:problem:forbidden",
    404: "urn:abitare:problem:not-found",
    405: "urn:abitare:problem:method-not-allowed",
    409: "urn:abitare:problem:conflict",
    412: "urn:abitare:problem:precondition-failed",
    413: "urn:abitare:problem:payload-too-large",
    415: "urn:abitare:problem:unsupported-media-type",
    422: "urn:abitare:problem:invalid-input",
    428: "urn:abitare:problem:precondition-required",
    500: "urn:abitare:problem:internal-error",
    502: "urn:abitare:problem:service-error",
    503: "urn:abitare:problem:service-unavailable",
    504: "urn:abitare:problem:service-timeout",
}

# Italian titles for the web UI's error pages.
ITALIAN_TITLES = {
    400: "Richiesta non valida",
    401: "Accesso non autorizzato",
    403: "Accesso negato",
    404: "Pagina non trovata",
    405: "Operazione non consentita",
    409: "Conflitto con lo stato attuale",
    412: "La versione non è più attuale",
    413: "Richiesta troppo grande",
    415: "Formato non supportato",
    422: "Dati non validi",
    428: "Versione mancante",
    500: "Errore interno",
    502: "Errore di un servizio",
    503: "Servizio non disponibile",
    504: "Il servizio non ha risposto in tempo",
}
ITALIAN_DETAILS = {
    400: "La richiesta non è valida.",
    401: "Accedi per continuare.",
    403: "Non hai i permessi per questa operazione.",
    404: "La pagina o la scheda cercata non esiste oppure non è visibile con il tuo profilo.",
    409: "L'operazione non è possibile nello stato attuale della scheda.",
    412: "I dati sono stati modificati da qualcun altro: ricarica la pagina.",
    500: "Si è verificato un errore imprevisto. Riprova più tardi.",
    502: "Un servizio ha risposto con un errore imprevisto. Riprova più tardi.",
    503: "Un servizio necessario non è raggiungibile in questo momento. Riprova tra poco.",
    504: "Un servizio necessario non ha risposto in tempo. Riprova tra poco.",
}


def status_for_remote(exc_type: str) -> int:
    """The HTTP status for a remote exception's class name (502 if the table does not know it)."""
    for pattern, status in REMOTE_ERROR_STATUS:
        if pattern.startswith("*"):
            if exc_type.endswith(pattern[1:]):
                return status
        elif exc_type == pattern:
            return status
    return UNMAPPED_REMOTE_STATUS


class Problem(Exception):
    """An error response. ``errors`` maps field paths to lists of messages (422)."""

    def __init__(self, status: int, detail: str | None = None, *, title: str | None = None,
                 type: str | None = None, errors: dict | None = None,
                 headers: dict | None = None, localized: bool = False, **extensions):
        self.status = status
        self.localized = localized   # title and detail are already Italian (web UI)
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.type = type or PROBLEM_TYPES.get(status, "about:blank")
        self.errors = errors
        self.headers = headers or {}
        self.extensions = extensions
        super().__init__(detail or self.title)

    def to_dict(self, instance: str | None = None) -> dict:
        body = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extensions)
        return body


def problem_from_rpc(exc: RpcError) -> Problem:
    if isinstance(exc, ServiceTimeout):
        return Problem(504, f"The {exc.service} service did not answer in time.",
                       service=exc.service)
    if isinstance(exc, ServiceUnavailable):
        return Problem(503, f"The {exc.service} service is not available.",
                       service=exc.service, headers={"Retry-After": "5"})
    if isinstance(exc, RemoteError):
        status = status_for_remote(exc.exc_type)
        if status == 422:
            return Problem(422, "The request has invalid fields.",
                           errors=field_errors_from_message(exc.message))
        if status == UNMAPPED_REMOTE_STATUS:
            log.error("unmapped remote error from %s: %s: %s", exc.service, exc.exc_type,
                      exc.message)
            return Problem(502, f"The {exc.service} service failed.", service=exc.service)
        if status == 401:
            log.error("%s rejected the gateway's actor context: %s", exc.service, exc.message)
            return Problem(401, "The actor context was rejected.")
        return Problem(status, exc.message or None, code=exc.exc_type)
    return Problem(502, str(exc))


def field_errors_from_message(message: str) -> dict[str, list[str]]:
    """``InvalidInput``'s message is JSON of field errors; anything else is a schema error."""
    try:
        data = json.loads(message)
    except (TypeError, ValueError):
        return {"_schema": [message]} if message else {}
    return flatten_errors(data) if isinstance(data, dict) else {"_schema": [str(data)]}


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow-style nested messages as ``{"household.0.codice_fiscale": [...]}``."""
    if not isinstance(messages, dict):
        messages = {"_schema": messages}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_errors(value, path))
        elif isinstance(value, list) and not all(isinstance(item, str) for item in value):
            flat.update(flatten_errors(dict(enumerate(value)), path))
        else:
            flat.setdefault(path, []).extend([value] if isinstance(value, str) else list(value))
    return flat


def problem_from_http(exc: HTTPException) -> Problem:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("errors") or data.get("messages")
    if status == 422 and messages is not None:
        # webargs: {"json": {...}, "query": {...}}: drop the location level
        merged: dict = {}
        if isinstance(messages, dict):
            for location, errors in messages.items():
                if location in {"json", "query", "querystring", "form", "headers", "json_or_form",
                                "view_args", "path"} and isinstance(errors, dict):
                    merged.update(flatten_errors(errors))
                else:
                    merged.update(flatten_errors({location: errors}))
        return Problem(422, "The request has invalid fields.", errors=merged)
    if status == 400 and isinstance(messages, dict) and "json" in messages:
        return Problem(400, "The request body is not valid JSON.")
    detail = data.get("message") or _generic_detail(exc)
    headers = dict(data.get("headers") or {})
    valid_methods = getattr(exc, "valid_methods", None)
    if status == 405 and valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    return Problem(status, detail, headers=headers)


def _generic_detail(exc: HTTPException) -> str | None:
    description = exc.description or ""
    default = type(exc).description or ""
    return description if description and description != default else {
        400: "The request could not be understood.",
        404: "There is nothing at this address.",
        405: "This method is not allowed on this resource.",
        413: "The request body is too large.",
        415: "Unsupported content type.",
    }.get(exc.code, description or None)


# -- responses ----------------------------------------------------------------------------------
def wants_problem_json() -> bool:
    """API paths always get problem+json; pages get HTML when the client accepts it."""
    path = request.path
    if path.startswith("/api") or path in ("/healthz", "/readyz"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json",
                                                 PROBLEM_CONTENT_TYPE], default="text/html")
    return best != "text/html"


def problem_response(problem: Problem) -> Response:
    body = problem.to_dict(instance=request.path)
    response = Response(json.dumps(body, ensure_ascii=False), status=problem.status,
                        mimetype=PROBLEM_CONTENT_TYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def html_response(problem: Problem) -> Response:
    if problem.localized:
        title, detail = problem.title, problem.detail
    else:
        title = ITALIAN_TITLES.get(problem.status, problem.title)
        detail = ITALIAN_DETAILS.get(problem.status)
    html = render_template("errors/error.html", status=problem.status, title=title,
                           detail=detail)
    response = Response(html, status=problem.status, mimetype="text/html")
    for name, value in problem.headers.items():
        if name.lower() != "www-authenticate":
            response.headers[name] = value
    return response


def respond(problem: Problem) -> Response:
    return problem_response(problem) if wants_problem_json() else html_response(problem)


def init_app(app: Flask) -> None:
    @app.errorhandler(Problem)
    def handle_problem(exc: Problem):
        return respond(exc)

    @app.errorhandler(RpcError)
    def handle_rpc_error(exc: RpcError):
        return respond(problem_from_rpc(exc))

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        if exc.code is None or exc.code < 400:  # a redirect raised as an exception
            return exc
        return respond(problem_from_http(exc))

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(Problem(500, "An unexpected error occurred."))
