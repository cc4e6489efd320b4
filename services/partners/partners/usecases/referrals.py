"""Use cases on partner referrals: send a household to a partner for a service (from the case,
or from a project action intake requested), withdraw it, the partner's answers, the case's
list, the partner's own list, the overdue ones; and the status-only news of a case opened or
closed to every partner that has one of its referrals.

What leaves the agency is decided in one place (``_send``): the convention in force for the
partner, its grant for ``partners.partner_referral_created.v1``, and the household's consent
(``domain.consent.shareable_fields``: grant ∩ the consented categories, the non-personal fields
always). Without a valid consent a grant that asks for personal fields is refused
(``consent_missing`` / ``consent_withdrawn`` / ``consent_expired``). The partner knows the
household only by ``household_ref`` (different per partner).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import events
from ..adapters.models import Partner, PartnerReferral, PartnerReferralStep
from ..domain import offers, permissions, referrals
from ..domain.consent import consent_refusal, needs_consent, shareable_fields, valid_consent
from ..domain.conventions import agency_today, convention_in_force, field_label
from ..domain.filtering import delivered_paths, filter_fields
from ..errors import (
    PartnerReferralNotFound,
    PartnerReferralRefused,
    PartnerReferralUpdateInvalid,
)
from .catalogue import conventions_of, new_delivery_key
from .consents import consent_of, consents_of
from .sharing import _deliver

CREATED = "created"
WITHDRAW = "withdraw"
UPDATE_WORDS = {"accept": "invio accettato", "decline": "invio rifiutato"}
CASE_STATUS = {events.CASE_OPENED: "aperto", events.CASE_CLOSED: "chiuso"}


def create_referral(db: Db, actor: Actor, data: dict, declare_queue=None) -> dict:
    """Send the household of case ``data["referral_id"]`` to ``data["partner_code"]`` for
    ``data["service"]``; raises ``PartnerReferralRefused`` (nothing changes) when it cannot."""
    permissions.ensure(actor.role, permissions.SEND_REFERRALS)
    if not actor.can_see(data["comune_istat"]):
        raise PartnerReferralRefused({"comune_istat": [{"code": "comune_out_of_scope"}]})
    with db.transaction() as tx:
        row = _send(tx, actor, data, declare_queue)
        return referral_record(row, _steps(tx.session, [row.id]).get(row.id, []))


def request_from_action(db: Db, event, data: dict, declare_queue=None) -> dict:
    """``intake.action_requested.v1`` with action_type partner_referral: send it as the event's
    actor; when it cannot be sent, record it as ``non_inviato`` with the reason (the case tab
    shows it; nothing leaves). One transaction caused by ``event`` (redelivery: no-op)."""
    with db.transaction(causation=event) as tx:
        existing = tx.session.scalar(
            select(PartnerReferral).where(PartnerReferral.action_id == data["action_id"])
        )
        if existing is not None:
            return referral_record(existing, [])
        try:
            with tx.session.begin_nested():
                row = _send(tx, event.actor, data, declare_queue)
        except PartnerReferralRefused as refused:
            row = _not_sent(tx.session, event.actor, data, refused.errors)
        return referral_record(row, [])


def _send(tx, actor: Actor, data: dict, declare_queue=None) -> PartnerReferral:
    """Check, record and queue one referral. ``declare_queue(code)`` declares the partner's
    queue before the commit (as ``catalogue.subscribe`` does), so the relay has somewhere to
    put it."""
    session = tx.session
    day = agency_today()
    partner = session.get(Partner, data["partner_code"])
    conventions = conventions_of(session, [data["partner_code"]]).get(data["partner_code"], [])
    service = data.get("service") or _only_service(conventions, day)
    why, convention = referrals.referral_refusal(
        partner.active if partner else None, conventions, service or "", data["comune_istat"], day
    )
    if why is not None:
        field = {"partner_unknown": "partner_code", "comune_not_covered": "comune_istat"}
        raise PartnerReferralRefused({field.get(why["code"], "service"): [why]})
    grant = convention.fields_for(events.PARTNER_REFERRAL_CREATED)
    if not grant:
        raise PartnerReferralRefused({"partner_code": [{"code": "event_type_not_in_convention"}]})
    consents = [consent_of(c) for c in consents_of(session, data["referral_id"], actor.comuni)]
    consent = valid_consent(consents, partner.code, service, day)
    if consent is None and needs_consent(grant):
        lapse = consent_refusal(consents, partner.code, service, day)
        raise PartnerReferralRefused({"consent": [{"code": lapse, "partner": partner.code}]})
    now = datetime.now(UTC)
    consent_row = _consent_row(session, data["referral_id"], actor.comuni, consent)
    row = PartnerReferral(
        id=str(uuid.uuid4()),
        referral_id=data["referral_id"],
        comune_istat=data["comune_istat"],
        partner_code=partner.code,
        service=service,
        household_ref=referrals.household_ref(
            events.partner_ref_secret(), partner.code, data["referral_id"]
        ),
        action_id=data.get("action_id"),
        convention_code=convention.code,
        convention_version=convention.version,
        consent_id=consent_row,
        fields=[],
        shared={},
        state=referrals.SENT,
        note=data.get("note"),
        sent_at=now,
        sent_by=actor.sub,
        respond_by=referrals.respond_by(day, convention.response_days),
        updated_at=now,
    )
    payload = {
        "partner_referral_id": row.id,
        "household_ref": row.household_ref,
        "service": service,
        "comune_istat": row.comune_istat,
        "comune_name": data.get("comune_name"),
        "sent_at": now.isoformat(),
        "respond_by": row.respond_by.isoformat(),
        "household": data.get("household") or {},
        "contact": data.get("contact") or {},
        "economics": data.get("economics") or {},
    }
    row.shared = filter_fields(payload, shareable_fields(grant, consent))
    row.fields = delivered_paths(row.shared)
    session.add(row)
    session.flush()
    _step(session, row, actor.sub, CREATED)
    if not partner.delivery_key:  # a partner added without one (0006): its copies need one
        partner.delivery_key = new_delivery_key()
    if declare_queue is not None:
        declare_queue(partner.code)
    _share(tx, row, partner, events.PARTNER_REFERRAL_CREATED, row.shared, now)
    return row


def _only_service(conventions, day) -> str | None:
    """A project action names only the partner: the service is the one it offers, if one."""
    in_force = convention_in_force(conventions, day)
    return in_force.services[0] if in_force and len(in_force.services) == 1 else None


def _consent_row(session: Session, referral_id: str, comuni, consent) -> str | None:
    if consent is None:
        return None
    for row in consents_of(session, referral_id, comuni):
        if consent_of(row) == consent:
            return row.id
    return None


def _not_sent(session: Session, actor: Actor, data: dict, errors: dict) -> PartnerReferral:
    now = datetime.now(UTC)
    refusal = next(iter(errors.values()))[0]
    row = PartnerReferral(
        id=str(uuid.uuid4()),
        referral_id=data["referral_id"],
        comune_istat=data["comune_istat"],
        partner_code=data["partner_code"] if session.get(Partner, data["partner_code"]) else None,
        service=data.get("service") or "",
        household_ref="",
        action_id=data.get("action_id"),
        fields=[],
        shared={},
        state=referrals.NOT_SENT,
        refusal=refusal,
        sent_at=now,
        sent_by=actor.sub,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    _step(session, row, actor.sub, CREATED, reason=refusal.get("code"))
    return row


def _share(tx, row: PartnerReferral, partner: Partner, event_type: str, data: dict, now):
    """Queue ``data`` (already filtered) for the partner as ``event_type`` and record it."""
    cause = SimpleNamespace(
        type=event_type, id=str(uuid.uuid4()), subject=row.household_ref, correlationid=None
    )
    return _deliver(
        tx, cause, partner.code, partner.delivery_key, data, row.referral_id, row.comune_istat, now
    )


def withdraw_referral(
    db: Db, actor: Actor, referral_id: str, partner_referral_id: str, reason: str
) -> dict:
    """The agency withdraws a referral of case ``referral_id`` not yet ended; the partner is
    told (the withdrawn event, filtered by its grant). Another case's referral is not found,
    like one outside the actor's comuni."""
    permissions.ensure(actor.role, permissions.SEND_REFERRALS)
    with db.transaction() as tx:
        row = tx.session.get(PartnerReferral, partner_referral_id)
        if row is None or row.referral_id != referral_id or not actor.can_see(row.comune_istat):
            raise PartnerReferralNotFound(partner_referral_id=partner_referral_id)
        if row.state not in referrals.OPEN:
            raise PartnerReferralUpdateInvalid(
                {"state": [{"code": referrals.TRANSITION_NOT_ALLOWED, "state": row.state}]}
            )
        now = datetime.now(UTC)
        row.state, row.updated_at = referrals.WITHDRAWN, now
        _step(tx.session, row, actor.sub, WITHDRAW, reason=reason)
        partner = tx.session.get(Partner, row.partner_code)
        grant = _grant(tx.session, row.partner_code, events.PARTNER_REFERRAL_WITHDRAWN)
        data = {
            "partner_referral_id": row.id,
            "household_ref": row.household_ref,
            "service": row.service,
            "withdrawn_at": now.isoformat(),
            "reason": reason,
        }
        if grant:
            _share(
                tx, row, partner, events.PARTNER_REFERRAL_WITHDRAWN, filter_fields(data, grant), now
            )
        return referral_record(row, _steps(tx.session, [row.id])[row.id])


