"""Use cases on the inventory: register and list dwellings, change their state, propose the ones
that fit a household (``domain.matching``), place a household in one and end the stay.

Every query is scoped by the actor's comuni: a dwelling elsewhere does not exist for the actor.
Placements name a household (its referral): only roles with ``PLACE`` see them. A placement
takes the dwelling with one conditional UPDATE (``disponibile`` → ``occupata``), so of two
operators placing into the same free dwelling at once exactly one succeeds; the other gets
``DwellingNotAvailable`` and nothing is written for it.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from abitare_chassis import audit
from abitare_chassis.actor import Actor
from abitare_chassis.database import Db

from ..adapters.models import Dwelling, Placement
from ..domain import permissions
from ..domain.capacity import OTHER, Person, Placed, check_capacity
from ..domain.dwellings import (
    AVAILABLE,
    EXIT_DESTINATIONS,
    OCCUPIED,
    RETIRED,
    dwelling_problems,
    transition_problems,
)
from ..domain.inputs import Problems
from ..domain.matching import Household, Unit, match_units
from ..errors import (
    DwellingChanged,
    DwellingExists,
    DwellingInvalid,
    DwellingNotAvailable,
    DwellingNotFound,
    HousingRuleInputInvalid,
    PlacementNotFound,
    PlacementRefused,
)

log = logging.getLogger(__name__)

PLACEMENT_STARTED = "placement_started"  # housing_stock.placement_started.v1
PLACEMENT_ENDED = "placement_ended"  # housing_stock.placement_ended.v1

FIELDS = (
    "code",
    "tenure",
    "owner",
    "comune_istat",
    "comune_name",
    "address",
    "bedrooms",
    "area_m2",
    "floor",
    "lift",
    "step_free",
    "monthly_rent_cents",
    "monthly_charges_cents",
    "note",
)


def register_dwelling(db: Db, actor: Actor, data: dict, on: date) -> dict:
    """Add a dwelling (state ``disponibile`` unless ``data["state"]`` says otherwise)."""
    permissions.ensure(actor.role, permissions.MANAGE_DWELLINGS)
    problems = dwelling_problems(data, actor.comuni)
    if problems:
        raise DwellingInvalid(problems)
    values = {field: data.get(field) for field in FIELDS}
    values.update(
        comune_name=data.get("comune_name") or data["comune_istat"],
        lift=bool(data.get("lift")),
        step_free=bool(data.get("step_free")),
        monthly_rent_cents=data.get("monthly_rent_cents") or 0,
        monthly_charges_cents=data.get("monthly_charges_cents") or 0,
    )
    dwelling = Dwelling(
        **values,
        version=0,
        state=data.get("state") or AVAILABLE,
        state_since=on,
        registered_at=datetime.now(UTC),
    )
    try:
        with db.transaction() as tx:
            tx.session.add(dwelling)
    except IntegrityError:
        raise DwellingExists(code=data["code"]) from None
    return dwelling_record(dwelling)


def list_dwellings(
    db: Db,
    actor: Actor,
    comune_istat: str | None = None,
    tenure: str | None = None,
    state: str | None = None,
    min_bedrooms: int | None = None,
    step_free: bool | None = None,
) -> list[dict]:
    """The dwellings of the actor's comuni matching the filters, by comune then code."""
    permissions.ensure(actor.role, permissions.READ_DWELLINGS)
    query = select(Dwelling).where(Dwelling.comune_istat.in_(actor.comuni))
    if comune_istat is not None:
        query = query.where(Dwelling.comune_istat == comune_istat)
    if tenure is not None:
        query = query.where(Dwelling.tenure == tenure)
    if state is not None:
        query = query.where(Dwelling.state == state)
    if min_bedrooms is not None:
        query = query.where(Dwelling.bedrooms >= min_bedrooms)
    if step_free is not None:
        query = query.where(Dwelling.step_free == step_free)
    with db.session() as session:
        rows = session.scalars(query.order_by(Dwelling.comune_istat, Dwelling.code)).all()
    return [dwelling_record(d) for d in rows]


def get_dwelling(db: Db, actor: Actor, code: str) -> dict:
    """The dwelling; with its placements for the roles that place households."""
    permissions.ensure(actor.role, permissions.READ_DWELLINGS)
    with db.transaction() as tx:
        dwelling = dwelling_in_scope(tx.session, actor, code)
        record = dwelling_record(dwelling)
        if permissions.may(actor.role, permissions.PLACE):
            placements = tx.session.scalars(
                select(Placement)
                .where(Placement.dwelling_id == dwelling.id)
                .order_by(Placement.starts_on, Placement.id)
            ).all()
            record["placements"] = [placement_record(p, code) for p in placements]
            for p in placements:  # each household's stay read: on its case's Accessi
                audit.record(
                    tx.session,
                    actor,
                    "get_dwelling",
                    p.referral_id,
                    comune_istat=dwelling.comune_istat,
                    data_set="placement",
                )
    return record


