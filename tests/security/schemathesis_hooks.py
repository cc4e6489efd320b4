"""Schemathesis hooks of the run in test_schemathesis.py (loaded by ``SCHEMATHESIS_HOOKS``).

1. Real records: path parameters are, half of the time, the ids planted by the test (passed in
   ``ABITARE_ST_IDS``), so the run reaches existing cases, meetings and proposals, not only 404s.
2. Rules that JSON Schema cannot state, and the OpenAPI document states in words (each field's
   description): a checksum-valid codice fiscale, exactly one head of household, dates not in
   the future, the caller's own comune, a reason where the outcome needs one, a new
   Idempotency-Key per payload; a convention's services, event types and fields from the
   partners' catalogues, its validity in order; on the partner API, a decline's reason, an
   outcome among the (FWA) referral's outcomes_allowed, a loan report with what its status
   needs within the product's limits and plan rules (``partners.domain.lending``). A generated
   body is brought within them; every constraint JSON Schema can state (types, enums, formats,
   lengths, patterns) the document states and is left to the generator.
3. The partner run's custom check (``partner_refusals_are_state_refusals``): on the partner
   API a schema-valid request the referral's or the loan's *state* refuses is a 422 with the
   state's code (the operations' descriptions say so); any other 422 there fails.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from datetime import UTC, date, datetime, timedelta

import schemathesis

from abitare_gateway import agency_time
from partners.domain import event_catalogue, lending, offers
from tests.support.data import codice_fiscale

IDS: dict[str, list[str]] = json.loads(os.environ.get("ABITARE_ST_IDS", "{}"))
OWN_COMUNE = os.environ.get("ABITARE_ST_COMUNE", "015195")
TODAY = agency_time.today()


def _past_date(value, oldest: int) -> str:
    """``value`` if an ISO date between ``oldest`` and today, else a date in that range."""
    try:
        day = date.fromisoformat(str(value)[:10])
        if oldest <= day.year and day <= TODAY:
            return str(value)
    except ValueError:
        pass
    earliest = max(date(oldest, 1, 1), TODAY - timedelta(days=365 * 30))
    return (TODAY - timedelta(days=random.randint(0, (TODAY - earliest).days))).isoformat()


def _past_moment(value) -> str:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if 2000 <= moment.year and moment <= datetime.now(UTC):
            return str(value)
    except ValueError:
        pass
    return (datetime.now(UTC) - timedelta(days=random.randint(1, 300))).isoformat()


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    for name in list(path_parameters or {}):
        if IDS.get(name) and random.random() < 0.5:
            path_parameters[name] = random.choice(IDS[name])
    return path_parameters


def _referral(body: dict) -> None:
    body["comune_istat"] = OWN_COMUNE
    members = body.get("household") or []
    for index, member in enumerate(members):
        member["codice_fiscale"] = codice_fiscale(random.randint(0, 10**9) * 20 + index)
        member["relation"] = (
            "intestatario"
            if index == 0
            else (member["relation"] if member["relation"] != "intestatario" else "altro")
        )
        member["birth_date"] = _past_date(member.get("birth_date"), 1900)
    if body.get("received_at") is not None:
        body["received_at"] = _past_date(body["received_at"], 2000)
        for member in members:
            member["birth_date"] = min(member["birth_date"], body["received_at"])


def _blank(value) -> bool:
    return not (isinstance(value, str) and value.strip())


def _assessment(body: dict) -> None:
    if body.get("pis_situation") and body.get("confirmed_grade") is not None:
        body["confirmed_grade"] = 4  # a PIS situation is grade 4
    if body.get("confirmed_grade") is not None and _blank(body.get("override_reason")):
        body["override_reason"] = "Motivo della modifica"


def _convention_changes(changes: dict) -> None:
    if "services" in changes:
        changes["services"] = random.sample(sorted(offers.OFFERS), k=len(changes["services"]) % 3)
    if "grants" in changes:
        types = event_catalogue.event_types()
        changes["grants"] = {
            types[index % len(types)]: {
                "fields": sorted(event_catalogue.field_paths(types[index % len(types)]))[:2],
                "purpose": grant.get("purpose") or "Finalità",
            }
            for index, grant in enumerate(changes["grants"].values())
        }
    # the demo conventions run from 1/1/2024: a new start before it, a new end after it
    if changes.get("valid_from"):
        changes["valid_from"] = min(changes["valid_from"], "2024-01-01")
    if changes.get("valid_to"):
        changes["valid_to"] = max(changes["valid_to"], "2024-01-01")


# The partner run's partner is FWA: its referrals are for microcredito.
PARTNER_SERVICE = os.environ.get("ABITARE_ST_PARTNER_SERVICE", "microcredito")


def _partner_update(body: dict) -> None:
    if body.get("update") == "decline" and _blank(body.get("reason")):
        body["reason"] = "Motivo del rifiuto"
    if body.get("update") == "outcome":
        body["outcome"] = random.choice([o.code for o in offers.offer(PARTNER_SERVICE).outcomes])


def _lender_status(body: dict) -> None:
    """What the report's status needs (the field descriptions), within the product's limits."""
    if body.get("product") not in lending.PRODUCTS:  # a negative case: left as generated
        return
    if IDS.get("partner_referral_id") and random.random() < 0.5:
        body["partner_referral_id"] = random.choice(IDS["partner_referral_id"])
        body["product"] = PARTNER_SERVICE  # the loan answers the referral's service
    body["occurred_on"] = _past_date(body.get("occurred_on"), 2014)
    limits = lending.limits_on(body["product"], date.fromisoformat(body["occurred_on"]))
    status = body.get("status")
    if status in ("approved", "rescheduled"):
        amount = _integer(body.get("amount_cents"), limits.min_cents)
        body["amount_cents"] = min(max(amount, limits.min_cents), limits.max_cents)
        body["instalments"] = min(max(_integer(body.get("instalments"), 12), 1), 72)
        body["instalments"] = min(body["instalments"], limits.max_instalments)
        body["instalment_cents"] = -(-body["amount_cents"] // body["instalments"])
        body["first_due_on"] = body.get("first_due_on") or body["occurred_on"]
        # a new plan must repay what the loan still owes: its state decides (STATE_REFUSALS)
    if limits.max_allowances is not None and status == "approved":
        body["allowances"] = min(max(_integer(body.get("allowances"), 1), 1), limits.max_allowances)
    if status in ("instalment_paid", "instalment_missed"):
        body["instalment_number"] = max(_integer(body.get("instalment_number"), 1), 1)


def _integer(value, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


@schemathesis.hook
def map_body(context, body):
    operation = context.operation
    if not isinstance(body, dict) or operation is None:
        return body
    path, method = operation.path, operation.method.lower()
    if path.endswith("/referrals") and method == "post":
        _referral(body)
    elif path.endswith("/diary"):
        body["occurred_at"] = _past_moment(body.get("occurred_at"))
    elif path.endswith("/project") and body.get("agreed_on") is not None:
        body["agreed_on"] = _past_date(body["agreed_on"], 2000)
    elif path.endswith("/proposals") and IDS.get("case_id") and random.random() < 0.5:
        body["referral_id"] = random.choice(IDS["case_id"])
    elif (
        path.endswith("/triage")
        and body.get("outcome") != "presa_in_carico"
        and _blank(body.get("reason"))
    ):
        body["reason"] = "Motivo"
    elif path.endswith("/assessments"):
        _assessment(body)
    elif path.endswith("/closure") and body.get("restitution_date") is not None:
        body["restitution_date"] = TODAY.isoformat()
    elif path.endswith("/conventions/{convention_code}") and isinstance(body.get("changes"), dict):
        _convention_changes(body["changes"])
    elif path == "/api/v1/partner/referrals/{partner_referral_id}/status":
        _partner_update(body)
    elif path == "/api/v1/partner/lender-status":
        _lender_status(body)
    return body


# A refusal the referral's or the loan's state decides (the body was brought within every rule
# stated in words): the partner API answers it with 422 and these codes.
STATE_REFUSALS = {
    "/api/v1/partner/referrals/{partner_referral_id}/status": {"transition_not_allowed"},
    "/api/v1/partner/lender-status": {
        lending.OUT_OF_ORDER,
        lending.PRODUCT_MISMATCH,
        lending.INSTALMENT_NOT_IN_PLAN,
        lending.INSTALMENT_ALREADY_PAID,
        lending.DISBURSED_MORE_THAN_APPROVED,
        lending.PLAN_TOO_SHORT,
        lending.PLAN_CHARGES_INTEREST,
        # the referral decides the product, and a loan stays with its referral: the stateful
        # phase takes partner_referral_id and loan_ref from earlier answers after the hooks ran
        "referral_service_mismatch",
        "loan_referral_mismatch",
        "referral_not_open",  # a new loan answers a referral still open (not declined, ended)
    },
}


@schemathesis.check
def partner_refusals_are_state_refusals(ctx, response, case):
    """On the partner API, a 422 to a schema-valid request must be a refusal of the state."""
    allowed = STATE_REFUSALS.get(case.operation.path)
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if allowed is None or response.status_code != 422 or not positive:
        return None
    errors = (response.json() or {}).get("errors") or {}
    codes = {e.get("code") for items in errors.values() for e in items}
    if not codes or not codes <= allowed:
        raise AssertionError(f"422 not a refusal of the state: {sorted(map(str, codes))}")
    return None


@schemathesis.hook
def map_case(context, case):
    """One new Idempotency-Key per payload (a key reused with another body is 422), the same in
    the header and in the body when both are sent."""
    key = uuid.uuid4().hex
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = key
    if isinstance(case.body, dict) and case.body.get("idempotency_key") is not None:
        case.body["idempotency_key"] = key
    return case


@schemathesis.hook
def map_query(context, query):
    """Periods in order (from <= to); a searched codice fiscale with a valid check character."""
    if not query:
        return query
    for start, end in (("from", "to"), ("received_from", "received_to")):
        if query.get(start) and query.get(end) and query[start] > query[end]:
            query[start], query[end] = query[end], query[start]
    if query.get("codice_fiscale"):
        query["codice_fiscale"] = codice_fiscale(random.randint(0, 10**9))
    return query
