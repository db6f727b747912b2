"""Cohort calendars through the API: rhythm, generated days, overrides, regeneration, ranges."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, CalendarDay
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


async def test_a_rhythm_generates_the_school_year_without_cfa_days_on_holidays(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    url = f"/api/v1/cohorts/{cohort.id}/rhythm"
    created = await client.put(url, json=WEEKLY, headers=world.staff.headers)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    assert created.json()["cfa_weekdays"] == [0, 1]
    calendar = await days(client, world, cohort.id)
    assert len(calendar) == 365
    for day in (
        "2026-11-01",
        "2026-11-11",
        "2026-12-25",
        "2027-01-01",
        "2027-03-29",
        "2027-05-01",
        "2027-05-06",
        "2027-05-08",
        "2027-05-17",
        "2027-07-14",
        "2027-08-15",
    ):
        assert calendar[day]["kind"] == "off", day
        assert calendar[day]["note"].startswith("Jour férié")
    assert calendar["2026-09-07"] == {
        "day": "2026-09-07",
        "kind": "cfa",
        "overridden": False,
        "note": None,
        "key_dates": [],
    }
    assert calendar["2026-09-09"]["kind"] == "company"
    assert sum(1 for d in calendar.values() if d["kind"] == "cfa") == 103
    # Audited once for the whole generation, never day by day.
    events = list(
        await session.scalars(
            select(AuditEvent).where(AuditEvent.organisation_id == world.organisation.id)
        )
    )
    generated = [e for e in events if e.action == "calendar_generated"]
    assert len(generated) == 1 and generated[0].object_id == cohort.id
    counts = generated[0].changes["calendar"]["to"]
    assert counts["days"] == 365 and counts["cfa"] == 103 and counts["changed"] == 365
    assert [e.object_type for e in events if e.action == "create"] == ["cohort_rhythm"]
    read = await client.get(url, headers=world.learner.headers)
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'


async def test_replacing_the_rhythm_honours_if_match_and_rewrites_only_what_changed(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    url = f"/api/v1/cohorts/{cohort.id}/rhythm"
    await put_rhythm(client, world, cohort.id)
    before = await session.scalar(
        select(CalendarDay.id).where(
            CalendarDay.cohort_id == cohort.id, CalendarDay.day == date(2026, 9, 9)
        )
    )
    body = {**WEEKLY, "cfa_weekdays": [0]}
    stale = await client.put(url, json=body, headers={**world.staff.headers, "If-Match": '"7"'})
    assert stale.status_code == 412
    assert (await days(client, world, cohort.id))["2026-09-08"]["kind"] == "cfa"
    replaced = await client.put(url, json=body, headers={**world.staff.headers, "If-Match": '"1"'})
    assert replaced.status_code == 200 and replaced.headers["ETag"] == '"2"'
    calendar = await days(client, world, cohort.id)
    assert calendar["2026-09-08"]["kind"] == "company"
    # An unchanged day keeps its row.
    after = await session.scalar(
        select(CalendarDay.id).where(
            CalendarDay.cohort_id == cohort.id, CalendarDay.day == date(2026, 9, 9)
        )
    )
    assert before == after
    again = await client.post(
        f"/api/v1/cohorts/{cohort.id}/calendar/regenerate", headers=world.staff.headers
    )
    assert again.status_code == 200
    assert again.json()["changed"] == 0 and again.json()["days"] == 365


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"kind": "weekly", "cfa_weekdays": []}, ["body", "cfa_weekdays"]),
        ({"kind": "weekly", "cfa_weekdays": [7]}, ["body", "cfa_weekdays", 0]),
        ({"kind": "cycle", "cycle": ["cfa", "company"]}, ["body", "cycle_anchor"]),
        (
            {"kind": "cycle", "cycle": ["cfa"], "cycle_anchor": "2026-09-01"},
            ["body", "cycle_anchor"],
        ),
        ({"kind": "cycle", "cycle": [], "cycle_anchor": "2026-08-31"}, ["body", "cycle"]),
        (
            {"kind": "cycle", "cycle": ["school"], "cycle_anchor": "2026-08-31"},
            ["body", "cycle", 0],
        ),
        (
            {**WEEKLY, "closures": [{"from": "2026-12-24", "to": "2026-12-20"}]},
            ["body", "closures", 0, "to"],
        ),
        ({**WEEKLY, "holiday_zone": "corse"}, ["body", "holiday_zone"]),
        ({**WEEKLY, "colour": "red"}, ["body", "colour"]),
    ],
)
async def test_an_invalid_rhythm_is_a_422_naming_the_field_and_changes_nothing(
    client: httpx.AsyncClient, world: World, session: AsyncSession, body: dict, loc: list
) -> None:
    cohort = await school_year_cohort(session, world)
    url = f"/api/v1/cohorts/{cohort.id}/rhythm"
    answer = await client.put(url, json=body, headers=world.staff.headers)
    assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
    assert loc in [e["loc"] for e in answer.json()["errors"]]
    assert (await client.get(url, headers=world.staff.headers)).status_code == 404
    assert await days(client, world, cohort.id) == {}


async def test_a_cycle_rhythm_alternates_weeks_from_its_anchor(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    await put_rhythm(
        client,
        world,
        cohort.id,
        {
            "kind": "cycle",
            "cycle": ["cfa", "company", "company", "company"],
            "cycle_anchor": "2026-08-31",
            "holiday_zone": "alsace_moselle",
        },
    )
    calendar = await days(client, world, cohort.id, **{"from": "2026-09-01", "to": "2026-10-04"})
    wednesdays = [
        calendar[f"2026-{d}"]["kind"] for d in ("09-02", "09-09", "09-16", "09-23", "09-30")
    ]
    assert wednesdays == ["cfa", "company", "company", "company", "cfa"]
    assert min(calendar) == "2026-09-01" and max(calendar) == "2026-10-04"
    easter = await days(client, world, cohort.id, **{"from": "2027-03-26", "to": "2027-03-26"})
    assert easter["2027-03-26"]["kind"] == "off"  # Good Friday in Alsace-Moselle


async def test_overrides_survive_regeneration_and_can_be_cleared(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    await put_rhythm(client, world, cohort.id)
    day_url = f"/api/v1/cohorts/{cohort.id}/calendar/2026-09-07"
    changed = await client.patch(
        day_url, json={"kind": "company", "note": "Salon pro"}, headers=world.coordinator.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["overridden"] is True and changed.headers["ETag"] == '"2"'
    stale = await client.patch(
        day_url, json={"note": "x"}, headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    regenerated = await client.post(
        f"/api/v1/cohorts/{cohort.id}/calendar/regenerate", headers=world.staff.headers
    )
    assert regenerated.json()["overridden"] == 1
    await put_rhythm(client, world, cohort.id, {**WEEKLY, "cfa_weekdays": [0, 1, 2]})
    kept = (await days(client, world, cohort.id))["2026-09-07"]
    assert kept == {
        "day": "2026-09-07",
        "kind": "company",
        "overridden": True,
        "note": "Salon pro",
        "key_dates": [],
    }
    cleared = await client.delete(f"{day_url}/override", headers=world.staff.headers)
    assert cleared.status_code == 204
    back = (await days(client, world, cohort.id))["2026-09-07"]
    assert back["kind"] == "cfa" and back["overridden"] is False and back["note"] is None
    audited = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "calendar_day")
    )
    assert audited == 2
    outside = await client.patch(
        f"/api/v1/cohorts/{cohort.id}/calendar/2027-09-01",
        json={"kind": "cfa"},
        headers=world.staff.headers,
    )
    assert outside.status_code == 422 and outside.json()["errors"][0]["loc"] == ["path", "day"]
    bad = await client.patch(day_url, json={"kind": "holiday"}, headers=world.staff.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "kind"]


async def test_a_day_can_be_set_before_any_rhythm_and_regeneration_needs_one(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    base = f"/api/v1/cohorts/{cohort.id}/calendar"
    missing_kind = await client.patch(
        f"{base}/2026-09-07", json={"note": "?"}, headers=world.staff.headers
    )
    assert missing_kind.status_code == 422
    assert missing_kind.json()["errors"][0]["loc"] == ["body", "kind"]
    created = await client.patch(
        f"{base}/2026-09-07", json={"kind": "cfa"}, headers=world.staff.headers
    )
    assert created.status_code == 200 and created.json()["overridden"] is True
    no_rhythm = await client.post(f"{base}/regenerate", headers=world.staff.headers)
    assert no_rhythm.status_code == 409
    assert (
        await client.delete(f"{base}/2026-09-07/override", headers=world.staff.headers)
    ).status_code == 204
    assert await days(client, world, cohort.id) == {}
    assert (
        await client.delete(f"{base}/2026-09-07/override", headers=world.staff.headers)
    ).status_code == 404


async def test_new_cohort_dates_are_followed_by_regeneration(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    await put_rhythm(client, world, cohort.id)
    await client.patch(
        f"/api/v1/cohorts/{cohort.id}/calendar/2027-08-30",
        json={"kind": "cfa"},
        headers=world.staff.headers,
    )
    cohort.start_date, cohort.end_date = date(2026, 9, 1), date(2028, 8, 31)
    session.add(cohort)
    await session.commit()
    longer = await client.post(
        f"/api/v1/cohorts/{cohort.id}/calendar/regenerate", headers=world.staff.headers
    )
    assert longer.json()["days"] == 731 and longer.json()["changed"] == 366
    cohort.end_date = date(2027, 6, 30)
    session.add(cohort)
    await session.commit()
    shorter = await client.post(
        f"/api/v1/cohorts/{cohort.id}/calendar/regenerate", headers=world.staff.headers
    )
    assert shorter.json()["removed"] == 731 - 303 and shorter.json()["overridden"] == 0
    assert max(await days(client, world, cohort.id)) == "2027-06-30"


async def test_ranges_are_checked(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    url = f"/api/v1/cohorts/{cohort.id}/calendar"
    for params in (
        {"from": "2026-09-10", "to": "2026-09-01"},
        {"from": "2026-01-01", "to": "2028-06-30"},
    ):
        answer = await client.get(url, params=params, headers=world.staff.headers)
        assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == ["query", "to"]
    bad = await client.get(url, params={"from": "soon"}, headers=world.staff.headers)
    assert bad.status_code == 422


async def test_deleting_a_cohort_deletes_its_calendar(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    await put_rhythm(client, world, cohort.id)
    gone = await client.delete(f"/api/v1/cohorts/{cohort.id}", headers=world.staff.headers)
    assert gone.status_code == 204
    left = await session.scalar(
        select(func.count()).select_from(CalendarDay).where(CalendarDay.cohort_id == cohort.id)
    )
    assert left == 0
