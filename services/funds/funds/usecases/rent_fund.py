"""Use cases of the Fondo Affitto di Ambito: windows (bandi) of a regulation, applications
(a draft from a project's ``fund_application`` action, or filed directly), the check and the
grant, the ranking when the window closes, the approval and the payments.

The rules are in ``domain.rent_fund``; here they are loaded from and stored in the tables. The
state of an application: ``bozza`` (a project asked for it, nothing filed yet) → ``presentata``
(checked, with its grant) → after the approval ``approvata`` / ``non_finanziata`` /
``esclusa`` → ``pagata`` once the payments reach the approved amount. A window: ``aperto`` →
``chiuso`` → ``graduatoria`` (ranked) → ``approvato``. Each step that the case must know
answers intake with ``funds.action_outcome_recorded.v1`` (when the application came from an
action) and announces itself with ``funds.application_submitted`` / ``application_decided``.

Ledger (issue 10, point 1): the approval is where the window's funded total is committed on its
budget line; ``RentFundWindow.committed_cents`` records what the approval committed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters import events
from ..adapters.models import (
    RentFundApplication,
    RentFundPayment,
    RentFundRegulation,
    RentFundWindow,
)
from ..domain import permissions
from ..domain import rent_fund as rules
from ..domain.dates import local_date
from ..errors import (
    RentFundApplicationNotFound,
    RentFundConflict,
    RentFundIdempotencyKeyReused,
    RentFundInvalid,
    RentFundWindowNotFound,
)

DRAFT, SUBMITTED = "bozza", "presentata"
APPROVED, NOT_FUNDED, EXCLUDED, PAID = "approvata", "non_finanziata", "esclusa", "pagata"
OPEN, CLOSED, RANKED, WINDOW_APPROVED = "aperto", "chiuso", "graduatoria", "approvato"
DECISION_OF = {rules.FUNDED: APPROVED, rules.NOT_FUNDED: NOT_FUNDED, rules.EXCLUDED: EXCLUDED}
FACTS = (
    "isee_cents",
    "isee_kind",
    "isee_protocol",
    "monthly_rent_cents",
    "monthly_net_income_cents",
    "resident",
    "lease_registered",
    "lease_start",
    "tenure",
    "eviction_procedure",
    "owns_adequate_dwelling",
    "documents",
)


def _today() -> date:
    return local_date(datetime.now(UTC))


# -- regulations and windows ------------------------------------------------------------------
def regulation_rules(row: RentFundRegulation) -> rules.Regulation:
    """The stored version as the rules read it."""
    return rules.Regulation(
        isee_ceiling_cents=row.isee_ceiling_cents,
        rent_burden_threshold=(
            Decimal(row.rent_burden_threshold) if row.rent_burden_threshold else None
        ),
        min_lease_months=row.min_lease_months,
        residence_required=row.residence_required,
        excluded_tenures=tuple(row.excluded_tenures),
        exclude_eviction_procedure=row.exclude_eviction_procedure,
        exclude_adequate_dwelling=row.exclude_adequate_dwelling,
        grant_share=Decimal(row.grant_share),
        grant_months=row.grant_months,
        grant_cap_cents=row.grant_cap_cents,
        paid_to=row.paid_to,
        required_documents=tuple(row.required_documents),
        ranking=tuple(row.ranking),
        references=dict(row.legal_references),
        unverified=tuple(row.unverified),
    )


def list_regulations(db: Db, actor: Actor) -> list[dict]:
    """The regulations covering any of the actor's comuni, newest version first."""
    permissions.ensure(actor.role, permissions.READ_RENT_FUND)
    with db.session() as session:
        rows = session.scalars(
            select(RentFundRegulation).order_by(
                RentFundRegulation.code, RentFundRegulation.version.desc()
            )
        ).all()
        return [regulation_record(r) for r in rows if set(r.comuni) & set(actor.comuni)]


