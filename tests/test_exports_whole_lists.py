"""Exports of the lists answered whole, without a cursor: the caller's organisation, the alert
rules, the indicator catalogue, a cohort's and a learner's calendar, a learner's timeline. Each
file holds the JSON answer's items for the same caller and filters."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.schemas.alert import AlertRuleRead
from app.schemas.calendar import CalendarDayRead, LearnerCalendarDay
from app.schemas.indicator import IndicatorInfo
from app.schemas.learner import TimelineItem
from app.schemas.user import OrganisationRead
from app.services.exports.tabular import columns
from tests import helpers_learners as make
from tests.factories import World
from tests.helpers_calendars import put_rhythm, scene, school_year_cohort
from tests.helpers_exports import CSV, XLSX, csv_rows, with_auth, xlsx_rows


async def _both(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], key: str, **params: str
) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """The CSV rows and the JSON items, after checking they hold the same ``key`` in order."""
    rows = csv_rows(await client.get(url, params=params, headers=with_auth(headers, CSV)))
    answer = await client.get(url, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    assert [r[key] for r in rows] == [str(i[key]) for i in items], url
    return rows, items


async def test_organisations_export_is_the_callers_own(
    client, world: World, other_world: World
) -> None:
    url = "/api/v1/organisations"
    rows, _ = await _both(client, url, world.tutor.headers, "id")
    assert [r["id"] for r in rows] == [world.organisation.id]
    assert list(rows[0]) == columns(OrganisationRead)
    book = xlsx_rows(await client.get(url, headers=with_auth(other_world.admin.headers, XLSX)))
    assert [r["id"] for r in book] == [other_world.organisation.id]


async def test_alert_rules_export_in_the_callers_language(client, world: World) -> None:
    url = "/api/v1/alert-rules"
    english = {**world.coordinator.headers, "Accept-Language": "en"}
    rows, items = await _both(client, url, english, "code")
    assert len(rows) > 5 and [r["title"] for r in rows] == [i["title"] for i in items]
    french = csv_rows(await client.get(url, headers=with_auth(world.referent.headers, CSV)))
    assert [r["code"] for r in french] == [r["code"] for r in rows]
    assert [r["title"] for r in french] != [r["title"] for r in rows]
    book = xlsx_rows(await client.get(url, headers=with_auth(world.admin.headers, XLSX)))
    assert list(book[0]) == columns(AlertRuleRead) and book[0]["code"] == rows[0]["code"]
    refused = await client.get(url, headers=with_auth(world.tutor.headers, CSV))
    assert refused.status_code == 403


async def test_indicator_catalogue_export(client, world: World) -> None:
    url = "/api/v1/indicators"
    rows, items = await _both(client, url, world.auditor.headers, "code")
    assert [r["filters"] for r in rows] == ["|".join(i["filters"]) for i in items]
    book = xlsx_rows(await client.get(url, headers=with_auth(world.admin.headers, XLSX)))
    assert list(book[0]) == columns(IndicatorInfo) and len(book) == len(rows)
    refused = await client.get(url, headers=with_auth(world.tutor.headers, CSV))
    assert refused.status_code == 403


async def test_cohort_calendar_export_follows_the_period(
    client, session: AsyncSession, world: World, other_world: World
) -> None:
    cohort = await school_year_cohort(session, world)
    await put_rhythm(client, world, cohort.id)
    await client.post(
        f"/api/v1/cohorts/{cohort.id}/key-dates",
        json={"kind": "exam", "start_date": "2026-09-08", "label": "Positionnement"},
        headers=world.staff.headers,
    )
    url = f"/api/v1/cohorts/{cohort.id}/calendar"
    period = {"from": "2026-09-07", "to": "2026-09-13"}
    rows, items = await _both(client, url, world.staff.headers, "day", **period)
    week = ["cfa", "cfa", "company", "company", "company", "off", "off"]  # Monday to Sunday
    assert [r["kind"] for r in rows] == week
    assert list(rows[0]) == columns(CalendarDayRead)
    assert "Positionnement" in rows[1]["key_dates"] and rows[0]["key_dates"] == ""
    book = xlsx_rows(
        await client.get(url, params=period, headers=with_auth(world.tutor.headers, XLSX))
    )
    assert [str(r["day"]) for r in book] == [i["day"] for i in items]
    hidden = await client.get(url, headers=with_auth(other_world.admin.headers, CSV))
    assert hidden.status_code == 404


async def test_learner_calendar_export_is_cut_to_the_enrolment(
    client, session: AsyncSession, world: World
) -> None:
    s = await scene(session, world)
    await put_rhythm(client, world, s.cohort.id)
    url = f"/api/v1/learners/{s.lea.id}/calendar"
    for role in ("learner", "referent", "staff"):
        rows, _ = await _both(client, url, world[role].headers, "day")
        assert rows[0]["day"] == "2026-10-01" and rows[-1]["day"] == "2027-03-31", role
    assert list(rows[0]) == columns(LearnerCalendarDay)
    employed = [r["day"] for r in rows if r["has_employer"] == "true"]
    assert employed[0] == "2026-11-02"
    tom = await client.get(
        f"/api/v1/learners/{s.tom.id}/calendar", headers=with_auth(world.learner.headers, CSV)
    )
    assert tom.status_code == 404


async def test_timeline_export_holds_what_each_role_sees(
    client, session: AsyncSession, world: World, other_world: World
) -> None:
    learner = await make.learner(session, world, user_id=world.learner.id)
    cohort = await make.cohort(session, world, name="BTS MCO 2026", start_date=date(2026, 9, 1))
    await make.enrolment(session, world, learner, cohort)
    for visibility, day in (("internal", 5), ("learner", 6), ("all", 7)):
        await make.entry(
            session, world, learner, visibility=visibility, occurred_on=date(2026, 11, day),
            summary=f"{visibility} entry", contract_id=None,
        )  # fmt: skip
    url = f"/api/v1/learners/{learner.id}/timeline"
    staff, _ = await _both(client, url, world.staff.headers, "object_id")
    own, _ = await _both(client, url, world.learner.headers, "object_id")
    assert len(staff) == 4 and len(own) == 3  # not the internal note
    assert "internal entry" not in {r["summary"] for r in own}
    assert list(staff[0]) == columns(TimelineItem)
    later, _ = await _both(client, url, world.staff.headers, "object_id", **{"from": "2026-11-06"})
    assert [r["summary"] for r in later] == ["learner entry", "all entry"]
    book = xlsx_rows(await client.get(url, headers=with_auth(world.admin.headers, XLSX)))
    assert [r["object_id"] for r in book] == [r["object_id"] for r in staff]
    hidden = await client.get(url, headers=with_auth(other_world.admin.headers, CSV))
    assert hidden.status_code == 404
