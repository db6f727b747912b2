"""A scene for attendance, written with the ORM, dated around the organisation's today (so that
the alert rules, which run as of today, see the marks).

Cohort ``main`` (referred by the world's referent) has ``mine`` (the world's learner account,
referred by the world's prescriber, under a contract the world's tutor tutors) and ``peer``
(no contract). Cohort ``second`` has ``other``, outside every personal scope. The calendar of
``main`` says ``cfa_day`` is at the CFA and ``company_day`` in company; other days have no
calendar (treated as CFA days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    AttendanceMark,
    CalendarDay,
    Cohort,
    Company,
    Contract,
    Enrolment,
    Learner,
    Programme,
    Tutor,
    cohort_referents,
)
from app.services.organisations import local_today
from tests.factories import World

URL = "/api/v1/attendance"
REGISTER = f"{URL}/register"


@dataclass
class Scene:
    world: World
    today: date
    main: Cohort
    second: Cohort
    mine: Learner
    peer: Learner
    other: Learner
    contract: Contract

    @property
    def cfa_day(self) -> date:
        return self.today - timedelta(days=2)

    @property
    def company_day(self) -> date:
        return self.today - timedelta(days=3)


async def make_scene(session: AsyncSession, world: World) -> Scene:
    org = world.organisation.id
    today = await local_today(session, org)
    start, end = today - timedelta(days=200), today + timedelta(days=300)
    programme = Programme(organisation_id=org, title="BTS MCO", level=5)
    session.add(programme)
    await session.flush()
    main, second = (
        Cohort(
            organisation_id=org,
            programme_id=programme.id,
            name=name,
            start_date=start,
            end_date=end,
        )
        for name in ("MCO A", "MCO B")
    )
    company = Company(organisation_id=org, name="Boulangerie Martin")
    session.add_all([main, second, company])
    await session.flush()
    await session.execute(
        insert(cohort_referents), [{"cohort_id": main.id, "user_id": world.referent.id}]
    )
    tutor = Tutor(
        organisation_id=org,
        company_id=company.id,
        first_name="Paul",
        last_name="Martin",
        user_id=world.tutor.id,
    )
    mine = Learner(
        organisation_id=org,
        first_name="Léa",
        last_name="Petit",
        user_id=world.learner.id,
        prescriber_id=world.prescriber.id,
    )
    peer = Learner(organisation_id=org, first_name="Sami", last_name="Benali")
    other = Learner(organisation_id=org, first_name="Tom", last_name="Roux")
    session.add_all([tutor, mine, peer, other])
    await session.flush()
    for learner, cohort in ((mine, main), (peer, main), (other, second)):
        session.add(
            Enrolment(
                organisation_id=org, learner_id=learner.id, cohort_id=cohort.id, start_date=start
            )
        )
    contract = Contract(
        organisation_id=org,
        kind="apprenticeship",
        learner_id=mine.id,
        company_id=company.id,
        tutor_id=tutor.id,
        start_date=start,
        end_date=end,
        status="registered",
    )
    session.add(contract)
    scene = Scene(world, today, main, second, mine, peer, other, contract)
    session.add_all(
        [
            CalendarDay(organisation_id=org, cohort_id=main.id, day=scene.cfa_day, kind="cfa"),
            CalendarDay(
                organisation_id=org, cohort_id=main.id, day=scene.company_day, kind="company"
            ),
        ]
    )
    await session.commit()
    return scene


async def add_mark(
    session: AsyncSession, scene: Scene, learner: Learner, day: date, **values: Any
) -> AttendanceMark:
    values.setdefault("half_day", "am")
    values.setdefault("status", "absent")
    cohort = scene.second if learner.id == scene.other.id else scene.main
    mark = AttendanceMark(
        organisation_id=scene.world.organisation.id,
        learner_id=learner.id,
        cohort_id=cohort.id,
        day=day,
        **values,
    )
    session.add(mark)
    await session.commit()
    return mark


def mark_body(scene: Scene, learner: Learner, day: date, **values: Any) -> dict[str, Any]:
    return {
        "learner_id": learner.id,
        "day": day.isoformat(),
        "half_day": "am",
        "status": "absent",
        **values,
    }


async def post_mark(
    client: httpx.AsyncClient, role: str, scene: Scene, learner: Learner, day: date, **values: Any
) -> httpx.Response:
    body = mark_body(scene, learner, day, **values)
    return await client.post(URL, json=body, headers=scene.world[role].headers)