def open_window(db: Db, actor: Actor, data: dict) -> dict:
    """A new window of a regulation (coordinators): dates inside the regulation's validity,
    a budget in cents."""
    permissions.ensure(actor.role, permissions.MANAGE_RENT_FUND)
    with db.transaction() as tx:
        regulation = _regulation_in_scope(tx.session, actor, data["regulation_id"], manage=True)
        problems: dict[str, list[dict]] = {}
        if data["closes_on"] < data["opens_on"]:
            problems["closes_on"] = [{"code": "date_order"}]
        if data["opens_on"] < regulation.valid_from or (
            regulation.valid_to is not None and data["closes_on"] > regulation.valid_to
        ):
            problems["opens_on"] = [
                {
                    "code": "outside_regulation",
                    "valid_from": regulation.valid_from.isoformat(),
                    "valid_to": regulation.valid_to.isoformat() if regulation.valid_to else None,
                }
            ]
        if problems:
            raise RentFundInvalid(problems)
        window = RentFundWindow(
            id=str(uuid.uuid4()),
            regulation_id=regulation.id,
            title=data["title"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            budget_cents=data["budget_cents"],
            state=OPEN,
            created_at=datetime.now(UTC),
            created_by=actor.sub,
        )
        tx.session.add(window)
        tx.session.flush()
        return window_record(window, regulation)


def list_windows(db: Db, actor: Actor) -> list[dict]:
    permissions.ensure(actor.role, permissions.READ_RENT_FUND)
    with db.session() as session:
        pairs = session.execute(
            select(RentFundWindow, RentFundRegulation)
            .join(RentFundRegulation, RentFundWindow.regulation_id == RentFundRegulation.id)
            .order_by(RentFundWindow.opens_on.desc(), RentFundWindow.id)
        ).all()
        counts = dict(
            session.execute(
                select(RentFundApplication.window_id, func.count())
                .where(RentFundApplication.state != DRAFT)
                .group_by(RentFundApplication.window_id)
            ).all()
        )
        return [
            window_record(w, r, applications=counts.get(w.id, 0))
            for w, r in pairs
            if set(r.comuni) & set(actor.comuni)
        ]


def get_window(db: Db, actor: Actor, window_id: str, purpose: str | None = None) -> dict:
    """A window with its applications in ranking order (coordinators: the ranking page)."""
    permissions.ensure(actor.role, permissions.MANAGE_RENT_FUND)
    with db.transaction() as tx:
        window, regulation = _window_in_scope(tx.session, actor, window_id)
        apps = tx.session.scalars(
            select(RentFundApplication)
            .where(
                RentFundApplication.window_id == window.id,
                RentFundApplication.state != DRAFT,
                RentFundApplication.comune_istat.in_(actor.comuni),
            )
            .order_by(
                RentFundApplication.rank_position.is_(None),
                RentFundApplication.rank_position,
                RentFundApplication.submitted_at,
            )
        ).all()
        for app in apps:
            _audit(tx.session, actor, "get_rent_fund_window", app, purpose)
        record = window_record(window, regulation, applications=len(apps))
        record["ranking_words"] = rules.ranking_words(regulation.ranking)
        record["items"] = [application_record(a) for a in apps]
        return record


def close_window(db: Db, actor: Actor, window_id: str) -> dict:
    permissions.ensure(actor.role, permissions.MANAGE_RENT_FUND)
    with db.transaction() as tx:
        window, regulation = _window_in_scope(tx.session, actor, window_id, lock=True, manage=True)
        _expect_state(window, OPEN)
        window.state, window.closed_at = CLOSED, datetime.now(UTC)
        return window_record(window, regulation)


def rank_window(db: Db, actor: Actor, window_id: str) -> dict:
    """Rank a closed window by its regulation's rule (``domain.rent_fund.rank``): who is
    funded until the budget ends. Ranking again before the approval gives the same result."""
    permissions.ensure(actor.role, permissions.MANAGE_RENT_FUND)
    with db.transaction() as tx:
        window, regulation = _window_in_scope(tx.session, actor, window_id, lock=True, manage=True)
        _expect_state(window, CLOSED, RANKED)
        apps = {
            a.id: a
            for a in tx.session.scalars(
                select(RentFundApplication).where(
                    RentFundApplication.window_id == window.id,
                    RentFundApplication.state == SUBMITTED,
                )
            )
        }
        now = datetime.now(UTC)
        window.ranking_state, window.ranking_total, window.ranking_done = "in_corso", len(apps), 0
        window.ranking_requested_at, window.ranking_requested_by = now, actor.sub
        placed = rules.rank(
            (_candidate(a) for a in apps.values()), regulation.ranking, window.budget_cents
        )
        for place in placed:
            app = apps[place.id]
            app.rank_position, app.rank_outcome = place.position, place.outcome
        funded = [p for p in placed if p.outcome == rules.FUNDED]
        window.state, window.ranking_state = RANKED, "completata"
        window.ranking_done, window.ranking_finished_at = len(placed), now
        window.funded_count, window.funded_cents = len(funded), sum(p.funded_cents for p in funded)
        return window_record(window, regulation, applications=len(apps))


def approve_window(db: Db, actor: Actor, window_id: str) -> dict:
    """Approve the ranking: the funded applications are approved for their grant, the others
    not funded or excluded; each decision is announced and answers its project action."""
    permissions.ensure(actor.role, permissions.MANAGE_RENT_FUND)
    with db.transaction() as tx:
        window, regulation = _window_in_scope(tx.session, actor, window_id, lock=True, manage=True)
        _expect_state(window, RANKED)
        now = datetime.now(UTC)
        apps = tx.session.scalars(
            select(RentFundApplication).where(
                RentFundApplication.window_id == window.id,
                RentFundApplication.state == SUBMITTED,
            )
        ).all()
        if any(app.rank_outcome is None for app in apps):  # filed after the ranking: rank again
            raise RentFundConflict("an application is not ranked", reason="not_ranked")
        for app in apps:
            app.state = DECISION_OF[app.rank_outcome or rules.EXCLUDED]
            app.approved_cents = app.grant_cents if app.state == APPROVED else 0
            app.decided_at, app.decided_by = now, actor.sub
            record = application_record(app)
            tx.emit(
                events.APPLICATION_DECIDED,
                events.application_decided(record),
                actor=actor,
                subject=app.id,
                tenant=app.comune_istat,
            )
            _answer_action(tx, actor, app, now)
        window.state, window.approved_at, window.approved_by = WINDOW_APPROVED, now, actor.sub
        window.committed_cents = sum(a.approved_cents or 0 for a in apps)
        return window_record(window, regulation, applications=len(apps))


# -- applications -----------------------------------------------------------------------------
def request_from_action(db: Db, event, data: dict) -> dict | None:
    """``intake.action_requested.v1`` with action_type ``fund_application``: a draft
    application on the case, which an operator completes and files. Answers the action
    ``in_corso``. One transaction caused by ``event`` (redelivery: no-op)."""
    with db.transaction(causation=event) as tx:
        existing = tx.session.scalar(
            select(RentFundApplication).where(RentFundApplication.action_id == data["action_id"])
        )
        if existing is not None:
            return None
        now = datetime.now(UTC)
        app = RentFundApplication(
            id=str(uuid.uuid4()),
            referral_id=data["referral_id"],
            comune_istat=data["comune_istat"],
            action_id=data["action_id"],
            state=DRAFT,
            documents=[],
            created_at=now,
            created_by=event.actor.sub if event.actor else "service:intake",
            source_event_id=event.id,
        )
        tx.session.add(app)
        tx.session.flush()
        _answer_action(tx, event.actor, app, now)
        return application_record(app)


def file_application(db: Db, actor: Actor, data: dict) -> dict:
    """File (or complete a draft of) a household's application to an open window: every
    criterion checked and explained, the grant computed, ``application_submitted`` announced.
    The same ``idempotency_key`` with the same payload returns the first application; with
    another payload ``RentFundIdempotencyKeyReused`` (nothing stored)."""
    permissions.ensure(actor.role, permissions.FILE_RENT_FUND_APPLICATION)
    if not actor.can_see(data["comune_istat"]):
        raise RentFundApplicationNotFound(referral_id=data["referral_id"])
    key = data.get("idempotency_key")
    fingerprint = _fingerprint(data)
    try:
        with db.transaction() as tx:
            if key and (done := _by_key(tx.session, actor, key, fingerprint)):
                return done
            window, regulation = _window_in_scope(tx.session, actor, data["window_id"], lock=True)
            today = _today()
            if window.state != OPEN or not (window.opens_on <= today <= window.closes_on):
                raise RentFundConflict(
                    "the window is not open",
                    reason="window_not_open",
                    opens_on=window.opens_on.isoformat(),
                    closes_on=window.closes_on.isoformat(),
                )
            if data["comune_istat"] not in regulation.comuni:
                raise RentFundInvalid({"comune_istat": [{"code": "comune_not_in_regulation"}]})
            app = _draft_or_new(tx.session, actor, data)
            for name in FACTS:
                setattr(app, name, data.get(name))
            app.documents = list(data.get("documents") or [])
            app.household_size, app.casa_grade = data.get("household_size"), data.get("casa_grade")
            app.window_id, app.regulation_id = window.id, regulation.id
            _check(app, regulation_rules(regulation), today)
            now = datetime.now(UTC)
            app.state, app.submitted_at, app.submitted_by = SUBMITTED, now, actor.sub
            app.idempotency_key, app.idempotency_hash = key, fingerprint if key else None
            tx.session.flush()
            record = application_record(app)
            tx.emit(
                events.APPLICATION_SUBMITTED,
                events.application_submitted(record),
                actor=actor,
                subject=app.id,
                tenant=app.comune_istat,
            )
            return record
    except IntegrityError:
        if key:  # a concurrent call with the same key committed first
            with db.session() as session:
                if done := _by_key(session, actor, key, fingerprint):
                    return done
        raise


def list_for_case(db: Db, actor: Actor, referral_id: str, purpose: str | None = None) -> list:
    """A case's applications (drafts included), newest first; the read is audited."""
    permissions.ensure(actor.role, permissions.READ_RENT_FUND)
    with db.transaction() as tx:
        apps = tx.session.scalars(
            select(RentFundApplication)
            .where(
                RentFundApplication.referral_id == referral_id,
                RentFundApplication.comune_istat.in_(actor.comuni),
            )
            .order_by(RentFundApplication.created_at.desc(), RentFundApplication.id)
        ).all()
        for app in apps:
            _audit(tx.session, actor, "list_rent_fund_applications", app, purpose)
        return [application_record(a) for a in apps]


def record_payment(db: Db, actor: Actor, application_id: str, data: dict) -> dict:
    """A payment (erogato) of an approved application; never above what is left to pay.
    When the payments reach the approved amount the application is ``pagata`` and its project
    action is answered ``completata``."""
    permissions.ensure(actor.role, permissions.MANAGE_RENT_FUND)
    key = data.get("idempotency_key")
    with db.transaction() as tx:
        app = _application_in_scope(tx.session, actor, application_id, lock=True)
        if key and (done := _payment_by_key(tx.session, actor, key)) is not None:
            if (done.application_id, done.amount_cents) != (app.id, data["amount_cents"]):
                raise RentFundIdempotencyKeyReused(idempotency_key=key)
            return application_record(app)  # the same payment asked again: recorded once
        if app.state != APPROVED:
            raise RentFundConflict(
                "only an approved application is paid", reason="not_approved", state=app.state
            )
        left = (app.approved_cents or 0) - app.paid_cents
        if data["amount_cents"] > left:
            raise RentFundInvalid(
                {"amount_cents": [{"code": "above_approved", "available_cents": left}]}
            )
        now = datetime.now(UTC)
        tx.session.add(
            RentFundPayment(
                id=str(uuid.uuid4()),
                application_id=app.id,
                amount_cents=data["amount_cents"],
                paid_on=data["paid_on"],
                paid_to=data.get("paid_to") or "proprietario",
                reference=data.get("reference"),
                recorded_at=now,
                recorded_by=actor.sub,
                idempotency_key=key,
            )
        )
        app.paid_cents += data["amount_cents"]
        if app.paid_cents == app.approved_cents:
            app.state = PAID
            _answer_action(tx, actor, app, now)
        return application_record(app)


def pseudonymise(session: Session, referral_id: str, comune_istat: str) -> int:
    """``intake.case_pseudonymised.v1`` (called in the funds file's transaction): the case's
    applications lose the household's figures and facts (ISEE, protocol, rent, income, lease,
    documents, the criteria's sentences that quote them, the payments' references); the state,
    eligibility, outcomes and amounts granted and paid stay for the fund's accounts."""
    apps = session.scalars(
        select(RentFundApplication).where(
            RentFundApplication.referral_id == referral_id,
            RentFundApplication.comune_istat == comune_istat,
            RentFundApplication.pseudonymised_at.is_(None),
        )
    ).all()
    now = datetime.now(UTC)
    for app in apps:
        for name in FACTS:
            setattr(app, name, [] if name == "documents" else None)
        app.criteria = [{"code": c["code"], "outcome": c["outcome"]} for c in app.criteria or []]
        if app.grant:
            app.grant = {k: v for k, v in app.grant.items() if k != "explanation"}
        app.idempotency_hash = None
        app.pseudonymised_at = now
        for payment in session.scalars(
            select(RentFundPayment).where(RentFundPayment.application_id == app.id)
        ):
            payment.reference = None
    return len(apps)


# -- helpers ----------------------------------------------------------------------------------
def _payment_by_key(session: Session, actor: Actor, key: str) -> RentFundPayment | None:
    return session.scalar(
        select(RentFundPayment).where(
            RentFundPayment.recorded_by == actor.sub, RentFundPayment.idempotency_key == key
        )
    )


ACTION_ANSWER = {  # application state -> (action status, outcome code)
    DRAFT: ("in_corso", "domanda_in_preparazione"),
    APPROVED: ("in_corso", "concesso"),
    NOT_FUNDED: ("completata", "idonea_non_finanziata"),
    EXCLUDED: ("completata", "respinto"),
    PAID: ("completata", "erogato"),
}


def _answer_action(tx, actor, app: RentFundApplication, now: datetime) -> None:
    if app.action_id is None or app.state not in ACTION_ANSWER:
        return
    status, outcome = ACTION_ANSWER[app.state]
    tx.emit(
        events.ACTION_OUTCOME_RECORDED,
        {
            "referral_id": app.referral_id,
            "comune_istat": app.comune_istat,
            "action_id": app.action_id,
            "status": status,
            "outcome": outcome,
            "recorded_at": now.isoformat(),
        },
        actor=actor,
        subject=app.id,
        tenant=app.comune_istat,
    )


def _check(app: RentFundApplication, regulation: rules.Regulation, on: date) -> None:
    facts = rules.Facts(
        **{name: getattr(app, name) for name in FACTS if name != "documents"},
        documents=tuple(app.documents or ()),
    )
    criteria = rules.check_application(regulation, facts, on)
    app.criteria = [c.as_record() for c in criteria]
    app.eligibility = rules.eligibility(criteria)
    grant = rules.compute_grant(regulation, app.monthly_rent_cents)
    app.grant = grant.as_record() if grant else None
    app.grant_cents = grant.amount_cents if grant and app.eligibility == rules.ELIGIBLE else None
    app.checked_on = on


def _candidate(app: RentFundApplication) -> rules.Candidate:
    return rules.Candidate(
        id=app.id,
        eligibility=app.eligibility or rules.INCOMPLETE,
        grant_cents=app.grant_cents,
        isee_cents=app.isee_cents,
        casa_grade=app.casa_grade,
        submitted_at=app.submitted_at,
        rent_burden=rules.rent_burden(
            rules.Facts(
                monthly_rent_cents=app.monthly_rent_cents,
                monthly_net_income_cents=app.monthly_net_income_cents,
            )
        ),
    )


def _draft_or_new(session: Session, actor: Actor, data: dict) -> RentFundApplication:
    if data.get("application_id"):
        app = _application_in_scope(session, actor, data["application_id"], lock=True)
        if app.state != DRAFT or app.referral_id != data["referral_id"]:
            raise RentFundConflict(
                "only a draft of this case is completed", reason="not_a_draft", state=app.state
            )
        return app
    app = RentFundApplication(
        id=str(uuid.uuid4()),
        referral_id=data["referral_id"],
        comune_istat=data["comune_istat"],
        state=DRAFT,
        created_at=datetime.now(UTC),
        created_by=actor.sub,
    )
    session.add(app)
    return app


def _by_key(session: Session, actor: Actor, key: str, fingerprint: str) -> dict | None:
    app = session.scalar(
        select(RentFundApplication).where(
            RentFundApplication.submitted_by == actor.sub,
            RentFundApplication.idempotency_key == key,
        )
    )
    if app is None:
        return None
    if app.idempotency_hash != fingerprint:
        raise RentFundIdempotencyKeyReused(idempotency_key=key)
    return application_record(app)


def _fingerprint(data: dict) -> str:
    canonical = {k: v for k, v in data.items() if k != "idempotency_key"}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode()).hexdigest()


