"""Cohort calendars: the rhythm, the generated days, manual overrides, and reading them.

The days of a cohort are generated from its rhythm between the cohort's start and end dates
(``calendar_generation`` holds the rules). A day changed by hand is ``overridden`` and kept as
it is by every later generation, unless it falls outside the cohort's dates. Generation writes
in bulk and is audited once (``calendar_generated`` on the cohort, with counts), not per day.

Cohorts are reference data: every member of the organisation reads their calendar; the CFA
office (admin, coordinator, staff) changes it."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.models import CalendarDay, Cohort, CohortRhythm
from app.models.base import new_id, utcnow
from app.schemas.calendar import GenerationResult, RhythmIn
from app.services import audit, records
from app.services.calendar_generation import Rhythm, generate
from app.services.cohorts import WRITERS, cohorts

# An explicit ``from``..``to`` pair spans at most this many days: two school years and a margin.
MAX_RANGE_DAYS = 800
_CHUNK = 500  # ids per DELETE ... IN (...), well below every engine's parameter limit


async def cohort_for_read(session: AsyncSession, principal: Principal, cohort_id: str) -> Cohort:
    return await cohorts.get(session, principal, cohort_id)


async def cohort_for_write(session: AsyncSession, principal: Principal, cohort_id: str) -> Cohort:
    cohort = await cohorts.get(session, principal, cohort_id)
    if not principal.has_any(WRITERS):
        raise Forbidden("Your role may not change cohort calendars.")
    return cohort


def resolve_range(
    start: date | None, end: date | None, default_start: date, default_end: date
) -> tuple[date, date]:
    """Missing bounds default to the subject's own dates (data-bounded); an explicit pair must
    be in order and span at most ``MAX_RANGE_DAYS``."""
    if start is not None and end is not None:
        if end < start:
            raise ValidationFailed.on(["query", "to"], "`to` is before `from`.")
        if (end - start).days >= MAX_RANGE_DAYS:
            raise ValidationFailed.on(
                ["query", "to"], f"Ask for at most {MAX_RANGE_DAYS} days at once."
            )
    return start or default_start, end or default_end


# --- rhythm ----------------------------------------------------------------------------------
async def find_rhythm(session: AsyncSession, cohort: Cohort) -> CohortRhythm | None:
    return await session.scalar(
        select(CohortRhythm).where(
            CohortRhythm.organisation_id == cohort.organisation_id,
            CohortRhythm.cohort_id == cohort.id,
        )
    )


async def get_rhythm(session: AsyncSession, principal: Principal, cohort_id: str) -> CohortRhythm:
    rhythm = await find_rhythm(session, await cohort_for_read(session, principal, cohort_id))
    if rhythm is None:
        raise NotFound(f"The cohort {cohort_id!r} has no rhythm yet.")
    return rhythm


def rhythm_values(data: RhythmIn) -> dict[str, Any]:
    """Check what the schema alone cannot, naming each faulty field; the columns to write."""
    errors: list[dict[str, Any]] = []

    def fault(loc: list[str | int], msg: str) -> None:
        errors.append({"loc": ["body", *loc], "msg": msg, "type": "value_error"})

    if data.kind == "weekly" and not data.cfa_weekdays:
        fault(["cfa_weekdays"], "A weekly rhythm needs at least one CFA weekday (0 = Monday).")
    if data.kind == "cycle":
        if not data.cycle:
            fault(["cycle"], "A cycle rhythm needs at least one week (`cfa` or `company`).")
        if data.cycle_anchor is None:
            fault(["cycle_anchor"], "A cycle rhythm needs the Monday its first week starts on.")
        elif data.cycle_anchor.weekday() != 0:
            fault(["cycle_anchor"], "The cycle anchor must be a Monday.")
    for index, closure in enumerate(data.closures):
        if closure.to < closure.from_:
            fault(["closures", index, "to"], "A closure cannot end before it starts.")
    if errors:
        raise ValidationFailed("The rhythm is not valid.", errors=errors)
    cycle = data.kind == "cycle"
    return {
        "kind": data.kind,
        "cfa_weekdays": sorted(set(data.cfa_weekdays)),
        "cycle": list(data.cycle) if cycle else [],
        "cycle_anchor": data.cycle_anchor if cycle else None,
        "closures": [c.model_dump(mode="json", by_alias=True) for c in data.closures],
        "holiday_zone": data.holiday_zone,
    }


def as_rhythm(row: CohortRhythm) -> Rhythm:
    return Rhythm.from_stored(
        row.kind, row.cfa_weekdays, row.cycle, row.cycle_anchor, row.closures, row.holiday_zone
    )


async def put_rhythm(
    session: AsyncSession,
    principal: Principal,
    cohort_id: str,
    data: RhythmIn,
    expected_version: int | None,
) -> tuple[CohortRhythm, bool]:
    """Create or replace the rhythm, then regenerate the days. True when created."""
    cohort = await cohort_for_write(session, principal, cohort_id)
    values = rhythm_values(data)
    rhythm = await find_rhythm(session, cohort)
    created = rhythm is None
    if rhythm is None:
        rhythm = await records.create(
            session, principal, CohortRhythm(cohort_id=cohort.id, **values), "cohort_rhythm"
        )
    else:
        await records.update(
            session, principal, rhythm, values, "cohort_rhythm", expected_version=expected_version
        )
    await _generate(session, principal, cohort, rhythm)
    return rhythm, created


# --- generation ------------------------------------------------------------------------------
async def regenerate(
    session: AsyncSession, principal: Principal, cohort_id: str
) -> GenerationResult:
    cohort = await cohort_for_write(session, principal, cohort_id)
    rhythm = await find_rhythm(session, cohort)
    if rhythm is None:
        raise Conflict("The cohort has no rhythm yet: PUT its rhythm first.")
    return await _generate(session, principal, cohort, rhythm)


async def _generate(
    session: AsyncSession, principal: Principal, cohort: Cohort, rhythm: CohortRhythm
) -> GenerationResult:
    wanted = {g.day: g for g in generate(as_rhythm(rhythm), cohort.start_date, cohort.end_date)}
    existing = await session.execute(
        select(
            CalendarDay.id,
            CalendarDay.day,
            CalendarDay.kind,
            CalendarDay.note,
            CalendarDay.overridden,
        )
        .where(CalendarDay.organisation_id == cohort.organisation_id)
        .where(CalendarDay.cohort_id == cohort.id)
    )
    stale: list[str] = []
    kinds: Counter[str] = Counter()
    kept: set[date] = set()
    overridden = removed = 0
    for row_id, day, kind, note, is_overridden in existing:
        target = wanted.get(day)
        if target is None:  # outside the cohort's dates now: gone, overrides too
            stale.append(row_id)
            removed += 1
        elif is_overridden or (kind, note) == (target.kind, target.note):
            kept.add(day)
            kinds[kind] += 1
            overridden += int(is_overridden)
        else:
            stale.append(row_id)
    for start in range(0, len(stale), _CHUNK):
        await session.execute(
            delete(CalendarDay).where(CalendarDay.id.in_(stale[start : start + _CHUNK])),
            execution_options={"synchronize_session": False},
        )
    now = utcnow()
    fresh = [g for day, g in wanted.items() if day not in kept]
    if fresh:
        await session.execute(
            insert(CalendarDay),
            [
                {
                    "id": new_id(),
                    "organisation_id": cohort.organisation_id,
                    "cohort_id": cohort.id,
                    "day": g.day,
                    "kind": g.kind,
                    "note": g.note,
                    "overridden": False,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for g in fresh
            ],
        )
    kinds.update(g.kind for g in fresh)
    result = GenerationResult(
        cohort_id=cohort.id,
        days=len(wanted),
        cfa=kinds["cfa"],
        company=kinds["company"],
        off=kinds["off"],
        overridden=overridden,
        changed=len(fresh),
        removed=removed,
    )
    counts = result.model_dump(exclude={"cohort_id"})
    await audit.record(
        session,
        principal,
        action="calendar_generated",
        object_type="cohort",
        object_id=cohort.id,
        changes={"calendar": {"from": None, "to": counts}},
    )
    return result
