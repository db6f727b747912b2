"""Reviews: scope per role (the contract's, prescribers none), who records them, answers checked
against the grid, If-Match, deletion, filters."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Review
from tests.factories import World
from tests.helpers_contracts import today
from tests.helpers_reviews import (
    ALL_ROLES,
    COMPLETE,
    REVIEWS,
    WHOLE,
    ReviewScene,
    create_review,
    create_template,
    make_review_scene,
)


@pytest.fixture
async def scene(session: AsyncSession, world: World) -> ReviewScene:
    return await make_review_scene(session, world)


async def _count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Review)) or 0


async def test_created_on_a_contract_with_the_grid_revision_and_audited(
    client: httpx.AsyncClient, world: World, scene: ReviewScene, session: AsyncSession
) -> None:
    template = await create_template(client, world)
    body = {
        "contract_id": scene.contract.id,
        "kind": "visit",
        "template_id": template["id"],
        "done_on": str(today()),
        "reviewer_id": world.referent.id,
        "participants": [
            {"role": "tutor", "name": "Paul Martin"},
            {"role": "learner", "user_id": world.learner.id},
        ],
        "answers": COMPLETE,
        "outcome": "watch",
        "summary": "À suivre sur la vente conseil.",
    }
    created = await client.post(REVIEWS, json=body, headers=world.staff.headers)
    assert created.status_code == 201, created.text
    review = created.json()
    assert review["learner_id"] == scene.base.mine.id and review["template_revision"] == 1
    assert review["answers"] == COMPLETE and review["signoffs"] == []
    assert review["locked_at"] is None and created.headers["ETag"] == '"1"'
    assert review["participants"][0] == {"role": "tutor", "name": "Paul Martin", "user_id": None}
    audit = await session.scalar(select(AuditEvent).where(AuditEvent.object_id == review["id"]))
    assert audit is not None and (audit.action, audit.object_type) == ("create", "review")


async def test_scope_matrix_lists_and_reads(
    client: httpx.AsyncClient, world: World, other_world: World, scene: ReviewScene
) -> None:
    mine = (await create_review(client, world, scene.contract.id))["id"]
    other = (await create_review(client, world, scene.other_contract.id))["id"]
    expected = {role: {mine, other} for role in WHOLE}
    expected |= {"referent": {mine}, "tutor": {mine}, "learner": {mine}, "prescriber": set()}
    for role, ids in expected.items():
        listed = await client.get(REVIEWS, headers=world[role].headers)
        assert listed.status_code == 200, role
        assert {r["id"] for r in listed.json()["items"]} == ids, role
        for review_id in (mine, other):
            read = await client.get(f"{REVIEWS}/{review_id}", headers=world[role].headers)
            assert read.status_code == (200 if review_id in ids else 404), (role, review_id)
    for role in ("admin", "tutor"):
        assert (await client.get(REVIEWS, headers=other_world[role].headers)).json()["items"] == []
        read = await client.get(f"{REVIEWS}/{mine}", headers=other_world[role].headers)
        assert read.status_code == 404


async def test_who_records_reviews(
    client: httpx.AsyncClient,
    world: World,
    other_world: World,
    scene: ReviewScene,
    session: AsyncSession,
) -> None:
    body = {"contract_id": scene.contract.id, "kind": "mid_term", "scheduled_on": "2026-12-01"}
    writers = {"admin", "coordinator", "staff", "company_relations", "referent"}
    for role in ALL_ROLES:
        answer = await client.post(REVIEWS, json=body, headers=world[role].headers)
        assert answer.status_code == (201 if role in writers else 403), (role, answer.text)
    # A referent only for the learners they follow; another organisation's contract is unknown.
    unseen = {**body, "contract_id": scene.other_contract.id}
    refused = await client.post(REVIEWS, json=unseen, headers=world.referent.headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == [
        "body",
        "contract_id",
    ]
    foreign = await client.post(REVIEWS, json=body, headers=other_world.admin.headers)
    assert foreign.status_code == 422
    other = await create_review(client, world, scene.other_contract.id)
    patched = await client.patch(
        f"{REVIEWS}/{other['id']}", json={"outcome": "ok"}, headers=world.referent.headers
    )
    assert patched.status_code == 404  # not in the referent's scope at all
    assert await _count(session) == len(writers) + 1


async def test_answers_outside_the_grid_are_422_naming_the_criterion(
    client: httpx.AsyncClient, world: World, scene: ReviewScene
) -> None:
    template = await create_template(client, world)
    review = await create_review(client, world, scene.contract.id, template_id=template["id"])
    url = f"{REVIEWS}/{review['id']}"
    cases = [
        ({"punctuality": 7}, "punctuality"),
        ({"attitude": "superb"}, "attitude"),
        ({"tutor_comment": 3}, "tutor_comment"),
        ({"shoe_size": 42}, "shoe_size"),
    ]
    for answers, key in cases:
        answer = await client.patch(url, json={"answers": answers}, headers=world.staff.headers)
        assert answer.status_code == 422, answers
        assert answer.json()["errors"][0]["loc"] == ["body", "answers", key]
    # A partial answer is fine while not done; done, every required criterion is needed.
    partial = {"attitude": "correct"}
    ok = await client.patch(url, json={"answers": partial}, headers=world.staff.headers)
    assert ok.status_code == 200 and ok.json()["answers"] == partial
    done = await client.patch(url, json={"done_on": str(today())}, headers=world.staff.headers)
    assert done.status_code == 422
    assert [e["loc"] for e in done.json()["errors"]] == [
        ["body", "answers", "punctuality"],
        ["body", "answers", "tutor_comment"],
    ]
    after = (await client.get(url, headers=world.staff.headers)).json()
    assert (after["done_on"], after["answers"], after["version"]) == (None, partial, 2)
    complete = await client.patch(
        url, json={"done_on": str(today()), "answers": COMPLETE}, headers=world.staff.headers
    )
    assert complete.status_code == 200, complete.text


async def test_grid_rules_on_create(
    client: httpx.AsyncClient, world: World, scene: ReviewScene, session: AsyncSession
) -> None:
    template = await create_template(client, world, kinds=["visit"])
    base = {"contract_id": scene.contract.id, "kind": "visit", "scheduled_on": "2026-12-01"}
    cases = [
        ({**base, "answers": {"punctuality": 4}}, ["body", "answers", "punctuality"]),  # no grid
        ({**base, "kind": "mid_term", "template_id": template["id"]}, ["body", "template_id"]),
        ({**base, "template_id": "nope"}, ["body", "template_id"]),
        ({**base, "scheduled_on": None}, ["body", "scheduled_on"]),
        ({**base, "done_on": str(today() + timedelta(days=5))}, ["body", "done_on"]),
        ({**base, "reviewer_id": world.organisation.id}, ["body", "reviewer_id"]),
        (
            {**base, "participants": [{"role": "tutor", "user_id": "x"}]},
            ["body", "participants", 0, "user_id"],
        ),
        ({**base, "outcome": "great"}, ["body", "outcome"]),
    ]
    for body, loc in cases:
        answer = await client.post(REVIEWS, json=body, headers=world.staff.headers)
        assert answer.status_code == 422, body
        assert loc in [e["loc"] for e in answer.json()["errors"]], answer.json()
    assert await _count(session) == 0


async def test_if_match_delete_and_fixed_fields(
    client: httpx.AsyncClient, world: World, scene: ReviewScene
) -> None:
    review = await create_review(client, world, scene.contract.id)
    url = f"{REVIEWS}/{review['id']}"
    moved = await client.patch(
        url, json={"scheduled_on": "2026-12-02"}, headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert moved.status_code == 200 and moved.headers["ETag"] == '"2"'
    stale = await client.patch(
        url, json={"outcome": "ok"}, headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    bad = await client.patch(url, json={"kind": "mid_term"}, headers=world.staff.headers)
    assert bad.status_code == 422  # kind is not a field of a change
    assert (await client.delete(url, headers=world.tutor.headers)).status_code == 403
    assert (await client.delete(url, headers=world.referent.headers)).status_code == 204
    done = await create_review(client, world, scene.contract.id, done_on=str(today()))
    refused = await client.delete(f"{REVIEWS}/{done['id']}", headers=world.admin.headers)
    assert refused.status_code == 409


async def test_filters(client: httpx.AsyncClient, world: World, scene: ReviewScene) -> None:
    planned = await create_review(client, world, scene.contract.id, scheduled_on="2026-12-01")
    held = await create_review(
        client,
        world,
        scene.other_contract.id,
        kind="two_month_interview",
        scheduled_on=None,
        done_on=str(today()),
        outcome="at_risk",
    )

    async def ids(query: str) -> set[str]:
        answer = await client.get(f"{REVIEWS}?{query}", headers=world.staff.headers)
        assert answer.status_code == 200, answer.text
        return {r["id"] for r in answer.json()["items"]}

    assert await ids("done=true") == {held["id"]}
    assert await ids("done=false") == {planned["id"]}
    assert await ids("kind=two_month_interview") == {held["id"]}
    assert await ids("outcome=at_risk") == {held["id"]}
    assert await ids(f"contract_id={scene.contract.id}") == {planned["id"]}
    assert await ids(f"learner_id={scene.base.other.id}") == {held["id"]}
    assert await ids("scheduled_from=2026-11-30&scheduled_to=2026-12-01") == {planned["id"]}
    assert await ids("scheduled_to=2026-11-30") == set()
    bad = await client.get(f"{REVIEWS}?kind=party", headers=world.staff.headers)
    assert bad.status_code in (400, 422)
