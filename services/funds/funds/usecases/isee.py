"""Use cases of the ISEE aid on a household's funds file: record a certified ISEE (INPS
attestazione), compute and keep an estimate, list both with the ISEE that applies on a day.

A household is a funds file (the referral, in the actor's comuni): outside the scope it does
not exist. An estimate is stored with the DSU figures, the result with every intermediate
value and the parameters used (value, validity, source, "da verificare"), as computed then:
it reads back identically even after the parameters change. Every read and write is audited in
its transaction; ``intake.case_pseudonymised.v1`` removes the DSU figures, the breakdowns and
the protocol numbers (:func:`pseudonymise`), keeping the ISEE values and dates for the counts.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db
from abitare_chassis.schemas import jsonable

from ..adapters.models import CertifiedIsee, IseeEstimate
from ..domain import permissions
from ..domain.dates import local_date
from ..domain.isee import CERTIFIED, ESTIMATED, certified_valid_on, choose_applicable, estimate_isee
from ..errors import CertifiedIseeDuplicate, CertifiedIseeInvalid
from . import files

CERTIFIED_LABEL = "ISEE certificato"
ESTIMATED_LABEL = "ISEE stimato"


def today() -> date:
    return local_date(datetime.now(UTC))


# -- certified ---------------------------------------------------------------------------------
def check_certified(data: dict) -> None:
    """What the field checks cannot see: :class:`CertifiedIseeInvalid`, nothing stored."""
    errors: dict[str, list[dict]] = {}
    if data["valid_until"] < data["dsu_date"]:
        errors["valid_until"] = [{"code": "date_order"}]
    ise = data.get("ise_cents")
    if ise is not None:
        if data["isee_cents"] > ise:  # the scala is at least 1: ISEE <= ISE
            errors["isee_cents"] = [{"code": "isee_above_ise"}]
        if data.get("isr_cents") is not None and data["isr_cents"] > ise:
            errors["isr_cents"] = [{"code": "isr_above_ise"}]
    if errors:
        raise CertifiedIseeInvalid(errors)


def record_certified_isee(db: Db, actor: Actor, referral_id: str, data: dict) -> dict:
    """Record an attestazione (see :class:`funds.schemas.CertifiedIseeIn`) on the household's
    file; the same DSU protocol twice for a household is :class:`CertifiedIseeDuplicate`."""
    permissions.ensure(actor.role, permissions.RECORD_ISEE)
    check_certified(data)
    try:
        with db.transaction() as tx:
            file = files.writable_file(tx.session, actor, referral_id)
            _refuse_duplicate(tx.session, file.referral_id, data["protocol"])
            row = CertifiedIsee(
                id=str(uuid.uuid4()),
                referral_id=file.referral_id,
                comune_istat=file.comune_istat,
                protocol=data["protocol"],
                kind=data["kind"],
                regime=data["regime"],
                isee_cents=data["isee_cents"],
                ise_cents=data.get("ise_cents"),
                isr_cents=data.get("isr_cents"),
                isp_cents=data.get("isp_cents"),
                scale=_scale_text(data.get("scale")),
                dsu_date=data["dsu_date"],
                valid_until=data["valid_until"],
                recorded_at=datetime.now(UTC),
                recorded_by=actor.sub,
            )
            tx.session.add(row)
            tx.session.flush()  # the unique (referral, protocol) decides a race here
            audit.record(
                tx.session,
                actor,
                "record_certified_isee",
                file.referral_id,
                comune_istat=file.comune_istat,
                data_set="isee_certified",
            )
    except IntegrityError:
        raise CertifiedIseeDuplicate({"protocol": [{"code": "certified_isee_duplicate"}]}) from None
    return certified_record(row)


def _refuse_duplicate(session, referral_id: str, protocol: str) -> None:
    found = session.scalar(
        select(CertifiedIsee.id).where(
            CertifiedIsee.referral_id == referral_id, CertifiedIsee.protocol == protocol
        )
    )
    if found is not None:
        raise CertifiedIseeDuplicate({"protocol": [{"code": "certified_isee_duplicate"}]})


def _scale_text(value) -> str | None:
    return None if value is None else str(value)


# -- estimates ---------------------------------------------------------------------------------
def estimate_and_store(db: Db, actor: Actor, referral_id: str, data: dict) -> dict:
    """Estimate ISE and ISEE from ``data["dsu"]`` (see :class:`funds.schemas.IseeEstimateIn`)
    with the parameters valid on ``computed_on`` (today by default) for ``regime``, and keep it
    on the household's file with what it was computed from. Impossible figures:
    :class:`funds.errors.IseeInputInvalid`, nothing stored."""
    permissions.ensure(actor.role, permissions.RECORD_ISEE)
    on = data.get("computed_on") or today()
    regime = data["regime"]
    result = jsonable(estimate_isee(data["dsu"], on, regime))
    parameters = result.pop("parameters")
    with db.transaction() as tx:
        file = files.writable_file(tx.session, actor, referral_id)
        row = IseeEstimate(
            id=str(uuid.uuid4()),
            referral_id=file.referral_id,
            comune_istat=file.comune_istat,
            computed_on=on,
            regime=regime,
            dsu=jsonable(data["dsu"]),
            result=result,
            parameters=parameters,
            to_verify=result["to_verify"],
            isee_cents=result["isee_cents"],
            ise_cents=result["ise_cents"],
            isr_cents=result["isr"]["isr_cents"],
            isp_cents=result["isp"]["isp_cents"],
            scale=result["scale"]["total"],
            created_at=datetime.now(UTC),
            created_by=actor.sub,
        )
        tx.session.add(row)
        audit.record(
            tx.session,
            actor,
            "estimate_isee",
            file.referral_id,
            comune_istat=file.comune_istat,
            data_set="isee_estimate",
        )
    return estimate_record(row)


# -- reading -----------------------------------------------------------------------------------
def list_isee(
    db: Db, actor: Actor, referral_id: str, on: date | None = None, purpose: str | None = None
) -> dict:
    """The household's certified ISEEs and estimates (newest first) and the one that applies
    on ``on`` (today by default): a certified ISEE valid that day beats any estimate."""
    permissions.ensure(actor.role, permissions.READ_ISEE)
    on = on or today()
    with db.transaction() as tx:
        file = files._file_in_scope(tx.session, actor, referral_id)
        certified = tx.session.scalars(
            select(CertifiedIsee)
            .where(CertifiedIsee.referral_id == file.referral_id)
            .order_by(CertifiedIsee.recorded_at)
        ).all()
        estimates = tx.session.scalars(
            select(IseeEstimate)
            .where(IseeEstimate.referral_id == file.referral_id)
            .order_by(IseeEstimate.created_at)
        ).all()
        audit.record(
            tx.session,
            actor,
            "list_isee",
            file.referral_id,
            comune_istat=file.comune_istat,
            purpose=purpose,
            data_set="isee",
        )
    certified_records = [certified_record(c, on) for c in certified]
    estimate_records = [estimate_record(e) for e in estimates]
    return {
        "referral_id": file.referral_id,
        "on": on,
        "applicable": applicable(certified_records, estimate_records, on),
        "certified": certified_records[::-1],
        "estimates": estimate_records[::-1],
    }


def applicable(certified: list[dict], estimates: list[dict], on: date) -> dict | None:
    """:func:`funds.domain.isee.choose_applicable` over the stored records (oldest first: a tie
    on the day goes to the one recorded last)."""
    chosen = choose_applicable(
        [{**c, "id": i, "issued_on": c["dsu_date"]} for i, c in enumerate(certified)],
        [{**e, "id": i} for i, e in enumerate(estimates)],
        on,
    )
    if chosen is None:
        return None
    records = certified if chosen["kind"] == CERTIFIED else estimates
    return {**chosen, "record": records[chosen["record"]["id"]]}


def _figures(row, source: str, label: str) -> dict:
    """What a certified ISEE and an estimate both say."""
    return {
        "id": row.id,
        "referral_id": row.referral_id,
        "comune_istat": row.comune_istat,
        "source": source,
        "label": label,
        "regime": row.regime,
        "isee_cents": row.isee_cents,
        "ise_cents": row.ise_cents,
        "isr_cents": row.isr_cents,
        "isp_cents": row.isp_cents,
        "scale": row.scale,
        "pseudonymised_at": row.pseudonymised_at,
    }


def certified_record(row: CertifiedIsee, on: date | None = None) -> dict:
    record = {
        **_figures(row, CERTIFIED, CERTIFIED_LABEL),
        "protocol": row.protocol,
        "kind": row.kind,
        "dsu_date": row.dsu_date,
        "valid_until": row.valid_until,
        "recorded_at": row.recorded_at,
        "recorded_by": row.recorded_by,
    }
    record["valid"] = certified_valid_on(
        {"issued_on": row.dsu_date, "valid_until": row.valid_until}, on or today()
    )
    return record


def estimate_record(row: IseeEstimate) -> dict:
    return {
        **_figures(row, ESTIMATED, ESTIMATED_LABEL),
        "computed_on": row.computed_on,
        "to_verify": row.to_verify,
        "dsu": row.dsu,
        "result": row.result,
        "parameters": row.parameters,
        "created_at": row.created_at,
        "created_by": row.created_by,
    }


# -- pseudonymisation --------------------------------------------------------------------------
def pseudonymise(session, referral_id: str, comune_istat: str, now: datetime) -> int:
    """In the caller's transaction (``intake.case_pseudonymised.v1``): remove the household's
    DSU figures, breakdowns and protocol numbers; the ISEE values, kinds and dates stay for the
    counts. How many records were pseudonymised now."""
    done = 0
    for model, personal in (
        (CertifiedIsee, ("protocol", "ise_cents", "isr_cents", "isp_cents", "scale")),
        (IseeEstimate, ("dsu", "result", "ise_cents", "isr_cents", "isp_cents", "scale")),
    ):
        for row in session.scalars(
            select(model).where(
                model.referral_id == referral_id,
                model.comune_istat == comune_istat,
                model.pseudonymised_at.is_(None),
            )
        ):
            for name in personal:
                setattr(row, name, None)
            row.pseudonymised_at = now
            done += 1
    return done
