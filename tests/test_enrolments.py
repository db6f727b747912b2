"""Enrolments, nested under the learner: scope follows the learner, changes follow the learner's
writer rules; dropping out is recorded here and shows in the learner's status."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests import helpers_learners as make
from tests.factories import World

TODAY = date.today()


def url(learner_id: str, enrolment_id: str | None = None) -> str:
    base = f"/api/v1/learners/{learner_id}/enrolments"
    return f"{base}/{enrolment_id}" if enrolment_id else base


async def status_of(client: httpx.AsyncClient, world: World, learner_id: str) -> str:
    read = await client.get(f"/api/v1/learners/{learner_id}", headers=world.staff.headers)
    return str(read.json()["status"])


async def test_enrol_then_drop_out(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    learner = await make.learner(session, world)
    promo = await make.cohort(
        session, world, start_date=TODAY - timedelta(days=40), end_date=TODAY + timedelta(days=600)
    )
    assert await status_of(client, world, learner.id) == "referred"
    body = {"cohort_id": promo.id, "start_date": (TODAY - timedelta(days=40)).isoformat()}
    created = await client.post(url(learner.id), json=body, headers=world.staff.headers)
    assert created.status_code == 201, created.text
    enrolment = created.json()
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == url(learner.id, enrolment["id"])
    assert enrolment["learner_id"] == learner.id and enrolment["ended_reason"] is None
    assert await status_of(client, world, learner.id) == "enrolled_seeking"
    listed = await client.get(url(learner.id), headers=world.staff.headers)
    assert [e["id"] for e in listed.json()["items"]] == [enrolment["id"]]
    ended = await client.patch(
        url(learner.id, enrolment["id"]),
        json={"end_date": TODAY.isoformat(), "ended_reason": "dropped_out"},
        headers={**world.staff.headers, "If-Match": '"1"'},
    )
    assert ended.status_code == 200 and ended.headers["ETag"] == '"2"'
    assert await status_of(client, world, learner.id) == "dropped_out"
    stale = await client.patch(
        url(learner.id, enrolment["id"]), json={"ended_reason": "excluded"},
        headers={**world.staff.headers, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    read = await client.get(url(learner.id, enrolment["id"]), headers=world.staff.headers)
    assert read.json()["ended_reason"] == "dropped_out" and read.headers["ETag"] == '"2"'
    stale_delete = await client.delete(
        url(learner.id, enrolment["id"]), headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert stale_delete.status_code == 412
    deleted = await client.delete(url(learner.id, enrolment["id"]), headers=world.staff.headers)
    assert deleted.status_code == 204
    gone = await client.get(url(learner.id, enrolment["id"]), headers=world.staff.headers)
    assert gone.status_code == 404
    log = await client.get(
        "/api/v1/audit-events", params={"object_id": enrolment["id"]}, headers=world.auditor.headers
    )
    events = log.json()["items"]
    assert [e["action"] for e in events] == ["delete", "update", "create"]
    assert {e["object_type"] for e in events} == {"enrolment"}
    assert events[1]["changes"]["ended_reason"] == {"from": None, "to": "dropped_out"}


async def test_bad_input_names_the_field(
    client: httpx.AsyncClient, session: AsyncSession, world: World, other_world: World
) -> None:
    learner = await make.learner(session, world)
    promo = await make.cohort(session, world)
    foreign = await make.cohort(session, other_world)
    start = "2026-09-01"
    cases = [
        ({"cohort_id": foreign.id, "start_date": start}, "cohort_id"),
        ({"cohort_id": "nope", "start_date": start}, "cohort_id"),
        ({"cohort_id": promo.id}, "start_date"),
        ({"cohort_id": promo.id, "start_date": start, "end_date": "2026-08-01"}, "end_date"),
        ({"cohort_id": promo.id, "start_date": start, "ended_reason": "completed"}, "ended_reason"),
        ({"cohort_id": promo.id, "start_date": start, "end_date": "2027-01-01",
          "ended_reason": "bored"}, "ended_reason"),
    ]
    for body, field in cases:
        answer = await client.post(url(learner.id), json=body, headers=world.staff.headers)
        assert answer.status_code == 422, (field, answer.text)
        assert answer.json()["errors"][0]["loc"][:2] == ["body", field]
    assert (await client.get(url(learner.id), headers=world.staff.headers)).json()["items"] == []
    enrolment = await make.enrolment(session, world, learner, promo)
    patches = [
        ({"ended_reason": "completed"}, "ended_reason"),
        ({"end_date": "2020-01-01"}, "end_date"),
        ({"cohort_id": None}, "cohort_id"),
        ({"cohort_id": foreign.id}, "cohort_id"),
    ]
    for patch, field in patches:
        answer = await client.patch(
            url(learner.id, enrolment.id), json=patch, headers=world.staff.headers
        )
        assert answer.status_code == 422, (field, answer.text)
        assert answer.json()["errors"][0]["loc"][:2] == ["body", field]
    read = await client.get(url(learner.id, enrolment.id), headers=world.staff.headers)
    assert read.json()["version"] == 1


async def test_scope_and_writers_follow_the_learner(
    client: httpx.AsyncClient, session: AsyncSession, world: World, other_world: World
) -> None:
    promo = await make.cohort(session, world)
    followed = await make.learner(session, world, referent_id=world.referent.id)
    tutored = await make.learner(session, world, user_id=world.learner.id,
                                 prescriber_id=world.prescriber.id)
    company, tutor = await make.company_with_tutor(session, world, world.tutor.id)
    await make.contract(session, world, tutored, company, tutor)
    existing = await make.enrolment(session, world, tutored, promo)
    body = {"cohort_id": promo.id, "start_date": "2026-09-01"}

    for role in ("admin", "coordinator", "staff", "company_relations", "auditor", "tutor",
                 "learner", "prescriber"):
        listed = await client.get(url(tutored.id), headers=world[role].headers)
        assert [e["id"] for e in listed.json()["items"]] == [existing.id], role
    for role in ("auditor", "tutor", "learner", "prescriber"):
        refused = await client.post(url(tutored.id), json=body, headers=world[role].headers)
        assert refused.status_code == 403, role
        refused = await client.patch(
            url(tutored.id, existing.id), json={"start_date": "2026-09-02"},
            headers=world[role].headers,
        )
        assert refused.status_code == 403, role
        refused = await client.delete(url(tutored.id, existing.id), headers=world[role].headers)
        assert refused.status_code == 403, role
    for role in ("admin", "coordinator", "staff", "company_relations"):
        created = await client.post(url(followed.id), json=body, headers=world[role].headers)
        assert created.status_code == 201, role
    # A referent changes the enrolments of the learners they follow, no others.
    mine = await client.post(url(followed.id), json=body, headers=world.referent.headers)
    assert mine.status_code == 201
    hidden = await client.post(url(tutored.id), json=body, headers=world.referent.headers)
    assert hidden.status_code == 404
    assert (await client.get(url(tutored.id), headers=world.referent.headers)).status_code == 404
    # An enrolment is reached only through its own learner.
    wrong_parent = await client.get(url(followed.id, existing.id), headers=world.staff.headers)
    assert wrong_parent.status_code == 404
    for role in ("admin", "staff"):
        foreign = await client.get(url(tutored.id), headers=other_world[role].headers)
        assert foreign.status_code == 404
        foreign = await client.post(url(tutored.id), json=body, headers=other_world[role].headers)
        assert foreign.status_code == 404


async def test_enrolling_in_a_referents_cohort_brings_the_learner_into_their_scope(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    learner = await make.learner(session, world)
    promo = await make.cohort(session, world, referent_ids=(world.referent.id,))
    before = await client.get(f"/api/v1/learners/{learner.id}", headers=world.referent.headers)
    assert before.status_code == 404
    body = {"cohort_id": promo.id, "start_date": "2026-09-01"}
    created = await client.post(url(learner.id), json=body, headers=world.staff.headers)
    assert created.status_code == 201
    after = await client.get(f"/api/v1/learners/{learner.id}", headers=world.referent.headers)
    assert after.status_code == 200
    edited = await client.patch(
        url(learner.id, created.json()["id"]), json={"start_date": "2026-09-08"},
        headers=world.referent.headers,
    )
    assert edited.status_code == 200 and edited.json()["start_date"] == "2026-09-08"


async def test_a_retried_enrolment_is_created_once(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    learner = await make.learner(session, world)
    promo = await make.cohort(session, world)
    body = {"cohort_id": promo.id, "start_date": "2026-09-01"}
    headers = {**world.staff.headers, "Idempotency-Key": "enrol-1"}
    first = await client.post(url(learner.id), json=body, headers=headers)
    again = await client.post(url(learner.id), json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    listed = await client.get(url(learner.id), headers=world.staff.headers)
    assert len(listed.json()["items"]) == 1