def _covers(regulation: RentFundRegulation, actor: Actor, manage: bool) -> bool:
    """Reading or filing: the regulation covers one of the actor's comuni. Managing (open,
    close, rank, approve: steps that decide every comune's applications): all of them."""
    comuni, mine = set(regulation.comuni), set(actor.comuni)
    return comuni <= mine if manage else bool(comuni & mine)


def _regulation_in_scope(session: Session, actor: Actor, regulation_id: str, manage=False):
    row = session.get(RentFundRegulation, regulation_id)
    if row is None or not _covers(row, actor, manage):
        raise RentFundWindowNotFound(regulation_id=regulation_id)
    return row


def _window_in_scope(
    session: Session, actor: Actor, window_id: str, lock: bool = False, manage: bool = False
):
    window = session.get(RentFundWindow, window_id, with_for_update=lock)
    if window is None:
        raise RentFundWindowNotFound(window_id=window_id)
    regulation = session.get(RentFundRegulation, window.regulation_id)
    if not _covers(regulation, actor, manage):
        raise RentFundWindowNotFound(window_id=window_id)
    return window, regulation


def _application_in_scope(session: Session, actor: Actor, application_id: str, lock=False):
    app = session.get(RentFundApplication, application_id, with_for_update=lock)
    if app is None or app.comune_istat not in actor.comuni:
        raise RentFundApplicationNotFound(application_id=application_id)
    return app


