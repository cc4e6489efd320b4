"""Errors as RFC 9457 problem details (``application/problem+json``) for the API, as Italian
pages for the web UI.

A service's typed error arrives as a :class:`~abitare_gateway.rpc.RemoteError` with a ``code``,
a ``kind`` and ``details``. The HTTP status comes from the kind (one table,
:data:`KIND_STATUS`); the words come from the code (:mod:`abitare_gateway.error_texts`: English
for the API unless the client sends ``Accept-Language: it``, Italian for pages). The gateway
never imports service code and never reads a service's message text.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from urllib.parse import urlsplit

from flask import Flask, Response, has_request_context, render_template, request
from werkzeug.exceptions import HTTPException

from abitare_chassis.errors import GENERIC_FIELD_CODE, flatten_errors

from . import error_texts
from .i18n import N_, _
from .rpc import RemoteError, RpcError, ServiceTimeout, ServiceUnavailable

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

# A typed error's kind -> HTTP status. Anything else (an unexpected exception, nameko's own
# MethodNotFound...: the gateway and the service disagree on the contract) is a 502.
KIND_STATUS = {
    "actor_rejected": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "stale_version": 412,
    "invalid": 422,
    "rate_limited": 429,
}
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
    429: "urn:abitare:problem:too-many-requests",
    500: "urn:abitare:problem:internal-error",
    502: "urn:abitare:problem:service-error",
    503: "urn:abitare:problem:service-unavailable",
    504: "urn:abitare:problem:service-timeout",
}

# Italian titles for the web UI's error pages.
ITALIAN_TITLES = {
    400: N_("Richiesta non valida"),
    401: N_("Accesso non autorizzato"),
    403: N_("Accesso negato"),
    404: N_("Pagina non trovata"),
    405: N_("Operazione non consentita"),
    409: N_("Conflitto con lo stato attuale"),
    412: N_("La versione non è più attuale"),
    413: N_("Richiesta troppo grande"),
    415: N_("Formato non supportato"),
    422: N_("Dati non validi"),
    428: N_("Versione mancante"),
    429: N_("Troppe richieste"),
    500: N_("Errore interno"),
    502: N_("Errore di un servizio"),
    503: N_("Servizio non disponibile"),
    504: "Il servizio non ha risposto in tempo",
}
ITALIAN_DETAILS = {
    400: N_("La richiesta non è valida."),
    401: N_("Accedi per continuare."),
    403: N_("Non hai i permessi per questa operazione."),
    404: N_("La pagina o la scheda cercata non esiste oppure non è visibile con il tuo profilo."),
    409: N_("L'operazione non è possibile nello stato attuale della scheda."),
    412: N_("I dati sono stati modificati da qualcun altro: ricarica la pagina."),
    429: N_("Hai fatto troppe richieste in poco tempo: riprova più tardi."),
    500: N_("Si è verificato un errore imprevisto. Riprova più tardi."),
    502: N_("Un servizio ha risposto con un errore imprevisto. Riprova più tardi."),
    503: N_("Un servizio necessario non è raggiungibile in questo momento. Riprova tra poco."),
    504: N_("Un servizio necessario non ha risposto in tempo. Riprova tra poco."),
}


def status_for_remote(exc: RemoteError) -> int:
    """The HTTP status for a service's error, from its kind (502 if it has none we know)."""
    return KIND_STATUS.get(exc.kind or "", UNMAPPED_REMOTE_STATUS)


def field_errors(exc: RemoteError) -> dict[str, list[dict]]:
    """An ``InvalidInput``'s coded errors by field path (empty for any other error)."""
    fields = exc.details.get("fields") if exc.kind == "invalid" else None
    return flatten_errors(fields) if isinstance(fields, dict) else {}