def _grant(session: Session, partner_code: str, event_type: str) -> tuple[str, ...]:
    """The fields the partner's convention in force today grants of ``event_type`` (none when
    no convention is in force: then nothing is sent)."""
    found = convention_in_force(
        conventions_of(session, [partner_code]).get(partner_code, []), agency_today()
    )
    return found.fields_for(event_type) if found else ()


def share_case_status(db: Db, event, keys: dict) -> int:
    """``intake.case_opened.v1`` / ``intake.case_closed.v1``: tell every partner that has a
    referral of that household (sent, not ``non_inviato``), status only, filtered by its grant.
    One transaction caused by ``event``; returns how many partners were told."""
    told = 0
    with db.transaction(causation=event) as tx:
        rows = tx.session.scalars(
            select(PartnerReferral)
            .where(
                PartnerReferral.referral_id == keys["referral_id"],
                PartnerReferral.comune_istat == keys["comune_istat"],
                PartnerReferral.state != referrals.NOT_SENT,
            )
            .order_by(PartnerReferral.sent_at)
        ).all()
        seen: set[str] = set()
        for row in rows:
            if row.partner_code in seen:
                continue
            seen.add(row.partner_code)
            grant = _grant(tx.session, row.partner_code, event.type)
            partner = tx.session.get(Partner, row.partner_code)
            if not grant or not partner.delivery_key:
                continue
            data = {
                "household_ref": row.household_ref,
                "comune_istat": row.comune_istat,
                "status": CASE_STATUS[event.type],
                "at": event.time,
            }
            cause = SimpleNamespace(
                type=event.type, id=event.id, subject=row.household_ref, correlationid=None
            )
            _deliver(
                tx,
                cause,
                partner.code,
                partner.delivery_key,
                filter_fields(data, grant),
                row.referral_id,
                row.comune_istat,
                datetime.now(UTC),
            )
            told += 1
    return told


