"""A cohort's key dates: exams, review and visit windows, holidays and other dates that matter.

They are shown with the calendar's days and in the feeds; they do not change which days are at
the CFA (closures in the rhythm do). Read by every member of the organisation, changed by the
CFA office, each change audited."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import ValidationFailed, not_found
from app.models import Cohort, CohortKeyDate
from app.pagination import PageRequest, paginate
from app.schemas.calendar import KeyDateBrief, KeyDateCreate, KeyDateUpdate
from app.services import records
from app.services.calendars import cohort_for_read, cohort_for_write

NAME = "cohort_key_date"


async def list_(
    session: AsyncSession,
    principal: Principal,
    cohort_id: str,
    page: PageRequest,
    filters: Mapping[str, Any],
) -> tuple[list[CohortKeyDate], str | None]:
    cohort = await cohort_for_read(session, principal, cohort_id)
    stmt = select(CohortKeyDate).where(
        CohortKeyDate.organisation_id == cohort.organisation_id,
        CohortKeyDate.cohort_id == cohort.id,
    )
    if filters.get("kind") is not None:
        stmt = stmt.where(CohortKeyDate.kind == filters["kind"])
    if filters.get("from") is not None:
        stmt = stmt.where(CohortKeyDate.end_date >= filters["from"])
    if filters.get("to") is not None:
        stmt = stmt.where(CohortKeyDate.start_date <= filters["to"])
    return await paginate(session, stmt, CohortKeyDate, page)


async def _get(session: AsyncSession, cohort: Cohort, key_date_id: str) -> CohortKeyDate:
    row = await session.scalar(
        select(CohortKeyDate).where(
            CohortKeyDate.organisation_id == cohort.organisation_id,
            CohortKeyDate.cohort_id == cohort.id,
            CohortKeyDate.id == key_date_id,
        )
    )
    if row is None:
        raise not_found("key date", key_date_id)
    return row


async def get(
    session: AsyncSession, principal: Principal, cohort_id: str, key_date_id: str
) -> CohortKeyDate:
    return await _get(session, await cohort_for_read(session, principal, cohort_id), key_date_id)


def _check_order(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed.on(["body", "end_date"], "end_date is before start_date.")


async def create(
    session: AsyncSession, principal: Principal, cohort_id: str, data: KeyDateCreate
) -> CohortKeyDate:
    cohort = await cohort_for_write(session, principal, cohort_id)
    end = data.end_date or data.start_date
    _check_order(data.start_date, end)
    row = CohortKeyDate(
        cohort_id=cohort.id,
        kind=data.kind,
        start_date=data.start_date,
        end_date=end,
        label=data.label,
    )
    return await records.create(session, principal, row, NAME)


async def update(
    session: AsyncSession,
    principal: Principal,
    cohort_id: str,
    key_date_id: str,
    data: KeyDateUpdate,
    expected_version: int | None,
) -> CohortKeyDate:
    cohort = await cohort_for_write(session, principal, cohort_id)
    row = await _get(session, cohort, key_date_id)
    values = data.model_dump(exclude_unset=True)
    nulls = [key for key, value in values.items() if value is None]
    if nulls:
        raise ValidationFailed(
            "Required fields cannot be set to null.",
            errors=[
                {"loc": ["body", key], "msg": "must not be null", "type": "null_not_allowed"}
                for key in nulls
            ],
        )
    _check_order(values.get("start_date", row.start_date), values.get("end_date", row.end_date))
    return await records.update(
        session, principal, row, values, NAME, expected_version=expected_version
    )


async def delete(
    session: AsyncSession,
    principal: Principal,
    cohort_id: str,
    key_date_id: str,
    expected_version: int | None,
) -> None:
    cohort = await cohort_for_write(session, principal, cohort_id)
    row = await _get(session, cohort, key_date_id)
    await records.delete(session, principal, row, NAME, expected_version=expected_version)


async def between(
    session: AsyncSession, organisation_id: str, cohort_ids: Sequence[str], start: date, end: date
) -> dict[str, list[KeyDateBrief]]:
    """The key dates of these cohorts that overlap ``start``..``end``, by cohort."""
    found: dict[str, list[KeyDateBrief]] = defaultdict(list)
    if not cohort_ids:
        return found
    rows = await session.scalars(
        select(CohortKeyDate)
        .where(
            CohortKeyDate.organisation_id == organisation_id,
            CohortKeyDate.cohort_id.in_(list(cohort_ids)),
            CohortKeyDate.start_date <= end,
            CohortKeyDate.end_date >= start,
        )
        .order_by(CohortKeyDate.start_date, CohortKeyDate.id)
    )
    for row in rows:
        found[row.cohort_id].append(KeyDateBrief.model_validate(row, from_attributes=True))
    return found