def change_state(db: Db, actor: Actor, code: str, state: str, on: date) -> dict:
    """Move a dwelling to ``state`` (works, unassignable, retired, back to available). Occupied
    and its end go through :func:`place` and :func:`end_placement` only."""
    permissions.ensure(actor.role, permissions.MANAGE_DWELLINGS)
    with db.transaction() as tx:
        dwelling = dwelling_in_scope(tx.session, actor, code, lock=True)
        if OCCUPIED in (state, dwelling.state):
            raise DwellingInvalid({"state": [{"code": "dwelling_state_by_placement"}]})
        problems = transition_problems(dwelling.state, state)
        if problems:
            raise DwellingInvalid(problems)
        hosting = tx.session.scalar(
            select(Placement.id).where(
                Placement.dwelling_id == dwelling.id, Placement.ended_on.is_(None)
            )
        )
        if hosting is not None and state != AVAILABLE:  # a shared flat with households in it
            raise DwellingInvalid({"state": [{"code": "dwelling_state_by_placement"}]})
        dwelling.state, dwelling.state_since = state, on
        dwelling.version += 1
    log.info("dwelling %s now %s", code, state)
    return dwelling_record(dwelling)


def propose_dwellings(db: Db, actor: Actor, household: dict, on: date) -> dict:
    """The dwellings of the actor's comuni ranked for ``household`` (size, monthly net income,
    comune, step-free need, acceptable comuni), with the excluded ones and why."""
    permissions.ensure(actor.role, permissions.PLACE)
    wanted = Household(
        size=household["size"],
        monthly_net_income_cents=household.get("monthly_net_income_cents"),
        comune_istat=household["comune_istat"],
        needs_step_free=bool(household.get("needs_step_free")),
        acceptable_comuni=tuple(household.get("acceptable_comuni") or ()),
    )
    with db.session() as session:
        rows = session.scalars(
            select(Dwelling)
            .where(Dwelling.comune_istat.in_(actor.comuni), Dwelling.state != RETIRED)
            .order_by(Dwelling.code)
        ).all()
    units = [
        Unit(
            unit_id=d.code,
            kind=d.tenure,
            comune_istat=d.comune_istat,
            comune_name=d.comune_name,
            bedrooms=d.bedrooms,
            area_m2=d.area_m2,
            monthly_rent_cents=d.monthly_rent_cents,
            monthly_charges_cents=d.monthly_charges_cents,
            step_free=d.step_free,
            available=d.state == AVAILABLE,
        )
        for d in rows
    ]
    result = match_units(wanted, units, on)

    def record(match) -> dict:
        return {
            "code": match.unit.unit_id,
            "rank": match.rank,
            "suitable": match.suitable,
            # a decimal string ("0.2800"): exact, and plain JSON
            "rent_to_income": None if match.rent_to_income is None else str(match.rent_to_income),
            "reasons": list(match.reasons),
            "to_verify": match.to_verify,
        }

    return {
        "ranked": [record(m) for m in result.ranked],
        "excluded": [record(m) for m in result.excluded],
    }


def place(
    db: Db,
    actor: Actor,
    code: str,
    referral_id: str,
    household_size: int | None,
    starts_on: date,
    max_end_on: date | None = None,
    people: list[dict] | None = None,
) -> dict:
    """Place the household of ``referral_id`` in the dwelling ``code``. A dwelling without
    capacity rules hosts one household: it becomes ``occupata``. A temporary apartment with
    rules (``domain.capacity``) needs the household's ``people`` (``{"sex", "age"}`` each, the
    age on ``starts_on``; only the household's type and size are kept) and stays ``disponibile``
    until its beds are full. Either way the dwelling's version moves in the same conditional
    UPDATE, so of two placements read against the same state only the first commits."""
    permissions.ensure(actor.role, permissions.PLACE)
    problems = Problems()
    problems.at_least("household_size", household_size, 1)
    problems.date_order("max_end_on", starts_on, max_end_on)
    if problems.fields:
        raise DwellingInvalid(problems.fields)
    with db.transaction() as tx:
        dwelling = dwelling_in_scope(tx.session, actor, code)
        if dwelling.state != AVAILABLE:
            raise DwellingNotAvailable(code=code, state=dwelling.state)
        kind, size, state = None, household_size, OCCUPIED
        if dwelling.capacity_rules:
            kind, size, state = _admit(tx.session, dwelling, people)
        if size is None:
            raise DwellingInvalid({"household_size": [{"code": "required"}]})
        take(tx.session, dwelling, state, starts_on)
        placement = Placement(
            dwelling_id=dwelling.id,
            referral_id=referral_id,
            household_size=size,
            household_type=kind,
            starts_on=starts_on,
            max_end_on=max_end_on,
            created_at=datetime.now(UTC),
            created_by=actor.sub,
        )
        tx.session.add(placement)
        tx.session.flush()  # the placement's id, for the event
        tx.emit(
            PLACEMENT_STARTED,
            placement_event(placement, dwelling),
            actor=actor,
            subject=referral_id,
            tenant=dwelling.comune_istat,
        )
    log.info("referral %s placed in dwelling %s", referral_id, code)
    return placement_record(placement, code)