def list_offers(db: Db, actor: Actor) -> list[dict]:
    """What each active partner offers today under its convention in force (the send form and
    the project action's service select): partner, service code and words, the comuni covered,
    the response time; a partner with no convention in force is listed with the reason."""
    permissions.ensure(actor.role, permissions.SEND_REFERRALS)
    day = agency_today()
    with db.session() as session:
        partners = session.scalars(
            select(Partner).where(Partner.active.is_(True)).order_by(Partner.code)
        ).all()
        conventions = conventions_of(session, [p.code for p in partners])
    found = []
    for p in partners:
        why, in_force = referrals.referral_refusal(True, conventions.get(p.code, []), "", "", day)
        found.append(
            {
                "partner_code": p.code,
                "partner_name": p.name,
                "in_force": in_force is not None,
                "lapse": None if in_force else why,
                "services": [
                    {"code": s, "label": _service_label(s)}
                    for s in (in_force.services if in_force else ())
                ],
                "comuni": list(in_force.comuni) if in_force else [],
                "response_days": in_force.response_days if in_force else None,
            }
        )
    return found


# -- the partner's side ---------------------------------------------------------------------
def partner_code_of(actor: Actor) -> str:
    """The partner an API client acts for: its ``sub`` is ``partner:<CODE>``."""
    permissions.ensure(actor.role, permissions.ANSWER_REFERRALS)
    code = permissions.partner_of(actor)
    if code is None:
        raise PartnerReferralNotFound()
    return code.upper()


def list_own(db: Db, actor: Actor, state: str | None = None) -> list[dict]:
    """The referrals sent to the actor's partner (never ``non_inviato``: nothing was sent), as
    the partner sees them; the read is audited per household."""
    code = partner_code_of(actor)
    with db.transaction() as tx:
        query = select(PartnerReferral).where(
            PartnerReferral.partner_code == code, PartnerReferral.state != referrals.NOT_SENT
        )
        if state:
            query = query.where(PartnerReferral.state == state)
        rows = tx.session.scalars(query.order_by(PartnerReferral.sent_at.desc())).all()
        steps = _steps(tx.session, [r.id for r in rows])
        for row in rows:
            _audit_partner_read(tx.session, actor, row, "list_own_referrals")
        return [partner_view(r, steps.get(r.id, [])) for r in rows]