def _expect_state(window: RentFundWindow, *states: str) -> None:
    if window.state not in states:
        raise RentFundConflict(
            "the window is not in the state this step needs",
            reason="window_state",
            state=window.state,
            expected=list(states),
        )


def _audit(session: Session, actor: Actor, action: str, app, purpose=None) -> None:
    audit.record(
        session,
        actor,
        action,
        app.referral_id,
        comune_istat=app.comune_istat,
        purpose=purpose,
        data_set="rent_fund_application",
    )


# -- records ----------------------------------------------------------------------------------
def regulation_record(row: RentFundRegulation) -> dict:
    return {
        "id": row.id,
        "code": row.code,
        "version": row.version,
        "name": row.name,
        "comuni": list(row.comuni),
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "approved_by": row.approved_by,
        "isee_ceiling_cents": row.isee_ceiling_cents,
        "rent_burden_threshold": row.rent_burden_threshold,
        "min_lease_months": row.min_lease_months,
        "residence_required": row.residence_required,
        "excluded_tenures": list(row.excluded_tenures),
        "exclude_eviction_procedure": row.exclude_eviction_procedure,
        "exclude_adequate_dwelling": row.exclude_adequate_dwelling,
        "grant_share": row.grant_share,
        "grant_months": row.grant_months,
        "grant_cap_cents": row.grant_cap_cents,
        "paid_to": row.paid_to,
        "required_documents": list(row.required_documents),
        "ranking": list(row.ranking),
        "ranking_words": rules.ranking_words(row.ranking),
        "legal_references": dict(row.legal_references),
        "to_verify": list(row.unverified),
    }