def take(session, dwelling: Dwelling, state: str, since: date) -> None:
    """Move the free ``dwelling`` to ``state`` in one conditional UPDATE on its version, or raise
    :class:`DwellingChanged` when another transaction changed it since it was read."""
    taken = session.execute(
        update(Dwelling)
        .where(
            Dwelling.id == dwelling.id,
            Dwelling.version == dwelling.version,
            Dwelling.state == AVAILABLE,
        )
        .values(
            state=state,
            state_since=since if state != dwelling.state else dwelling.state_since,
            version=dwelling.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise DwellingChanged(code=dwelling.code)


def _admit(session, dwelling: Dwelling, people: list[dict] | None) -> tuple[str, int, str]:
    """The household's type and size if the apartment's rules admit it, and the dwelling's
    state after it (``occupata`` when the beds are full)."""
    if not people:
        raise DwellingInvalid({"people": [{"code": "required"}]})
    candidate = tuple(Person(p.get("sex"), p.get("age")) for p in people)
    open_placements = session.execute(
        select(Placement.household_type, Placement.household_size).where(
            Placement.dwelling_id == dwelling.id, Placement.ended_on.is_(None)
        )
    ).all()
    placed = [Placed(kind or OTHER, size) for kind, size in open_placements]
    try:
        check = check_capacity(dwelling.capacity_rules, placed, candidate)
    except HousingRuleInputInvalid as error:
        raise DwellingInvalid(error.errors) from None
    if not check.admitted:
        raise PlacementRefused(
            code=dwelling.code,
            rules=[rule for rule, _ in check.refusals],
            reasons=[reason for _, reason in check.refusals],
        )
    beds = next((r["max"] for r in dwelling.capacity_rules if r["rule"] == "beds"), None)
    people_after = sum(size for _, size in open_placements) + len(candidate)
    full = beds is not None and people_after >= beds
    return check.household_type, len(candidate), OCCUPIED if full else AVAILABLE


def end_placement(
    db: Db, actor: Actor, placement_id: int, ended_on: date, destination: str
) -> dict:
    """The exit: the stay ends on ``ended_on`` towards ``destination``; the dwelling is free."""
    permissions.ensure(actor.role, permissions.PLACE)
    with db.transaction() as tx:
        found = tx.session.execute(
            select(Placement, Dwelling)
            .join(Dwelling, Dwelling.id == Placement.dwelling_id)
            .where(
                Placement.id == placement_id,
                Placement.ended_on.is_(None),
                Dwelling.comune_istat.in_(actor.comuni),
            )
            .with_for_update()  # two exits of one stay: the second waits, then finds it ended
        ).first()
        if found is None:
            raise PlacementNotFound(placement_id=placement_id)
        placement, dwelling = found
        problems = Problems()
        problems.one_of("destination", destination, EXIT_DESTINATIONS)
        problems.date_order("ended_on", placement.starts_on, ended_on)
        if problems.fields:
            raise DwellingInvalid(problems.fields)
        placement.ended_on, placement.exit_destination = ended_on, destination
        if dwelling.state == OCCUPIED:  # a retired or closed dwelling stays so
            dwelling.state, dwelling.state_since = AVAILABLE, ended_on
        dwelling.version += 1
        tx.emit(
            PLACEMENT_ENDED,
            placement_event(placement, dwelling)
            | {"ended_on": ended_on.isoformat(), "exit_destination": destination},
            actor=actor,
            subject=placement.referral_id,
            tenant=dwelling.comune_istat,
        )
    log.info("placement %s ended (%s)", placement_id, destination)
    return placement_record(placement, dwelling.code)


def dwelling_in_scope(session, actor: Actor, code: str, lock: bool = False) -> Dwelling:
    query = select(Dwelling).where(Dwelling.code == code, Dwelling.comune_istat.in_(actor.comuni))
    dwelling = session.scalar(query.with_for_update() if lock else query)
    if dwelling is None:
        raise DwellingNotFound(code=code)
    return dwelling


def dwelling_record(d: Dwelling) -> dict:
    return {field: getattr(d, field) for field in FIELDS} | {
        "capacity_rules": d.capacity_rules,
        "state": d.state,
        "state_since": d.state_since,
        "registered_at": d.registered_at,
    }


def placement_event(p: Placement, d: Dwelling) -> dict:
    """The data of ``housing_stock.placement_started.v1`` (and the start of ``_ended``)."""
    return {
        "placement_id": p.id,
        "dwelling_code": d.code,
        "tenure": d.tenure,
        "comune_istat": d.comune_istat,
        "referral_id": p.referral_id,
        "household_size": p.household_size,
        "household_type": p.household_type,
        "starts_on": p.starts_on.isoformat(),
        "max_end_on": p.max_end_on.isoformat() if p.max_end_on else None,
    }


def placement_record(p: Placement, code: str) -> dict:
    return {
        "id": p.id,
        "dwelling_code": code,
        "referral_id": p.referral_id,
        "household_size": p.household_size,
        "household_type": p.household_type,
        "starts_on": p.starts_on,
        "max_end_on": p.max_end_on,
        "ended_on": p.ended_on,
        "exit_destination": p.exit_destination,
        "created_by": p.created_by,
    }