def get_own(db: Db, actor: Actor, partner_referral_id: str) -> dict:
    code = partner_code_of(actor)
    with db.transaction() as tx:
        row = _own(tx.session, code, partner_referral_id)
        _audit_partner_read(tx.session, actor, row, "get_own_referral")
        return partner_view(row, _steps(tx.session, [row.id]).get(row.id, []))


def _own(session: Session, code: str, partner_referral_id: str) -> PartnerReferral:
    row = session.get(PartnerReferral, partner_referral_id)
    if row is None or row.partner_code != code or row.state == referrals.NOT_SENT:
        raise PartnerReferralNotFound(partner_referral_id=partner_referral_id)
    return row


def _audit_partner_read(session: Session, actor: Actor, row: PartnerReferral, action: str):
    audit.record(
        session,
        actor,
        action,
        row.referral_id,
        comune_istat=row.comune_istat,
        purpose=f"convenzione {row.convention_code} v{row.convention_version}",
        data_set=f"partner_referral:{row.id}",  # its row lists the fields, consent, convention
    )


def update_by_partner(db: Db, actor: Actor, partner_referral_id: str, data: dict) -> dict:
    """The partner accepts, declines (with a reason) or posts an outcome of its service; each
    update is a step and publishes ``partners.action_outcome_recorded.v1``: intake writes the
    case's diary and, for a referral from a project action (``action_id``), sets the action's
    status. A referral sent from the case has no ``action_id`` (the event names the partner's
    referral instead)."""
    code = partner_code_of(actor)
    with db.transaction() as tx:
        row = _own(tx.session, code, partner_referral_id)
        state, outcome = referrals.next_state(
            row.state, data["update"], row.service, data.get("outcome"), data.get("reason")
        )
        if isinstance(state, dict):
            field = "outcome" if state["code"] == referrals.OUTCOME_NOT_VALID else "update"
            field = "reason" if state["code"] == referrals.REASON_REQUIRED else field
            raise PartnerReferralUpdateInvalid({field: [state]})
        now = datetime.now(UTC)
        row.state, row.updated_at = state, now
        row.answered_at = row.answered_at or now
        row.outcome = outcome.code if outcome else row.outcome
        _step(
            tx.session,
            row,
            actor.sub,
            data["update"],
            outcome=outcome.code if outcome else None,
            reason=data.get("reason"),
        )
        answer = {
            "referral_id": row.referral_id,
            "comune_istat": row.comune_istat,
            "status": referrals.action_status(data["update"], outcome),
            "outcome": outcome.code if outcome else data["update"],
            "recorded_at": now.isoformat(),
            "partner_code": row.partner_code,
            "partner_referral_id": row.id,
            "service": row.service,
            "service_label": _service_label(row.service),
            "outcome_label": outcome.label if outcome else UPDATE_WORDS[data["update"]],
            "reason": data.get("reason"),
        }
        if row.action_id is not None:  # sent from the case: no action, the diary only
            answer["action_id"] = row.action_id
        # the event's actor: the partner's client, scoped to the case's comune
        tx.emit(
            events.ACTION_OUTCOME_RECORDED,
            answer,
            actor=Actor(
                sub=actor.sub, role=actor.role, comuni=(row.comune_istat,), name=actor.name
            ),
            subject=row.referral_id,
            tenant=row.comune_istat,
        )
        return partner_view(row, _steps(tx.session, [row.id])[row.id])


# -- the agency's reads ---------------------------------------------------------------------
def list_for_case(db: Db, actor: Actor, referral_id: str, purpose: str | None = None) -> list:
    """The partner referrals of a case, newest first, with their history (audited)."""
    permissions.ensure(actor.role, permissions.SEND_REFERRALS)
    with db.transaction() as tx:
        rows = tx.session.scalars(
            select(PartnerReferral)
            .where(
                PartnerReferral.referral_id == referral_id,
                PartnerReferral.comune_istat.in_(actor.comuni),
            )
            .order_by(PartnerReferral.sent_at.desc())
        ).all()
        if rows:
            audit.record(
                tx.session,
                actor,
                "list_partner_referrals",
                referral_id,
                comune_istat=rows[0].comune_istat,
                purpose=purpose,
                data_set="partner_referrals",
            )
        steps = _steps(tx.session, [r.id for r in rows])
        return [referral_record(r, steps.get(r.id, [])) for r in rows]


