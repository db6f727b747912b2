"""Shared pieces of the calendar tests: an app serving the calendar routes, a cohort over a
school year, and reading an iCalendar answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Cohort, Contract, Learner, Tutor
from tests import helpers_learners
from tests.factories import World

SCHOOL_YEAR = (date(2026, 9, 1), date(2027, 8, 31))
WEEKLY = {"kind": "weekly", "cfa_weekdays": [0, 1]}  # Monday-Tuesday at the CFA, 3 in company


async def school_year_cohort(session: AsyncSession, world: World, **values: Any) -> Cohort:
    start, end = SCHOOL_YEAR
    return await helpers_learners.cohort(
        session,
        world,
        start_date=values.pop("start_date", start),
        end_date=values.pop("end_date", end),
        **values,
    )


async def put_rhythm(
    client: httpx.AsyncClient, world: World, cohort_id: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    answer = await client.put(
        f"/api/v1/cohorts/{cohort_id}/rhythm", json=body or WEEKLY, headers=world.staff.headers
    )
    assert answer.status_code in (200, 201), answer.text
    rhythm: dict[str, Any] = answer.json()
    return rhythm


async def days(
    client: httpx.AsyncClient, world: World, cohort_id: str, **params: str
) -> dict[str, dict[str, Any]]:
    """The cohort's calendar as {ISO day: item}."""
    answer = await client.get(
        f"/api/v1/cohorts/{cohort_id}/calendar", params=params, headers=world.staff.headers
    )
    assert answer.status_code == 200, answer.text
    return {item["day"]: item for item in answer.json()["items"]}


def events(answer: httpx.Response) -> list[Any]:
    """The VEVENTs of an iCalendar answer, read by a standard parser."""
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    return list(Calendar.from_ical(answer.content).walk("VEVENT"))


@dataclass
class Scene:
    """Léa (the world's learner account, followed by the world's referent) is enrolled from
    1 October to 31 March in a Monday-Tuesday cohort and apprenticed from 2 November to the
    world's tutor. Tom, in the same cohort all year, is apprenticed to another tutor."""

    cohort: Cohort
    lea: Learner
    tom: Learner
    tutor: Tutor
    contract: Contract


async def scene(session: AsyncSession, world: World) -> Scene:
    cohort = await school_year_cohort(session, world)
    lea = await helpers_learners.learner(
        session, world, first_name="Léa", user_id=world.learner.id, referent_id=world.referent.id
    )
    tom = await helpers_learners.learner(session, world, first_name="Tom")
    await helpers_learners.enrolment(
        session, world, lea, cohort, start_date=date(2026, 10, 1), end_date=date(2027, 3, 31)
    )
    await helpers_learners.enrolment(session, world, tom, cohort)
    company, tutor = await helpers_learners.company_with_tutor(session, world, world.tutor.id)
    _, other_tutor = await helpers_learners.company_with_tutor(session, world)
    contract = await helpers_learners.contract(
        session, world, lea, company, tutor, start_date=date(2026, 11, 2)
    )
    await helpers_learners.contract(session, world, tom, company, other_tutor)
    return Scene(cohort, lea, tom, tutor, contract)
