"""Use cases on webhooks: a coordinator registers a partner's endpoint, rotates its secret,
enables it again, reads its delivery log and replays; the sharing use case queues a message per
endpoint with each delivery (:func:`enqueue`, same transaction as the ``Delivery`` row); the
dispatcher (``adapters.webhook_dispatcher``) takes the due ones (:func:`claim_due`) and writes
each attempt's outcome (:func:`record_attempt`).

Rules (signatures, schedule, URLs) are ``domain.webhooks``'.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from abitare_chassis.actor import SYSTEM, Actor
from abitare_chassis.database import Db

from ..adapters import events
from ..adapters.models import Partner, WebhookAttempt, WebhookEndpoint, WebhookMessage
from ..domain import permissions
from ..domain import webhooks as rules
from ..errors import (
    PartnerNotFound,
    WebhookEndpointExists,
    WebhookEndpointNotFound,
    WebhookReplayInvalid,
)

DISPATCHER_ACTOR = Actor(sub="system:webhooks", role=SYSTEM, comuni=(), name="Webhook")


@dataclass(frozen=True)
class WebhookSettings:
    """What the service's config decides (``WEBHOOK_*``; see the dispatcher)."""

    allowed_hosts: tuple[str, ...] = ()
    disable_after_failures: int = rules.DISABLE_AFTER_FAILURES
    retry_scale: float = 1.0  # < 1 in tests only: the schedule shrunk, never skipped


# -- coordinators ------------------------------------------------------------------------------
def register_endpoint(
    db: Db, actor: Actor, partner_code: str, url: str, settings: WebhookSettings, resolve, now
) -> dict:
    """A new endpoint for ``partner_code`` at ``url`` (checked: ``rules.check_url``), enabled,
    with a new secret returned this once; one endpoint per URL and partner."""
    permissions.ensure(actor.role, permissions.MANAGE_WEBHOOKS)
    target = rules.check_url(url, settings.allowed_hosts, resolve)
    with db.transaction() as tx:
        if tx.session.get(Partner, partner_code) is None:
            raise PartnerNotFound(partner_code=partner_code)
        existing = tx.session.scalar(
            select(WebhookEndpoint.id).where(
                WebhookEndpoint.partner_code == partner_code, WebhookEndpoint.url == target.url
            )
        )
        if existing is not None:
            raise WebhookEndpointExists(partner_code=partner_code, endpoint_id=existing)
        endpoint = WebhookEndpoint(
            id=str(uuid.uuid4()),
            partner_code=partner_code,
            url=target.url,
            secret=rules.new_secret(),
            enabled=True,
            consecutive_failures=0,
            created_at=now,
            created_by=actor.sub,
        )
        tx.session.add(endpoint)
    return {**endpoint_record(endpoint), "secret": endpoint.secret}


def list_endpoints(db: Db, actor: Actor, partner_code: str) -> list[dict]:
    permissions.ensure(actor.role, permissions.MANAGE_WEBHOOKS)
    with db.session() as session:
        if session.get(Partner, partner_code) is None:
            raise PartnerNotFound(partner_code=partner_code)
        endpoints = session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.partner_code == partner_code)
            .order_by(WebhookEndpoint.created_at)
        ).all()
        waiting = dict(
            session.execute(
                select(WebhookMessage.endpoint_id, func.count())
                .where(
                    WebhookMessage.partner_code == partner_code,
                    WebhookMessage.status == "pending",
                )
                .group_by(WebhookMessage.endpoint_id)
            ).all()
        )
    return [{**endpoint_record(e), "pending": waiting.get(e.id, 0)} for e in endpoints]


def rotate_secret(db: Db, actor: Actor, partner_code: str, endpoint_id: str, now) -> dict:
    """A new secret (returned this once); the previous one keeps signing too for
    ``rules.PREVIOUS_SECRET_VALID_FOR``, so the partner can switch without losing a message."""
    permissions.ensure(actor.role, permissions.MANAGE_WEBHOOKS)
    with db.transaction() as tx:
        endpoint = _endpoint(tx.session, partner_code, endpoint_id)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = now + rules.PREVIOUS_SECRET_VALID_FOR
        endpoint.secret = rules.new_secret()
        endpoint.secret_rotated_at = now
    return {**endpoint_record(endpoint), "secret": endpoint.secret}


def enable_endpoint(db: Db, actor: Actor, partner_code: str, endpoint_id: str, now) -> dict:
    """Enable a disabled endpoint again: its waiting messages are due at once."""
    permissions.ensure(actor.role, permissions.MANAGE_WEBHOOKS)
    with db.transaction() as tx:
        endpoint = _endpoint(tx.session, partner_code, endpoint_id)
        endpoint.enabled = True
        endpoint.disabled_reason = None
        endpoint.disabled_at = None
        endpoint.consecutive_failures = 0
        tx.session.execute(
            update(WebhookMessage)
            .where(WebhookMessage.endpoint_id == endpoint.id, WebhookMessage.status == "pending")
            .values(next_attempt_at=now)
        )
    return endpoint_record(endpoint)


