"""The days of a cohort's calendar: reading them with their key dates, and manual overrides.

A day set by hand is ``overridden``: every later generation keeps it as it is (unless it falls
outside the cohort's dates). Clearing the override gives the day back to the rhythm."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import ValidationFailed, not_found
from app.models import CalendarDay, Cohort
from app.schemas.calendar import CalendarDayRead, CalendarDayUpdate, CohortCalendar, KeyDateBrief
from app.services import calendar_key_dates, records
from app.services.calendar_generation import day_of, public_holidays
from app.services.calendars import (
    as_rhythm,
    cohort_for_read,
    cohort_for_write,
    find_rhythm,
    resolve_range,
)

NAME = "calendar_day"


def day_read(row: CalendarDay, key_dates: Sequence[KeyDateBrief]) -> CalendarDayRead:
    return CalendarDayRead(
        day=row.day,
        kind=row.kind,  # type: ignore[arg-type]
        overridden=row.overridden,
        note=row.note,
        key_dates=[k for k in key_dates if k.start_date <= row.day <= k.end_date],
    )


async def cohort_days(
    session: AsyncSession, cohort: Cohort, start: date, end: date
) -> list[CalendarDay]:
    return list(
        await session.scalars(
            select(CalendarDay)
            .where(
                CalendarDay.organisation_id == cohort.organisation_id,
                CalendarDay.cohort_id == cohort.id,
                CalendarDay.day >= start,
                CalendarDay.day <= end,
            )
            .order_by(CalendarDay.day)
        )
    )


async def cohort_calendar(
    session: AsyncSession,
    principal: Principal,
    cohort_id: str,
    start: date | None,
    end: date | None,
) -> CohortCalendar:
    cohort = await cohort_for_read(session, principal, cohort_id)
    start, end = resolve_range(start, end, cohort.start_date, cohort.end_date)
    keys = await calendar_key_dates.between(
        session, cohort.organisation_id, [cohort.id], start, end
    )
    days = await cohort_days(session, cohort, start, end)
    return CohortCalendar(items=[day_read(d, keys.get(cohort.id, [])) for d in days])


async def read(session: AsyncSession, row: CalendarDay) -> CalendarDayRead:
    keys = await calendar_key_dates.between(
        session, row.organisation_id, [row.cohort_id], row.day, row.day
    )
    return day_read(row, keys.get(row.cohort_id, []))


async def _row(session: AsyncSession, cohort: Cohort, day: date) -> CalendarDay | None:
    return await session.scalar(
        select(CalendarDay).where(
            CalendarDay.organisation_id == cohort.organisation_id,
            CalendarDay.cohort_id == cohort.id,
            CalendarDay.day == day,
        )
    )


async def override(
    session: AsyncSession,
    principal: Principal,
    cohort_id: str,
    day: date,
    data: CalendarDayUpdate,
    expected_version: int | None,
) -> CalendarDay:
    """Set one day by hand: it stays so across regenerations."""
    cohort = await cohort_for_write(session, principal, cohort_id)
    if not cohort.start_date <= day <= cohort.end_date:
        raise ValidationFailed.on(["path", "day"], "The day is outside the cohort's dates.")
    values = data.model_dump(exclude_unset=True)
    if "kind" in values and values["kind"] is None:
        raise ValidationFailed.on(["body", "kind"], "must not be null", "null_not_allowed")
    row = await _row(session, cohort, day)
    if row is None:
        if "kind" not in values:
            raise ValidationFailed.on(["body", "kind"], "The day has no entry yet: give its kind.")
        created = CalendarDay(cohort_id=cohort.id, day=day, overridden=True, **values)
        return await records.create(session, principal, created, NAME)
    values["overridden"] = True
    return await records.update(
        session, principal, row, values, NAME, expected_version=expected_version
    )


async def clear_override(
    session: AsyncSession,
    principal: Principal,
    cohort_id: str,
    day: date,
    expected_version: int | None,
) -> None:
    """Give the day back to the rhythm (or remove it when the cohort has no rhythm)."""
    cohort = await cohort_for_write(session, principal, cohort_id)
    row = await _row(session, cohort, day)
    if row is None:
        raise not_found("calendar day", day.isoformat())
    records.check_version(row, expected_version)
    rhythm = await find_rhythm(session, cohort)
    if rhythm is None:
        await records.delete(session, principal, row, NAME)
        return
    generated = day_of(as_rhythm(rhythm), day, public_holidays(rhythm.holiday_zone, day, day))
    values = {"kind": generated.kind, "note": generated.note, "overridden": False}
    await records.update(session, principal, row, values, NAME)