class Problem(Exception):
    """An error response. ``code`` and ``details`` are a typed error's; ``errors`` maps field
    paths to lists of coded errors (422), which :meth:`to_dict` puts into words."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        title: str | None = None,
        type: str | None = None,
        errors: dict | None = None,
        headers: dict | None = None,
        localized: bool = False,
        code: str | None = None,
        details: dict | None = None,
        **extensions,
    ):
        self.status = status
        self.localized = localized  # title and detail are already Italian (web UI)
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.type = type or PROBLEM_TYPES.get(status, "about:blank")
        self.errors = flatten_errors(errors) if errors is not None else None
        self.code = code
        self.details = details or {}
        self.headers = headers or {}
        self.extensions = extensions
        super().__init__(detail or self.title)

    def to_dict(self, instance: str | None = None, language: str = "en") -> dict:
        body = {"type": self.type, "title": self.title, "status": self.status}
        if self.code:
            body["code"] = self.code
        detail = error_texts.text(self.code, self.details, language) if self.code else None
        if detail or self.detail:
            body["detail"] = detail or self.detail
        if self.details:
            body["details"] = self.details
        if instance:
            body["instance"] = instance
        if self.errors is not None:
            body["errors"] = worded(self.errors, language)
        body.update(self.extensions)
        return body


def worded(errors: dict[str, list[dict]], language: str = "it") -> dict[str, list[dict]]:
    """Coded field errors, each with its ``message`` in ``language``."""
    return {
        path: [dict(error, message=field_message(error, language)) for error in items]
        for path, items in errors.items()
    }


def field_message(error: dict, language: str = "it") -> str:
    """One coded field error in words, from the table. An uncoded error (``invalid`` with the
    message it came with, e.g. the gateway's own marshmallow checks) keeps its message."""
    if error.get("code") == GENERIC_FIELD_CODE and error.get("message"):
        return str(error["message"])
    params = {k: v for k, v in error.items() if k not in ("code", "message")}
    return error_texts.text(str(error.get("code")), params, language) or error_texts.text(
        GENERIC_FIELD_CODE, {}, language
    )


def problem_from_rpc(exc: RpcError) -> Problem:
    if isinstance(exc, ServiceTimeout):
        return Problem(
            504, f"The {exc.service} service did not answer in time.", service=exc.service
        )
    if isinstance(exc, ServiceUnavailable):
        return Problem(
            503,
            f"The {exc.service} service is not available.",
            service=exc.service,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, RemoteError):
        status = status_for_remote(exc)
        if status == UNMAPPED_REMOTE_STATUS:
            log.error(
                "unmapped remote error from %s: %s: %s", exc.service, exc.exc_type, exc.message
            )
            return Problem(502, f"The {exc.service} service failed.", service=exc.service)
        if status == 401:
            log.error("%s rejected the gateway's actor context: %s", exc.service, exc.message)
            return Problem(401, "The actor context was rejected.", code=exc.code)
        details = {k: v for k, v in exc.details.items() if k != "fields"}
        return Problem(
            status,
            code=exc.code,
            details=details,
            errors=field_errors(exc) if status == 422 else None,
        )
    return Problem(502, str(exc))


def problem_from_http(exc: HTTPException) -> Problem:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("errors") or data.get("messages")
    if status == 422 and messages is not None:
        # webargs: {"json": {...}, "query": {...}}: drop the location level
        merged: dict = {}
        if isinstance(messages, dict):
            for location, errors in messages.items():
                if location in {
                    "json",
                    "query",
                    "querystring",
                    "form",
                    "headers",
                    "json_or_form",
                    "view_args",
                    "path",
                } and isinstance(errors, dict):
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
    return (
        description
        if description and description != default
        else {
            400: "The request could not be understood.",
            404: "There is nothing at this address.",
            405: "This method is not allowed on this resource.",
            413: "The request body is too large.",
            415: "Unsupported content type.",
        }.get(exc.code, description or None)
    )


# -- responses ----------------------------------------------------------------------------------
def wants_problem_json() -> bool:
    """API paths always get problem+json; pages get HTML when the client accepts it."""
    path = request.path
    if path.startswith("/api") or path in ("/healthz", "/readyz"):
        return True
    best = request.accept_mimetypes.best_match(
        ["text/html", "application/json", PROBLEM_CONTENT_TYPE], default="text/html"
    )
    return best != "text/html"


def api_language() -> str:
    """English, unless the client asks for Italian (``Accept-Language: it``)."""
    if not has_request_context():
        return "en"
    return request.accept_languages.best_match(error_texts.LANGUAGES[::-1], default="en")


def problem_response(problem: Problem) -> Response:
    body = problem.to_dict(instance=request.path, language=api_language())
    response = Response(
        json.dumps(body, ensure_ascii=False), status=problem.status, mimetype=PROBLEM_CONTENT_TYPE
    )
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def html_response(problem: Problem) -> Response:
    if problem.localized:
        title, detail = _(problem.title), problem.detail and _(problem.detail)
    else:
        title = _(ITALIAN_TITLES.get(problem.status, problem.title))
        detail = (
            error_texts.text(problem.code, problem.details, "it") if problem.code else None
        ) or (_(ITALIAN_DETAILS[problem.status]) if problem.status in ITALIAN_DETAILS else None)
    html = render_template(
        "errors/error.html",
        status=problem.status,
        title=title,
        detail=detail,
        action=(problem.details or {}).get("action") if problem.status == 403 else None,
        back=previous_page(),
    )
    response = Response(html, status=problem.status, mimetype="text/html")
    for name, value in problem.headers.items():
        if name.lower() != "www-authenticate":
            response.headers[name] = value
    return response


def previous_page() -> str | None:
    """The page the operator came from, when it is one of ours and not this one: the error
    page's way back."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return None
    back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return None if back == request.full_path.rstrip("?") else back


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
