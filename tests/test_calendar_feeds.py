"""Calendars as iCalendar: the cohort's and learner's .ics, and secret feed URLs that calendar
apps read without a bearer token, revocable, computed with their owner's current scope."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import digest
from app.models import AuditEvent, CalendarFeed, User
from tests.factories import World
from tests.helpers_calendars import (
    days,
    events,
    put_rhythm,
    scene,
    school_year_cohort,
)

FEEDS = "/api/v1/calendar-feeds"
EXAM = {"kind": "exam", "start_date": "2027-05-18", "end_date": "2027-05-21", "label": "BTS"}


async def feed(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await client.post(FEEDS, json=body, headers=headers)


def day_of(event: Any) -> str:
    return str(event.decoded("dtstart").isoformat())


async def test_the_cohort_ics_has_one_event_per_cfa_day_and_key_date(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    await put_rhythm(client, world, cohort.id)
    for key in (EXAM, {"kind": "visit_window", "start_date": "2026-10-05", "label": "Visites"}):
        await client.post(
            f"/api/v1/cohorts/{cohort.id}/key-dates", json=key, headers=world.staff.headers
        )
    url = f"/api/v1/cohorts/{cohort.id}/calendar.ics"
    found = events(await client.get(url, headers=world.tutor.headers))
    cfa = sorted(
        d for d, item in (await days(client, world, cohort.id)).items() if item["kind"] == "cfa"
    )
    assert len(cfa) == 103 and len(found) == 103 + 2
    day_events = [e for e in found if "key-date" not in str(e["uid"])]
    assert sorted(day_of(e) for e in day_events) == cfa
    assert len({str(e["uid"]) for e in found}) == len(found)
    exam = next(e for e in found if str(e["summary"]) == "BTS")
    assert day_of(exam) == "2027-05-18"
    assert exam.decoded("dtend").isoformat() == "2027-05-22"  # exclusive end of an all-day event
    # Regeneration keeps the UIDs: calendar apps update events in place.
    await client.post(
        f"/api/v1/cohorts/{cohort.id}/calendar/regenerate", headers=world.staff.headers
    )
    again = events(await client.get(url, headers=world.staff.headers))
    assert {str(e["uid"]) for e in again} == {str(e["uid"]) for e in found}
    ranged = events(
        await client.get(
            url, params={"from": "2026-09-01", "to": "2026-09-30"}, headers=world.staff.headers
        )
    )
    assert len(ranged) == 9  # Tuesday 1st, then four Monday-Tuesday pairs


async def test_a_learner_feed_is_read_without_a_bearer_token_until_revoked(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    s = await scene(session, world)
    await put_rhythm(client, world, s.cohort.id)
    await client.post(
        f"/api/v1/cohorts/{s.cohort.id}/key-dates",
        json={**EXAM, "start_date": "2027-03-30", "end_date": "2027-04-02"},
        headers=world.staff.headers,
    )
    await client.post(
        f"/api/v1/cohorts/{s.cohort.id}/key-dates", json=EXAM, headers=world.staff.headers
    )  # after Léa leaves: not in her feed
    created = await feed(client, world.learner.headers, subject_type="learner")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["subject_id"] == s.lea.id and body["revoked_at"] is None
    assert body["url"] == f"{FEEDS}/{body['token']}.ics"
    found = events(await client.get(body["url"]))  # no Authorization header
    mine = await client.get(f"/api/v1/learners/{s.lea.id}/calendar", headers=world.learner.headers)
    cfa = sorted(i["day"] for i in mine.json()["items"] if i["kind"] == "cfa")
    assert len(found) == len(cfa) + 1
    assert sorted(day_of(e) for e in found if "key-date" not in str(e["uid"])) == cfa
    same = events(
        await client.get(
            f"/api/v1/learners/{s.lea.id}/calendar.ics", headers=world.referent.headers
        )
    )
    assert {str(e["uid"]) for e in same} == {str(e["uid"]) for e in found}
    # Stored as a digest only, never logged.
    stored = await session.scalar(select(CalendarFeed).where(CalendarFeed.id == body["id"]))
    assert stored is not None and stored.token_hash == digest(body["token"])
    listed = (await client.get(FEEDS, headers=world.learner.headers)).json()["items"]
    assert [f["id"] for f in listed] == [body["id"]] and "token" not in listed[0]
    assert (await client.get(FEEDS, headers=world.staff.headers)).json()["items"] == []
    item = f"{FEEDS}/{body['id']}"
    assert (await client.delete(item, headers=world.staff.headers)).status_code == 404
    assert (
        await client.delete(item, headers={**world.learner.headers, "If-Match": '"9"'})
    ).status_code == 412
    assert (await client.delete(item, headers=world.learner.headers)).status_code == 204
    assert (await client.delete(item, headers=world.learner.headers)).status_code == 204
    gone = await client.get(body["url"])
    assert gone.status_code == 404 and gone.headers["content-type"] == "application/problem+json"
    listed = (await client.get(FEEDS, headers=world.learner.headers)).json()["items"]
    assert listed[0]["revoked_at"] is not None
    audits = (
        await session.execute(
            select(AuditEvent.action, AuditEvent.changes).where(
                AuditEvent.object_type == "calendar_feed"
            )
        )
    ).all()
    assert sorted(a for a, _ in audits) == ["create", "revoke"]
    assert body["token"] not in str([c for _, c in audits])


async def test_a_tutor_feed_shows_the_cfa_days_of_their_apprentices(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    s = await scene(session, world)
    await put_rhythm(client, world, s.cohort.id)
    created = await feed(client, world.tutor.headers, subject_type="tutor")
    assert created.status_code == 201, created.text
    found = events(await client.get(created.json()["url"]))
    assert {str(e["summary"]) for e in found} == {"Léa au CFA"}  # not Tom: another tutor's
    mine = await client.get(
        f"/api/v1/learners/{s.lea.id}/calendar",
        params={"from": "2026-11-02", "to": "2027-03-31"},
        headers=world.tutor.headers,
    )
    cfa = sorted(i["day"] for i in mine.json()["items"] if i["kind"] == "cfa")
    assert sorted(day_of(e) for e in found) == cfa  # from the contract's start only
    for role in ("learner", "staff", "referent"):
        refused = await feed(client, world[role].headers, subject_type="tutor")
        assert refused.status_code == 403, role
    with_subject = await feed(
        client, world.tutor.headers, subject_type="tutor", subject_id=s.lea.id
    )
    assert with_subject.status_code == 422
    assert with_subject.json()["errors"][0]["loc"] == ["body", "subject_id"]


async def test_cohort_feeds_are_for_the_cfa_side(
    client: httpx.AsyncClient, world: World, other_world: World, session: AsyncSession
) -> None:
    cohort = await school_year_cohort(session, world)
    elsewhere = await school_year_cohort(session, other_world)
    await put_rhythm(client, world, cohort.id)
    for role in ("staff", "referent", "admin", "company_relations", "auditor"):
        created = await feed(
            client, world[role].headers, subject_type="cohort", subject_id=cohort.id
        )
        assert created.status_code == 201, role
        assert len(events(await client.get(created.json()["url"]))) == 103
    for role in ("learner", "tutor", "prescriber"):
        refused = await feed(
            client, world[role].headers, subject_type="cohort", subject_id=cohort.id
        )
        assert refused.status_code == 403, role
    for subject_id in (elsewhere.id, None, "nope"):
        bad = await feed(client, world.staff.headers, subject_type="cohort", subject_id=subject_id)
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["loc"] == ["body", "subject_id"]


async def test_a_feed_follows_its_owner_scope_on_every_fetch(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    s = await scene(session, world)
    await put_rhythm(client, world, s.cohort.id)
    followed = await feed(
        client, world.referent.headers, subject_type="learner", subject_id=s.lea.id
    )
    assert followed.status_code == 201
    out_of_scope = await feed(
        client, world.referent.headers, subject_type="learner", subject_id=s.tom.id
    )
    assert out_of_scope.status_code == 422
    assert (await feed(client, world.referent.headers, subject_type="learner")).status_code == 422
    url = followed.json()["url"]
    assert (await client.get(url)).status_code == 200
    s.lea.referent_id = None  # the referent no longer follows Léa
    session.add(s.lea)
    await session.commit()
    assert (await client.get(url)).status_code == 404
    staff_feed = (
        await feed(client, world.staff.headers, subject_type="cohort", subject_id=s.cohort.id)
    ).json()["url"]
    assert (await client.get(staff_feed)).status_code == 200
    staff = await session.get(User, world.staff.id)
    assert staff is not None
    staff.active = False
    await session.commit()
    assert (await client.get(staff_feed)).status_code == 404
    assert (await client.get(f"{FEEDS}/not-a-token.ics")).status_code == 404