def list_attempts(
    db: Db, actor: Actor, partner_code: str, endpoint_id: str, page: int, page_size: int
) -> dict:
    """The delivery log of an endpoint, newest first, paged."""
    permissions.ensure(actor.role, permissions.MANAGE_WEBHOOKS)
    with db.session() as session:
        endpoint = _endpoint(session, partner_code, endpoint_id)
        where = WebhookAttempt.endpoint_id == endpoint.id
        total = session.scalar(select(func.count()).select_from(WebhookAttempt).where(where))
        rows = session.scalars(
            select(WebhookAttempt)
            .where(where)
            .order_by(WebhookAttempt.at.desc(), WebhookAttempt.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
    return {
        "endpoint": endpoint_record(endpoint),
        "page": page,
        "page_size": page_size,
        "total": total,
        "items": [attempt_record(a, endpoint.url) for a in rows],
    }


def replay(
    db: Db,
    actor: Actor,
    partner_code: str,
    endpoint_id: str,
    now,
    from_: datetime | None = None,
    to: datetime | None = None,
    event_ids: list[str] | None = None,
) -> dict:
    """Send again the messages of the endpoint queued in [``from_``, ``to``) or with one of
    ``event_ids``: a new round of attempts, same event id (the partner deduplicates)."""
    permissions.ensure(actor.role, permissions.MANAGE_WEBHOOKS)
    if event_ids:
        chosen = WebhookMessage.event_id.in_(event_ids)
    elif from_ is not None and to is not None and from_ < to:
        chosen = WebhookMessage.queued_at.between(from_, to)
    else:
        raise WebhookReplayInvalid({"_schema": [{"code": "replay_window_or_ids"}]})
    with db.transaction() as tx:
        endpoint = _endpoint(tx.session, partner_code, endpoint_id)
        result = tx.session.execute(
            update(WebhookMessage)
            .where(
                WebhookMessage.endpoint_id == endpoint.id,
                WebhookMessage.body.is_not(None),
                chosen,
            )
            .values(status="pending", round_attempts=0, round_started_at=None, next_attempt_at=now)
        )
    return {"endpoint_id": endpoint_id, "replayed": result.rowcount}


# -- with every delivery -------------------------------------------------------------------------
def body_of(envelope: dict) -> str:
    """The exact JSON POSTed: the CloudEvent (structured mode) the partner's queue carries."""
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)


def enqueue(session: Session, partner_code: str, envelope: dict, referral_id, now) -> int:
    """One message per endpoint of the partner, in the caller's transaction (a disabled
    endpoint's wait until it is enabled again)."""
    endpoint_ids = session.scalars(
        select(WebhookEndpoint.id).where(WebhookEndpoint.partner_code == partner_code)
    ).all()
    body = body_of(envelope)
    for endpoint_id in endpoint_ids:
        session.add(
            WebhookMessage(
                event_id=envelope["id"],
                endpoint_id=endpoint_id,
                partner_code=partner_code,
                referral_id=referral_id,
                body=body,
                status="pending",
                attempts=0,
                round_attempts=0,
                next_attempt_at=now,
                queued_at=now,
            )
        )
    return len(endpoint_ids)


def forget(session: Session, referral_id: str) -> None:
    """``intake.case_pseudonymised.v1``: the bodies about the household are dropped (a message
    not yet delivered is not sent any more); ids and the log stay."""
    session.execute(
        update(WebhookMessage)
        .where(WebhookMessage.referral_id == referral_id, WebhookMessage.status != "delivered")
        .values(status="forgotten")
    )
    session.execute(
        update(WebhookMessage).where(WebhookMessage.referral_id == referral_id).values(body=None)
    )


# -- the dispatcher ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Job:
    message_id: int
    event_id: str
    endpoint_id: str
    partner_code: str
    url: str
    body: str
    signing_secrets: tuple[str, ...]
    attempt: int
    leased_until: datetime  # a message replayed (or enabled) meanwhile no longer has it


@dataclass(frozen=True)
class AttemptResult:
    latency_ms: int
    status_code: int | None = None
    error_class: str | None = None  # "timeout", "connection_refused", "url_refused", ...
    excerpt: str | None = None

    @property
    def outcome(self) -> str:
        return "failed" if self.status_code is None else rules.outcome_of(self.status_code)


def claim_due(db: Db, now, limit: int, lease: timedelta, busy: dict[str, int], per_endpoint: int):
    """Take up to ``limit`` due messages of enabled endpoints, at most ``per_endpoint`` in flight
    for any endpoint (``busy``: endpoint id -> in flight), oldest first; each is leased (its
    ``next_attempt_at`` moved ``lease`` ahead), so a crash mid-attempt only delays it."""
    with db.transaction() as tx:
        rows = tx.session.execute(
            select(WebhookMessage, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookMessage.endpoint_id)
            .where(
                WebhookMessage.status == "pending",
                WebhookMessage.next_attempt_at <= now,
                WebhookEndpoint.enabled.is_(True),
            )
            .order_by(WebhookMessage.next_attempt_at, WebhookMessage.id)
            .limit(limit * 4)
            .with_for_update(of=WebhookMessage, skip_locked=True)  # another dispatcher's: skip
        ).all()
        jobs, taken = [], dict(busy)
        for message, endpoint in rows:
            if len(jobs) >= limit or taken.get(endpoint.id, 0) >= per_endpoint:
                continue
            taken[endpoint.id] = taken.get(endpoint.id, 0) + 1
            message.next_attempt_at = leased_until = now + lease
            message.attempts += 1
            jobs.append(
                Job(
                    message_id=message.id,
                    event_id=message.event_id,
                    endpoint_id=endpoint.id,
                    partner_code=endpoint.partner_code,
                    url=endpoint.url,
                    body=message.body,
                    signing_secrets=tuple(
                        rules.signing_secrets(
                            endpoint.secret,
                            endpoint.previous_secret,
                            endpoint.previous_secret_until,
                            now,
                        )
                    ),
                    attempt=message.attempts,
                    leased_until=leased_until,
                )
            )
    return jobs


def record_attempt(
    db: Db, job: Job, result: AttemptResult, now, jitter: float, settings: WebhookSettings
) -> str:
    """The attempt in the log, and what follows: delivered; the next attempt of the schedule;
    failed when the schedule is spent; the endpoint disabled on 410 or after
    ``settings.disable_after_failures`` failures in a row (``partners.webhook_endpoint_disabled``
    announces it). A message replayed while this attempt was under way stays due, as the
    replay asked. Returns the outcome."""
    outcome = result.outcome
    with db.transaction() as tx:
        # row locks (PostgreSQL): a replay or an enabling committed meanwhile is seen, not lost
        message = tx.session.get(WebhookMessage, job.message_id, with_for_update=True)
        endpoint = tx.session.get(WebhookEndpoint, job.endpoint_id, with_for_update=True)
        tx.session.add(
            WebhookAttempt(
                message_id=job.message_id,
                event_id=job.event_id,
                endpoint_id=job.endpoint_id,
                attempt=job.attempt,
                at=now,
                latency_ms=result.latency_ms,
                outcome=outcome,
                status_code=result.status_code,
                error_class=result.error_class,
                excerpt=result.excerpt,
            )
        )
        replayed = message.next_attempt_at != job.leased_until
        if outcome == "delivered":
            endpoint.consecutive_failures = 0
            if not replayed:
                message.status, message.delivered_at = "delivered", now
            return outcome
        if not replayed:
            _schedule_retry(message, now, jitter, settings.retry_scale)
        endpoint.consecutive_failures += 1
        reason = None
        if outcome == "gone":
            reason = "gone"
        elif endpoint.consecutive_failures >= settings.disable_after_failures:
            reason = "failures"
        if reason and endpoint.enabled:
            endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = False, reason, now
            tx.emit(
                events.WEBHOOK_ENDPOINT_DISABLED,
                events.webhook_endpoint_disabled(endpoint_record(endpoint)),
                actor=DISPATCHER_ACTOR,
                subject=endpoint.id,
            )
    return outcome


def _schedule_retry(message: WebhookMessage, now, jitter: float, scale: float) -> None:
    """The next attempt of the message's round, or ``failed`` when the schedule is spent."""
    if message.round_started_at is None:
        message.round_started_at = now
    message.round_attempts += 1
    due = rules.next_attempt_at(
        message.round_started_at, message.round_attempts, jitter, scale=scale
    )
    if due is None:
        message.status = "failed"
    else:
        message.next_attempt_at = max(due, now)


# -- records -------------------------------------------------------------------------------------
def _endpoint(session: Session, partner_code: str, endpoint_id: str) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.partner_code != partner_code:
        raise WebhookEndpointNotFound(partner_code=partner_code, endpoint_id=endpoint_id)
    return endpoint


def endpoint_record(e: WebhookEndpoint) -> dict:
    """An endpoint without its secrets."""
    return {
        "id": e.id,
        "partner_code": e.partner_code,
        "url": e.url,
        "enabled": e.enabled,
        "disabled_reason": e.disabled_reason,
        "disabled_at": e.disabled_at,
        "consecutive_failures": e.consecutive_failures,
        "secret_rotated_at": e.secret_rotated_at,
        "previous_secret_until": e.previous_secret_until,
        "created_at": e.created_at,
        "created_by": e.created_by,
    }


def attempt_record(a: WebhookAttempt, url: str) -> dict:
    return {
        "event_id": a.event_id,
        "endpoint_id": a.endpoint_id,
        "url": url,
        "attempt": a.attempt,
        "at": a.at,
        "latency_ms": a.latency_ms,
        "outcome": a.outcome,
        "status_code": a.status_code,
        "error_class": a.error_class,
        "excerpt": a.excerpt,
    }


def disabled_endpoints(db: Db, actor: Actor) -> list[dict]:
    """Every disabled endpoint (the coordinators' alert), oldest first."""
    permissions.ensure(actor.role, permissions.MANAGE_WEBHOOKS)
    with db.session() as session:
        rows = session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.enabled.is_(False))
            .order_by(WebhookEndpoint.disabled_at)
        ).all()
    return [endpoint_record(e) for e in rows]
