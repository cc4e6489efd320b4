"""Editing a convention: which columns an edit may change, the rules a new version must follow,
and what changed from one version to the next.

An edit never updates a row: it adds the next version (``version`` + 1) with the changed columns
(``usecases.conventions``). The shape of each column is checked by ``schemas.ConventionChanges``;
the rules here need the catalogues: services are ``domain.offers`` codes, a grant names an event
type of the partner-facing catalogue (``domain.event_catalogue``) and only field paths of that
event's schema, and the validity runs forwards.
"""

from __future__ import annotations

from . import event_catalogue, offers

# The columns an edit may change (status and its reason change by suspending and resuming).
EDITABLE = (
    "kind",
    "title",
    "reference",
    "services",
    "comuni",
    "valid_from",
    "valid_to",
    "grants",
    "response_days",
    "channels",
)
STATUS_COLUMNS = ("status", "status_reason")
COMPARED = EDITABLE + STATUS_COLUMNS

# Field error codes (ConventionInvalid)
UNKNOWN_SERVICE = "unknown_service"
EVENT_TYPE_NOT_IN_CATALOGUE = "event_type_not_in_catalogue"
FIELD_NOT_IN_EVENT = "field_not_in_event"
VALID_TO_BEFORE_VALID_FROM = "valid_to_before_valid_from"
REASON_REQUIRED = "status_reason_required"


def rule_errors(columns: dict) -> dict[str, list[dict]]:
    """What is wrong with the convention ``columns`` (the new version, whole), by field path;
    empty when it may be recorded."""
    errors: dict[str, list[dict]] = {}
    unknown = [s for s in columns["services"] if offers.offer(s) is None]
    if unknown:
        errors["services"] = [{"code": UNKNOWN_SERVICE, "service": s} for s in unknown]
    for event_type, grant in columns["grants"].items():
        allowed = event_catalogue.field_paths(event_type)
        if not allowed:
            errors[f"grants.{event_type}"] = [
                {
                    "code": EVENT_TYPE_NOT_IN_CATALOGUE,
                    "event_type": event_type,
                    "allowed": list(event_catalogue.event_types()),
                }
            ]
            continue
        outside = [path for path in grant["fields"] if path not in allowed]
        if outside:
            errors[f"grants.{event_type}.fields"] = [
                {"code": FIELD_NOT_IN_EVENT, "field": path, "event_type": event_type}
                for path in outside
            ]
    valid_to = columns["valid_to"]
    if valid_to is not None and valid_to < columns["valid_from"]:
        errors["valid_to"] = [
            {
                "code": VALID_TO_BEFORE_VALID_FROM,
                "valid_from": columns["valid_from"].isoformat(),
                "valid_to": valid_to.isoformat(),
            }
        ]
    return errors


def changes(before: dict | None, after: dict) -> list[dict]:
    """What changed from ``before`` to ``after`` (two versions' columns), column by column:
    ``[{"column", "before", "after"}]``; a grant is compared per event type
    (``grants.<event type>``). The first version (``before`` None) changed nothing."""
    if before is None:
        return []
    found = []
    for column in COMPARED:
        if column == "grants":
            for event_type in sorted(set(before["grants"]) | set(after["grants"])):
                old, new = before["grants"].get(event_type), after["grants"].get(event_type)
                if old != new:
                    found.append({"column": f"grants.{event_type}", "before": old, "after": new})
        elif before[column] != after[column]:
            found.append({"column": column, "before": before[column], "after": after[column]})
    return found
