"""Use cases on funds files: open one from a referral, read it, count them, say who read it.
Reads are always scoped by the actor's comuni; a file outside the scope does not exist for that
actor. Every read of a file is audited in its transaction (``abitare_chassis.audit``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import func, select

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.outbox import forget_published

from ..adapters.models import FundsFile
from ..domain import permissions
from ..domain.affordability import check_affordability
from ..domain.dates import local_date
from ..errors import FundsFileNotFound, FundsFilePseudonymised
from . import arrears_relief, isee, rent_fund

log = logging.getLogger(__name__)


def open_funds_file(db: Db, referral: dict, event) -> dict | None:
    """Open the file of ``referral`` (see :func:`funds.schemas.read_referral`) with its first
    affordability check, in one transaction caused by ``event``. Returns the new file's record,
    or None if the referral already has a file (a redelivered event raises the chassis
    ``AlreadyHandled`` before anything is written)."""
    with db.transaction(causation=event) as tx:
        exists = tx.session.scalar(
            select(FundsFile.id).where(FundsFile.referral_id == referral["referral_id"])
        )
        if exists is not None:
            log.info("funds file of referral %s already open", referral["referral_id"])
            return None
        now = datetime.now(UTC)
        received_at = referral.get("received_at")
        assessed_on = local_date(received_at or now)
        economics = referral.get("economics") or {}
        check = check_affordability(
            economics.get("monthly_rent_cents"),
            economics.get("monthly_net_income_cents"),
            on=assessed_on,
        )
        threshold = check.threshold
        file = FundsFile(
            referral_id=referral["referral_id"],
            comune_istat=referral["comune_istat"],
            household_size=(referral.get("household") or {}).get("size"),
            monthly_net_income_cents=check.monthly_net_income_cents,
            monthly_rent_cents=check.monthly_rent_cents,
            referral_received_at=received_at,
            opened_at=now,
            assessed_on=assessed_on,
            rent_to_income_ratio=_text(check.rent_to_income_ratio),
            threshold=_text(threshold.value) if threshold else None,
            threshold_valid_from=threshold.valid_from if threshold else None,
            threshold_source=threshold.source if threshold else None,
            outcome=check.outcome,
            explanation=check.explanation,
            source_event_id=event.id,
        )
        tx.session.add(file)
    return funds_file_record(file)


PSEUDONYMISED_EXPLANATION = (
    "Importi rimossi alla pseudonimizzazione del caso (conservazione scaduta): restano "
    "l'esito, il rapporto canone/reddito e la soglia applicata."
)


def pseudonymise_funds_file(db: Db, keys: dict, event) -> bool:
    """``intake.case_pseudonymised.v1``: remove the household's amounts from its file (the
    outcome, ratio and threshold stay for the counts) and from its ISEE records
    (:func:`.isee.pseudonymise`), and forget the published events about
    it, in one transaction caused by ``event``. True if a file was pseudonymised now."""
    with db.transaction(causation=event) as tx:
        file = tx.session.scalar(
            select(FundsFile).where(
                FundsFile.referral_id == keys["referral_id"],
                FundsFile.comune_istat == keys["comune_istat"],
            )
        )
        forget_published(tx.session, db.outbox, keys["referral_id"])
        isee.pseudonymise(tx.session, keys["referral_id"], keys["comune_istat"], datetime.now(UTC))
        arrears_relief.pseudonymise_arrears(tx.session, keys)  # its arrears file too
        from . import guarantee  # (imports this module) the case's covers, same transaction

        guarantee.pseudonymise(tx.session, keys["referral_id"], keys["comune_istat"])
        rent_fund.pseudonymise(tx.session, keys["referral_id"], keys["comune_istat"])
        if file is None or file.pseudonymised_at is not None:
            return False
        file.monthly_net_income_cents = file.monthly_rent_cents = None
        file.explanation = PSEUDONYMISED_EXPLANATION
        file.pseudonymised_at = datetime.now(UTC)
    log.info("funds file of referral %s pseudonymised", keys["referral_id"])
    return True


def get_funds_file(db: Db, actor: Actor, referral_id: str, purpose: str | None = None) -> dict:
    """The file (income, rent: personal data), its read audited in the same transaction."""
    permissions.ensure(actor.role, permissions.READ_FILE)
    with db.transaction() as tx:
        file = _file_in_scope(tx.session, actor, referral_id)
        audit.record(
            tx.session,
            actor,
            "get_funds_file",
            file.referral_id,
            comune_istat=file.comune_istat,
            purpose=purpose,
            data_set="funds_file",
        )
    return funds_file_record(file)


def list_audit(db: Db, actor: Actor, referral_id: str) -> list[dict]:
    """Who read the funds file of ``referral_id``, oldest first (coordinators)."""
    permissions.ensure(actor.role, permissions.READ_AUDIT)
    with db.session() as session:
        file = _file_in_scope(session, actor, referral_id)
        return audit.trail(session, actor, file.referral_id)


def _file_in_scope(session, actor: Actor, referral_id: str) -> FundsFile:
    file = session.scalar(
        select(FundsFile).where(
            FundsFile.referral_id == referral_id, FundsFile.comune_istat.in_(actor.comuni)
        )
    )
    if file is None:
        raise FundsFileNotFound(referral_id=referral_id)
    return file


def writable_file(session, actor: Actor, referral_id: str) -> FundsFile:
    """The file in scope, refusing a pseudonymised case: nothing personal is added after it."""
    file = _file_in_scope(session, actor, referral_id)
    if file.pseudonymised_at is not None:
        raise FundsFilePseudonymised(referral_id=referral_id)
    return file


def count_files(db: Db, actor: Actor) -> int:
    permissions.ensure(actor.role, permissions.COUNT_FILES)
    with db.session() as session:
        return session.scalar(
            select(func.count())
            .select_from(FundsFile)
            .where(FundsFile.comune_istat.in_(actor.comuni))
        )


def funds_file_record(file: FundsFile) -> dict:
    """What the service answers about a file: dates and aware datetimes, ``jsonable`` at the
    edge."""
    return {
        "referral_id": file.referral_id,
        "comune_istat": file.comune_istat,
        "household_size": file.household_size,
        "opened_at": file.opened_at,
        "pseudonymised_at": file.pseudonymised_at,
        "affordability": {
            "monthly_rent_cents": file.monthly_rent_cents,
            "monthly_net_income_cents": file.monthly_net_income_cents,
            "rent_to_income_ratio": file.rent_to_income_ratio,
            "threshold": file.threshold,
            "threshold_valid_from": file.threshold_valid_from,
            "threshold_source": file.threshold_source,
            "assessed_on": file.assessed_on,
            "outcome": file.outcome,
            "explanation": file.explanation,
        },
    }


def _text(value) -> str | None:
    return None if value is None else str(value)
