"""A learner's own calendar, and the CFA days of a tutor's apprentices.

A learner's days are those of the cohorts they are enrolled in, cut to each enrolment's dates
(an enrolment without an end runs to the cohort's end). Every day says ``has_employer``: whether
one of the learner's contracts binds them to an employer that day. The kind is the cohort's, so a
``company`` day with ``has_employer: false`` is a day the learner should be in company but has
no employer (looking for one, or between contracts): the calendar shows it rather than hide it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models import Cohort, Contract, ContractStatus, Enrolment, Learner, Tutor
from app.schemas.calendar import LearnerCalendar, LearnerCalendarDay
from app.services import calendar_key_dates
from app.services.calendar_days import cohort_days, day_read
from app.services.calendars import resolve_range
from app.services.contract_lifecycle import IN_FORCE, is_running
from app.services.learners import learners

# Statuses under which a contract ever bound the learner to the employer.
_BINDING = (*IN_FORCE, ContractStatus.completed, ContractStatus.broken)


def in_company(contract: Contract, day: date) -> bool:
    """The contract binds the learner to the employer on ``day``: in force then (the one
    'running' rule of ``contract_lifecycle``), or completed (it ran to its end date)."""
    if contract.status == ContractStatus.completed:
        return contract.start_date <= day <= contract.end_date
    return is_running(
        contract.status, contract.start_date, contract.end_date, contract.break_date, day
    )


@dataclass(frozen=True)
class Window:
    cohort: Cohort
    start: date
    end: date


async def windows(
    session: AsyncSession, organisation_id: str, learner_id: str, start: date, end: date
) -> list[Window]:
    """The learner's enrolments as (cohort, first day, last day), cut to ``start``..``end``."""
    rows = await session.execute(
        select(Enrolment.start_date, Enrolment.end_date, Cohort)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.organisation_id == organisation_id, Enrolment.learner_id == learner_id)
        .order_by(Enrolment.start_date, Enrolment.id)
    )
    found = []
    for enrolled_on, left_on, cohort in rows:
        first = max(enrolled_on, cohort.start_date, start)
        last = min(left_on or cohort.end_date, cohort.end_date, end)
        if first <= last:
            found.append(Window(cohort, first, last))
    return found


async def learner_days(
    session: AsyncSession,
    organisation_id: str,
    learner_id: str,
    start: date = date.min,
    end: date = date.max,
) -> list[LearnerCalendarDay]:
    """No scope check here: callers check that the learner is visible first."""
    spans = await windows(session, organisation_id, learner_id, start, end)
    if not spans:
        return []
    contracts = list(
        await session.scalars(
            select(Contract).where(
                Contract.organisation_id == organisation_id,
                Contract.learner_id == learner_id,
                Contract.status.in_([s.value for s in _BINDING]),
            )
        )
    )
    keys = await calendar_key_dates.between(
        session,
        organisation_id,
        sorted({w.cohort.id for w in spans}),
        min(w.start for w in spans),
        max(w.end for w in spans),
    )
    # Two enrolments in the same cohort may overlap: one entry per cohort and day.
    found: dict[tuple[date, str], LearnerCalendarDay] = {}
    for window in spans:
        for row in await cohort_days(session, window.cohort, window.start, window.end):
            found[(row.day, window.cohort.id)] = LearnerCalendarDay(
                **day_read(row, keys.get(window.cohort.id, [])).model_dump(),
                cohort_id=window.cohort.id,
                has_employer=any(in_company(c, row.day) for c in contracts),
            )
    return [found[key] for key in sorted(found)]


async def learner_calendar(
    session: AsyncSession,
    principal: Principal,
    learner_id: str,
    start: date | None,
    end: date | None,
) -> LearnerCalendar:
    learner = await learners.get(session, principal, learner_id)  # 404 out of scope
    first, last = resolve_range(start, end, date.min, date.max)
    items = await learner_days(session, learner.organisation_id, learner.id, first, last)
    return LearnerCalendar(items=items)


@dataclass(frozen=True)
class ApprenticeDay:
    learner_id: str
    first_name: str
    day: date
    note: str | None


async def tutor_cfa_days(session: AsyncSession, principal: Principal) -> list[ApprenticeDay]:
    """The CFA days of the apprentices the caller tutors, on the days their contract with the
    caller binds them (one per apprentice and day)."""
    mine = select(Tutor.id).where(
        Tutor.organisation_id == principal.organisation_id, Tutor.user_id == principal.id
    )
    contracts: dict[str, list[Contract]] = defaultdict(list)
    for contract in await session.scalars(
        select(Contract).where(
            Contract.organisation_id == principal.organisation_id,
            Contract.tutor_id.in_(mine),
            Contract.status.in_([s.value for s in _BINDING]),
        )
    ):
        contracts[contract.learner_id].append(contract)
    rows = await session.execute(
        select(Learner.id, Learner.first_name).where(Learner.id.in_(list(contracts)))
    )
    names = {learner_id: first_name for learner_id, first_name in rows}
    found: list[ApprenticeDay] = []
    for learner_id in sorted(contracts):
        tutored: Sequence[Contract] = contracts[learner_id]
        first = min(c.start_date for c in tutored)
        last = max(c.end_date for c in tutored)
        days = await learner_days(session, principal.organisation_id, learner_id, first, last)
        seen: set[date] = set()
        for item in days:
            if item.kind != "cfa" or item.day in seen:
                continue
            if any(in_company(c, item.day) for c in tutored):
                seen.add(item.day)
                found.append(ApprenticeDay(learner_id, names[learner_id], item.day, item.note))
    return found
