"""A cohort's key dates: created, listed, shown on their days, changed, deleted, audited."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent
from tests.factories import World
from tests.helpers_calendars import (
    days,
    put_rhythm,
    school_year_cohort,
)

WRITERS = ("admin", "coordinator", "staff")
OTHERS = ("company_relations", "referent", "tutor", "learner", "prescriber", "auditor")
PROBLEM = "application/problem+json"


async def test_key_dates_are_listed_shown_on_their_days_and_audited(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    await put_rhythm(client, world, cohort.id)
    url = f"/api/v1/cohorts/{cohort.id}/key-dates"
    exam = await client.post(
        url,
        json={
            "kind": "exam",
            "start_date": "2027-05-18",
            "end_date": "2027-05-19",
            "label": "BTS écrit",
        },
        headers=world.staff.headers,
    )
    assert exam.status_code == 201, exam.text
    assert exam.headers["Location"] == f"{url}/{exam.json()['id']}"
    visit = await client.post(
        url,
        json={"kind": "visit_window", "start_date": "2026-10-05", "label": "Visites"},
        headers=world.admin.headers,
    )
    assert visit.json()["end_date"] == "2026-10-05"
    listed = await client.get(url, params={"kind": "exam"}, headers=world.tutor.headers)
    assert [k["label"] for k in listed.json()["items"]] == ["BTS écrit"]
    ranged = await client.get(url, params={"from": "2027-01-01"}, headers=world.tutor.headers)
    assert [k["kind"] for k in ranged.json()["items"]] == ["exam"]
    calendar = await days(client, world, cohort.id)
    assert [k["label"] for k in calendar["2027-05-19"]["key_dates"]] == ["BTS écrit"]
    assert calendar["2027-05-20"]["key_dates"] == []
    item = f"{url}/{exam.json()['id']}"
    backwards = await client.patch(
        item, json={"end_date": "2027-05-01"}, headers=world.staff.headers
    )
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["loc"] == ["body", "end_date"]
    null = await client.patch(item, json={"label": None}, headers=world.staff.headers)
    assert null.status_code == 422 and null.json()["errors"][0]["loc"] == ["body", "label"]
    moved = await client.patch(
        item, json={"label": "BTS"}, headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert moved.status_code == 200 and moved.headers["ETag"] == '"2"'
    stale = await client.delete(item, headers={**world.staff.headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert (await client.delete(item, headers=world.staff.headers)).status_code == 204
    assert (await client.get(item, headers=world.staff.headers)).status_code == 404
    actions = (
        (
            await session.execute(
                select(AuditEvent.action).where(AuditEvent.object_type == "cohort_key_date")
            )
        )
        .scalars()
        .all()
    )
    assert sorted(actions) == ["create", "create", "delete", "update"]