def list_overdue(db: Db, actor: Actor) -> list[dict]:
    """Referrals in the actor's comuni still waiting for the partner after the convention's
    response time (the Lavoro page), oldest first. Ids, partner and dates only."""
    permissions.ensure(actor.role, permissions.SEND_REFERRALS)
    today = agency_today()
    with db.session() as session:
        rows = session.scalars(
            select(PartnerReferral)
            .where(
                PartnerReferral.state == referrals.SENT,
                PartnerReferral.respond_by < today,
                PartnerReferral.comune_istat.in_(actor.comuni),
            )
            .order_by(PartnerReferral.respond_by, PartnerReferral.sent_at)
        ).all()
        names = dict(session.execute(select(Partner.code, Partner.name)).all())
        return [
            {
                "id": r.id,
                "referral_id": r.referral_id,
                "comune_istat": r.comune_istat,
                "partner_code": r.partner_code,
                "partner_name": names.get(r.partner_code),
                "service": r.service,
                "service_label": _service_label(r.service),
                "sent_at": r.sent_at,
                "respond_by": r.respond_by,
                "days_late": (today - r.respond_by).days,
            }
            for r in rows
        ]


# -- records --------------------------------------------------------------------------------
def _step(session: Session, row, by: str, update: str, outcome=None, reason=None) -> None:
    session.add(
        PartnerReferralStep(
            partner_referral_id=row.id,
            at=row.updated_at,
            by=by,
            state=row.state,
            update=update,
            outcome=outcome,
            reason=reason,
        )
    )
    session.flush()


def _steps(session: Session, ids) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    if not ids:
        return found
    for s in session.scalars(
        select(PartnerReferralStep)
        .where(PartnerReferralStep.partner_referral_id.in_(list(ids)))
        .order_by(PartnerReferralStep.id)
    ):
        found.setdefault(s.partner_referral_id, []).append(
            {
                "at": s.at,
                "by": s.by,
                "state": s.state,
                "update": s.update,
                "outcome": s.outcome,
                "outcome_label": _outcome_label(s.outcome),
                "reason": s.reason,
            }
        )
    return found


def _service_label(service: str) -> str:
    found = offers.offer(service)
    return found.label if found else service


def _outcome_label(code: str | None) -> str | None:
    if code is None:
        return None
    return next(
        (o.label for offer in offers.OFFERS.values() for o in offer.outcomes if o.code == code),
        code,
    )


def referral_record(row: PartnerReferral, steps: list[dict]) -> dict:
    """The agency's view of a referral (the case tab)."""
    return {
        "id": row.id,
        "referral_id": row.referral_id,
        "comune_istat": row.comune_istat,
        "partner_code": row.partner_code,
        "service": row.service,
        "service_label": _service_label(row.service),
        "action_id": row.action_id,
        "convention_code": row.convention_code,
        "convention_version": row.convention_version,
        "consent_id": row.consent_id,
        "fields": list(row.fields),
        "field_labels": [field_label(p) for p in row.fields],
        "state": row.state,
        "state_label": referrals.STATES[row.state],
        "refusal": row.refusal,
        "outcome": row.outcome,
        "outcome_label": _outcome_label(row.outcome),
        "note": row.note,
        "sent_at": row.sent_at,
        "sent_by": row.sent_by,
        "respond_by": row.respond_by,
        "answered_at": row.answered_at,
        "overdue": bool(row.respond_by)
        and referrals.overdue(row.state, row.respond_by, agency_today()),
        "steps": steps,
    }


def partner_view(row: PartnerReferral, steps: list[dict]) -> dict:
    """What the partner sees: what it was sent (its convention's fields), under its household
    reference, the state and the history, without the agency's internal ids or operators."""
    return {
        "id": row.id,
        "household_ref": row.household_ref,
        "service": row.service,
        "state": row.state,
        "outcome": row.outcome,
        "respond_by": row.respond_by,
        "sent_at": row.sent_at,
        "data": row.shared,
        "outcomes_allowed": [o.code for o in offers.offer(row.service).outcomes]
        if offers.offer(row.service)
        else [],
        "steps": [{k: s[k] for k in ("at", "state", "update", "outcome", "reason")} for s in steps],
    }
