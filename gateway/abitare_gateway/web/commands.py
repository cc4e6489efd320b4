"""Running a command from a web form: intake's answer, or its refusal in Italian on the form.

The refusal's kind says what to do, its code says what to write (``error_texts``):

- ``invalid`` (422): each field error's Italian text next to the field it names (else on top)
- ``forbidden`` (403): the profile may not do this
- ``conflict`` (409) and ``stale_version`` (412): the error's Italian sentence
- intake away (503/504): the form is kept, try again
``not_found`` and anything unexpected still become the error page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import error_texts
from ..errors import field_errors, field_message, status_for_remote
from ..rpc import RemoteError, RpcError, ServiceTimeout
from .case_forms import FormState

FORBIDDEN = error_texts.text("forbidden")
UNAVAILABLE = (
    "Il servizio delle schede non è raggiungibile in questo momento: i dati inseriti "
    "sono stati conservati, riprova tra poco."
)


@dataclass
class Outcome:
    result: Any = None
    status: int = 200
    error_code: str | None = None

    @property
    def ok(self) -> bool:
        return self.status < 400


def attempt(call: Callable[[], Any], state: FormState) -> Outcome:
    """Run ``call``; on a refusal put the Italian message on ``state`` and say which status the
    page should answer with."""
    try:
        return Outcome(call())
    except RemoteError as exc:
        status = status_for_remote(exc)
        if status == 422:
            for path, errors in field_errors(exc).items():
                target = _field_id(path, state)
                for error in errors:
                    message = field_message(error)
                    state.error(target, message if target != "_form" else f"{path}: {message}")
        elif status == 403:
            state.error("_form", FORBIDDEN)
        elif status in (409, 412):
            state.error(
                "_form",
                error_texts.text(exc.code, exc.details) or error_texts.text(exc.kind, exc.details),
            )
        else:
            raise
        return Outcome(status=status, error_code=exc.code)
    except RpcError as exc:
        state.error("_form", UNAVAILABLE)
        return Outcome(status=504 if isinstance(exc, ServiceTimeout) else 503)


def _field_id(path: str, state: FormState) -> str:
    """``indicators.eviction_date`` -> ``eviction_date``; ``actions.0.type`` ->
    ``actions-0-type``; a field the form does not have -> ``_form``."""
    parts = path.split(".")
    if parts[0] == "actions" and len(parts) >= 3:
        return f"actions-{parts[1]}-{parts[2]}"
    for candidate in (path, parts[-1], f"ind-{parts[-1]}"):
        if candidate in state.values:
            return candidate
    return "_form"
