"""A learner's own calendar: their cohorts' days while enrolled, and whether an employer
binds them each day; visible to whoever may see the learner."""

from __future__ import annotations

from datetime import date

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import World
from tests.helpers_calendars import put_rhythm, scene


async def test_the_calendar_is_cut_to_the_enrolment_and_says_when_an_employer_binds(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    s = await scene(session, world)
    await put_rhythm(client, world, s.cohort.id)
    answer = await client.get(
        f"/api/v1/learners/{s.lea.id}/calendar", headers=world.learner.headers
    )
    assert answer.status_code == 200, answer.text
    items = {i["day"]: i for i in answer.json()["items"]}
    assert min(items) == "2026-10-01" and max(items) == "2027-03-31" and len(items) == 182
    assert items["2026-10-07"] == {
        "day": "2026-10-07",
        "kind": "company",
        "overridden": False,
        "note": None,
        "key_dates": [],
        "cohort_id": s.cohort.id,
        "has_employer": False,
    }
    assert items["2026-11-04"]["kind"] == "company" and items["2026-11-04"]["has_employer"]
    assert items["2026-11-09"]["kind"] == "cfa"
    assert items["2026-11-11"]["kind"] == "off"
    ranged = await client.get(
        f"/api/v1/learners/{s.lea.id}/calendar",
        params={"from": "2026-09-01", "to": "2026-10-02"},
        headers=world.learner.headers,
    )
    assert [i["day"] for i in ranged.json()["items"]] == ["2026-10-01", "2026-10-02"]
    too_long = await client.get(
        f"/api/v1/learners/{s.lea.id}/calendar",
        params={"from": "2026-01-01", "to": "2029-01-01"},
        headers=world.learner.headers,
    )
    assert too_long.status_code == 422


async def test_a_broken_contract_stops_binding_on_its_break_date(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    s = await scene(session, world)
    await put_rhythm(client, world, s.cohort.id)
    s.contract.status, s.contract.break_date = "broken", date(2027, 1, 5)
    s.contract.break_initiator = "mutual"
    session.add(s.contract)
    await session.commit()
    answer = await client.get(
        f"/api/v1/learners/{s.lea.id}/calendar",
        params={"from": "2027-01-04", "to": "2027-01-06"},
        headers=world.referent.headers,
    )
    bound = [(i["day"], i["kind"], i["has_employer"]) for i in answer.json()["items"]]
    assert bound == [
        ("2027-01-04", "cfa", True),
        ("2027-01-05", "cfa", False),
        ("2027-01-06", "company", False),
    ]


async def test_whoever_sees_the_learner_sees_their_calendar(
    client: httpx.AsyncClient, world: World, other_world: World, session: AsyncSession
) -> None:
    s = await scene(session, world)
    await put_rhythm(client, world, s.cohort.id)
    url = f"/api/v1/learners/{s.lea.id}/calendar"
    for role in ("learner", "referent", "tutor", "staff", "admin", "auditor", "company_relations"):
        assert (await client.get(url, headers=world[role].headers)).status_code == 200, role
    assert (await client.get(url, headers=world.prescriber.headers)).status_code == 404
    assert (await client.get(url, headers=other_world.admin.headers)).status_code == 404
    tom = f"/api/v1/learners/{s.tom.id}/calendar"
    for role in ("learner", "referent", "tutor", "prescriber"):
        answer = await client.get(tom, headers=world[role].headers)
        assert answer.status_code == 404, role
        assert answer.headers["content-type"] == "application/problem+json"
    assert (await client.get(f"{url}.ics", headers=world.prescriber.headers)).status_code == 404
