"""Sign-offs: the tutor and the learner each sign a done review once (or the CFA team records
their paper signature); the first signature locks the review."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent
from tests.factories import World
from tests.helpers_contracts import today
from tests.helpers_reviews import (
    COMPLETE,
    REVIEWS,
    ReviewScene,
    create_review,
    create_template,
    make_review_scene,
)


@pytest.fixture
async def scene(session: AsyncSession, world: World) -> ReviewScene:
    return await make_review_scene(session, world)


async def _done(client: httpx.AsyncClient, world: World, scene: ReviewScene) -> dict[str, Any]:
    template = await create_template(client, world)
    return await create_review(
        client,
        world,
        scene.contract.id,
        template_id=template["id"],
        done_on=str(today()),
        answers=COMPLETE,
        outcome="ok",
    )


async def sign(
    client: httpx.AsyncClient, world: World, review_id: str, role: str, as_: str, **headers: str
) -> httpx.Response:
    return await client.post(
        f"{REVIEWS}/{review_id}/sign-offs",
        json={"role": role},
        headers={**world[as_].headers, **headers},
    )


async def test_tutor_and_learner_sign_their_part_only(
    client: httpx.AsyncClient, world: World, scene: ReviewScene, session: AsyncSession
) -> None:
    review = await _done(client, world, scene)
    rid = review["id"]
    assert (await sign(client, world, rid, "learner", "tutor")).status_code == 403
    assert (await sign(client, world, rid, "tutor", "learner")).status_code == 403
    assert (await sign(client, world, rid, "tutor", "auditor")).status_code == 403
    assert (await sign(client, world, rid, "tutor", "prescriber")).status_code == 404
    stale = await sign(client, world, rid, "tutor", "tutor", **{"If-Match": '"9"'})
    assert stale.status_code == 412

    signed = await sign(client, world, rid, "tutor", "tutor", **{"If-Match": '"1"'})
    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert body["locked_at"] is not None and signed.headers["ETag"] == '"2"'
    assert [(s["role"], s["user_id"], s["recorded_by_id"]) for s in body["signoffs"]] == [
        ("tutor", world.tutor.id, None)
    ]
    again = await sign(client, world, rid, "tutor", "tutor")
    assert again.status_code == 409
    by_learner = await sign(client, world, rid, "learner", "learner")
    assert by_learner.status_code == 200
    assert [s["role"] for s in by_learner.json()["signoffs"]] == ["tutor", "learner"]
    assert by_learner.json()["locked_at"] == body["locked_at"]
    audit = await session.scalar(
        select(AuditEvent)
        .where(AuditEvent.object_id == rid, AuditEvent.action == "sign_off")
        .order_by(AuditEvent.occurred_at)  # the tutor's came first; rows have no order otherwise
    )
    assert audit is not None and audit.actor_id == world.tutor.id


async def test_a_signed_review_cannot_be_edited(
    client: httpx.AsyncClient, world: World, scene: ReviewScene
) -> None:
    review = await _done(client, world, scene)
    url = f"{REVIEWS}/{review['id']}"
    assert (await sign(client, world, review["id"], "learner", "learner")).status_code == 200
    for change in (
        {"answers": {**COMPLETE, "punctuality": 1}},
        {"outcome": "at_risk"},
        {"summary": "Rewritten"},
        {"done_on": None},
    ):
        refused = await client.patch(url, json=change, headers=world.coordinator.headers)
        assert refused.status_code == 409, change
        assert refused.headers["content-type"] == "application/problem+json"
        assert "signed review cannot be edited" in refused.json()["detail"]
    assert (await client.delete(url, headers=world.admin.headers)).status_code == 409
    after = (await client.get(url, headers=world.staff.headers)).json()
    assert (after["answers"], after["outcome"], after["version"]) == (COMPLETE, "ok", 2)


async def test_only_a_done_review_is_signed(
    client: httpx.AsyncClient, world: World, scene: ReviewScene
) -> None:
    planned = await create_review(client, world, scene.contract.id)
    refused = await sign(client, world, planned["id"], "tutor", "tutor")
    assert refused.status_code == 409 and "done_on" in refused.json()["detail"]


async def test_the_team_records_a_paper_signature_on_behalf(
    client: httpx.AsyncClient, world: World, scene: ReviewScene
) -> None:
    review = await _done(client, world, scene)
    for role, as_ in (("tutor", "company_relations"), ("learner", "referent")):
        answer = await sign(client, world, review["id"], role, as_)
        assert answer.status_code == 200, (role, answer.text)
    signoffs = answer.json()["signoffs"]
    assert [(s["role"], s["user_id"], s["recorded_by_id"]) for s in signoffs] == [
        ("tutor", world.tutor.id, world.company_relations.id),
        ("learner", world.learner.id, world.referent.id),
    ]
    # Another tutor of the organisation sees nothing of this contract.
    other = await create_review(
        client, world, scene.other_contract.id, done_on=str(today()), scheduled_on=None
    )
    assert (await sign(client, world, other["id"], "tutor", "tutor")).status_code == 404
    assert (await sign(client, world, other["id"], "learner", "referent")).status_code == 404