def window_record(window: RentFundWindow, regulation, applications: int | None = None) -> dict:
    return {
        "id": window.id,
        "regulation_id": window.regulation_id,
        "regulation_name": regulation.name,
        "title": window.title,
        "opens_on": window.opens_on,
        "closes_on": window.closes_on,
        "budget_cents": window.budget_cents,
        "state": window.state,
        "applications": applications,
        "ranking_state": window.ranking_state,
        "ranking_total": window.ranking_total,
        "ranking_done": window.ranking_done,
        "funded_count": window.funded_count,
        "funded_cents": window.funded_cents,
        "approved_at": window.approved_at,
        "committed_cents": window.committed_cents,
    }


def application_record(app: RentFundApplication) -> dict:
    return {
        "id": app.id,
        "referral_id": app.referral_id,
        "comune_istat": app.comune_istat,
        "window_id": app.window_id,
        "regulation_id": app.regulation_id,
        "action_id": app.action_id,
        "state": app.state,
        "household_size": app.household_size,
        "casa_grade": app.casa_grade,
        **{name: getattr(app, name) for name in FACTS if name != "documents"},
        "documents": list(app.documents or []),
        "criteria": app.criteria or [],
        "eligibility": app.eligibility,
        "grant": app.grant,
        "grant_cents": app.grant_cents,
        "checked_on": app.checked_on,
        "submitted_at": app.submitted_at,
        "rank_position": app.rank_position,
        "rank_outcome": app.rank_outcome,
        "approved_cents": app.approved_cents,
        "decided_at": app.decided_at,
        "paid_cents": app.paid_cents,
        "pseudonymised_at": app.pseudonymised_at,
    }
