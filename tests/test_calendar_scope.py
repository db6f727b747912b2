"""Who reads and who changes cohort calendars: every member reads, the CFA office writes,
another organisation sees nothing."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import World
from tests.helpers_calendars import (
    WEEKLY,
    days,
    put_rhythm,
    school_year_cohort,
)

WRITERS = ("admin", "coordinator", "staff")
OTHERS = ("company_relations", "referent", "tutor", "learner", "prescriber", "auditor")
PROBLEM = "application/problem+json"


async def test_every_member_reads_only_the_cfa_office_writes(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    base = f"/api/v1/cohorts/{cohort.id}"
    key = {"kind": "other", "start_date": "2026-09-15", "label": "Rentrée"}
    for role in WRITERS:
        headers = world[role].headers
        assert (await client.put(f"{base}/rhythm", json=WEEKLY, headers=headers)).status_code in (
            200,
            201,
        )
        assert (
            await client.post(f"{base}/key-dates", json=key, headers=headers)
        ).status_code == 201
        day = await client.patch(
            f"{base}/calendar/2026-09-08", json={"note": role}, headers=headers
        )
        assert day.status_code == 200, role
        assert (
            await client.post(f"{base}/calendar/regenerate", headers=headers)
        ).status_code == 200
    key_id = (await client.get(f"{base}/key-dates", headers=world.staff.headers)).json()["items"][
        0
    ]["id"]
    for role in OTHERS:
        headers = world[role].headers
        for answer in (
            await client.put(f"{base}/rhythm", json=WEEKLY, headers=headers),
            await client.post(f"{base}/key-dates", json=key, headers=headers),
            await client.patch(f"{base}/key-dates/{key_id}", json={"label": "x"}, headers=headers),
            await client.delete(f"{base}/key-dates/{key_id}", headers=headers),
            await client.patch(f"{base}/calendar/2026-09-08", json={"note": "x"}, headers=headers),
            await client.delete(f"{base}/calendar/2026-09-08/override", headers=headers),
            await client.post(f"{base}/calendar/regenerate", headers=headers),
        ):
            assert answer.status_code == 403, (role, answer.request.url)
            assert answer.headers["content-type"] == PROBLEM
        assert (await client.get(f"{base}/calendar", headers=headers)).status_code == 200
        assert (await client.get(f"{base}/rhythm", headers=headers)).status_code == 200
        assert (await client.get(f"{base}/key-dates", headers=headers)).status_code == 200
    assert (await days(client, world, cohort.id))["2026-09-08"]["note"] == "staff"


async def test_another_organisation_sees_nothing(
    client: httpx.AsyncClient, world: World, other_world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    await put_rhythm(client, world, cohort.id)
    base = f"/api/v1/cohorts/{cohort.id}"
    headers = other_world.admin.headers
    for answer in (
        await client.get(f"{base}/calendar", headers=headers),
        await client.get(f"{base}/calendar.ics", headers=headers),
        await client.get(f"{base}/rhythm", headers=headers),
        await client.get(f"{base}/key-dates", headers=headers),
        await client.put(f"{base}/rhythm", json=WEEKLY, headers=headers),
        await client.post(f"{base}/calendar/regenerate", headers=headers),
        await client.patch(f"{base}/calendar/2026-09-08", json={"kind": "off"}, headers=headers),
    ):
        assert answer.status_code == 404, answer.request.url
    assert (await days(client, world, cohort.id))["2026-09-08"]["kind"] == "cfa"
