"""Running a command from a web form: intake's answer, or its refusal in Italian on the form.

- ``InvalidInput`` (422): the messages next to the fields they name (else at the top)
- ``*Forbidden`` (403): the profile may not do this
- ``*Conflict`` (409) and ``ProjectVersionConflict`` (412): a clear sentence, by error name
- intake away (503/504): the form is kept, try again
``*NotFound`` and anything unexpected still become the error page.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..errors import field_errors_from_message, status_for_remote
from ..rpc import RemoteError, RpcError, ServiceTimeout
from .case_forms import FormState
from .forms import italian

FORBIDDEN = "Il tuo profilo non consente questa operazione."
UNAVAILABLE = ("Il servizio delle schede non è raggiungibile in questo momento: i dati inseriti "
               "sono stati conservati, riprova tra poco.")
CONFLICTS = {
    "DuplicatesNotAcknowledged": "Ci sono possibili doppie segnalazioni: conferma di averle "
                                 "verificate prima di prendere in carico la scheda.",
    "CaseConflict": "L'operazione non è possibile nello stato attuale della scheda: "
                    "ricarica la pagina per vedere lo stato aggiornato.",
    "ProposalConflict": "La proposta è già stata decisa.",
    "ProjectVersionConflict": "Il progetto è stato modificato da qualcun altro mentre lo "
                              "stavi modificando.",
}
GENERIC_CONFLICT = "L'operazione è in conflitto con lo stato attuale: ricarica la pagina."


@dataclass
class Outcome:
    result: Any = None
    status: int = 200
    error_name: str | None = None

    @property
    def ok(self) -> bool:
        return self.status < 400


def attempt(call: Callable[[], Any], state: FormState) -> Outcome:
    """Run ``call``; on a refusal put the Italian message on ``state`` and say which status the
    page should answer with."""
    try:
        return Outcome(call())
    except RemoteError as exc:
        status = status_for_remote(exc.exc_type)
        if status == 422:
            for path, messages in field_errors_from_message(exc.message).items():
                target = _field_id(path, state)
                for message in messages:
                    state.error(target, italian(message) if target != "_form"
                                else f"{path}: {italian(message)}")
        elif status == 403:
            state.error("_form", FORBIDDEN)
        elif status in (409, 412):
            state.error("_form", CONFLICTS.get(exc.exc_type, GENERIC_CONFLICT))
        else:
            raise
        return Outcome(status=status, error_name=exc.exc_type)
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
