"""Review grids: read by the whole organisation, written by admins, coordinators and staff,
versioned so that a grid a review uses is never changed in place."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, ReviewTemplate
from tests.factories import World
from tests.helpers_reviews import (
    ALL_ROLES,
    TEMPLATES,
    ReviewScene,
    create_review,
    create_template,
    grid,
    make_review_scene,
)

WRITERS = ("admin", "coordinator", "staff")


@pytest.fixture
async def scene(session: AsyncSession, world: World) -> ReviewScene:
    return await make_review_scene(session, world)


async def _count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ReviewTemplate)) or 0


async def test_everyone_in_the_organisation_reads_only_writers_write(
    client: httpx.AsyncClient, world: World, other_world: World, session: AsyncSession
) -> None:
    created = await client.post(TEMPLATES, json=grid(), headers=world.coordinator.headers)
    assert created.status_code == 201, created.text
    template = created.json()
    assert (template["code"], template["revision"], template["superseded"]) == ("visite", 1, False)
    assert template["in_use"] is False and created.headers["ETag"] == '"1"'
    assert template["sections"][0]["criteria"][0]["scale"] == [1, 2, 3, 4]
    assert template["sections"][0]["criteria"][1]["scale"] == ["fragile", "correct", "excellent"]
    audit = await session.scalar(select(AuditEvent).where(AuditEvent.object_id == template["id"]))
    assert audit is not None and (audit.action, audit.object_type) == ("create", "review_template")

    url = f"{TEMPLATES}/{template['id']}"
    for role in ALL_ROLES:
        assert (await client.get(url, headers=world[role].headers)).status_code == 200, role
        listed = await client.get(TEMPLATES, headers=world[role].headers)
        assert template["id"] in [t["id"] for t in listed.json()["items"]], role
        allowed = role in WRITERS
        patched = await client.patch(url, json={"title": role}, headers=world[role].headers)
        assert patched.status_code == (200 if allowed else 403), role
        body = grid(code=f"grid-{role}")
        posted = await client.post(TEMPLATES, json=body, headers=world[role].headers)
        assert posted.status_code == (201 if allowed else 403), role
    assert (await client.get(url, headers=other_world.admin.headers)).status_code == 404
    assert (await client.get(TEMPLATES, headers=other_world.admin.headers)).json()["items"] == []
    assert await _count(session) == 1 + len(WRITERS)


async def test_bad_grids_are_422_naming_the_field_and_nothing_is_written(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    base = grid()
    duplicated = grid(sections=[base["sections"][0], {**base["sections"][0], "title": "Bis"}])
    empty_scale = grid()
    empty_scale["sections"][0]["criteria"][0]["scale"] = []
    cases: list[tuple[dict[str, Any], list[Any]]] = [
        (duplicated, ["body", "sections", 1, "key"]),
        (empty_scale, ["body", "sections", 0, "criteria", 0, "scale"]),
        (grid(sections=[]), ["body", "sections"]),
        (grid(code="Has Spaces"), ["body", "code"]),
        (grid(kinds=["coffee"]), ["body", "kinds", 0]),
    ]
    for body, loc in cases:
        answer = await client.post(TEMPLATES, json=body, headers=world.staff.headers)
        assert answer.status_code == 422, body
        assert answer.headers["content-type"] == "application/problem+json"
        assert loc in [e["loc"] for e in answer.json()["errors"]], answer.json()
    assert await _count(session) == 0


async def test_code_taken_is_a_409_pointing_to_revisions(
    client: httpx.AsyncClient, world: World
) -> None:
    first = await create_template(client, world)
    again = await client.post(TEMPLATES, json=grid(), headers=world.staff.headers)
    assert again.status_code == 409 and again.json()["current_id"] == first["id"]
    assert "/revisions" in again.json()["detail"]


async def test_unused_grid_changes_in_place(client: httpx.AsyncClient, world: World) -> None:
    template = await create_template(client, world)
    url = f"{TEMPLATES}/{template['id']}"
    sections = grid()["sections"][:1]
    changed = await client.patch(
        url, json={"sections": sections}, headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["id"], changed.json()["revision"]) == (template["id"], 1)
    assert len(changed.json()["sections"]) == 1 and changed.headers["ETag"] == '"2"'
    stale = await client.patch(
        url, json={"title": "Autre"}, headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 412


async def test_a_grid_in_use_is_never_changed_in_place_a_revision_is_made(
    client: httpx.AsyncClient, world: World, scene: ReviewScene, session: AsyncSession
) -> None:
    v1 = await create_template(client, world)
    review = await create_review(client, world, scene.contract.id, template_id=v1["id"])
    assert review["template_revision"] == 1
    url = f"{TEMPLATES}/{v1['id']}"
    assert (await client.get(url, headers=world.staff.headers)).json()["in_use"] is True

    refused = await client.patch(url, json={"title": "Changed"}, headers=world.staff.headers)
    assert refused.status_code == 409 and "/revisions" in refused.json()["detail"]
    assert (await client.delete(url, headers=world.staff.headers)).status_code == 409

    stale = await client.post(
        f"{url}/revisions", json={}, headers={**world.staff.headers, "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    new_sections = grid()["sections"][1:]
    revised = await client.post(
        f"{url}/revisions",
        json={"title": "Grille v2", "sections": new_sections},
        headers={**world.coordinator.headers, "If-Match": '"1"'},
    )
    assert revised.status_code == 201, revised.text
    v2 = revised.json()
    assert v2["id"] != v1["id"] and revised.headers["Location"] == f"{TEMPLATES}/{v2['id']}"
    assert (v2["code"], v2["revision"], v2["title"], v2["superseded"]) == (
        "visite",
        2,
        "Grille v2",
        False,
    )
    assert v2["kinds"] == v1["kinds"] and len(v2["sections"]) == 1
    old = (await client.get(url, headers=world.staff.headers)).json()
    assert old["superseded"] is True and old["sections"] == v1["sections"]
    assert old["title"] == v1["title"] and old["version"] == 2

    # The review keeps the revision it was recorded on.
    kept = await client.get(f"/api/v1/reviews/{review['id']}", headers=world.staff.headers)
    assert (kept.json()["template_id"], kept.json()["template_revision"]) == (v1["id"], 1)
    # Only the latest revision changes or is revised; new reviews take it, not the old one.
    assert (await client.post(f"{url}/revisions", json={}, headers=world.staff.headers)).json()[
        "current_id"
    ] == v2["id"]
    assert (
        await client.patch(url, json={"title": "x"}, headers=world.staff.headers)
    ).status_code == 409
    on_old = await client.post(
        "/api/v1/reviews",
        json={
            "contract_id": scene.contract.id,
            "kind": "visit",
            "scheduled_on": "2026-10-01",
            "template_id": v1["id"],
        },
        headers=world.staff.headers,
    )
    assert on_old.status_code == 422
    assert on_old.json()["errors"][0]["loc"] == ["body", "template_id"]
    assert v2["id"] in on_old.json()["errors"][0]["msg"]

    current = await client.get(f"{TEMPLATES}?superseded=false", headers=world.staff.headers)
    assert [t["id"] for t in current.json()["items"]] == [v2["id"]]
    by_code = await client.get(f"{TEMPLATES}?code=visite", headers=world.staff.headers)
    assert {t["revision"] for t in by_code.json()["items"]} == {1, 2}
    rows = (await session.scalars(select(ReviewTemplate.revision))).all()
    assert sorted(rows) == [1, 2]


async def test_revision_forbidden_to_readers(client: httpx.AsyncClient, world: World) -> None:
    v1 = await create_template(client, world)
    for role in ("company_relations", "referent", "tutor", "auditor"):
        answer = await client.post(
            f"{TEMPLATES}/{v1['id']}/revisions", json={}, headers=world[role].headers
        )
        assert answer.status_code == 403, role


async def test_deleting_the_latest_unused_revision_restores_the_previous(
    client: httpx.AsyncClient, world: World, scene: ReviewScene
) -> None:
    v1 = await create_template(client, world)
    await create_review(client, world, scene.contract.id, template_id=v1["id"])
    v2 = (
        await client.post(f"{TEMPLATES}/{v1['id']}/revisions", json={}, headers=world.staff.headers)
    ).json()
    assert (
        await client.delete(f"{TEMPLATES}/{v1['id']}", headers=world.staff.headers)
    ).status_code == 409
    gone = await client.delete(f"{TEMPLATES}/{v2['id']}", headers=world.staff.headers)
    assert gone.status_code == 204
    back = (await client.get(f"{TEMPLATES}/{v1['id']}", headers=world.staff.headers)).json()
    assert back["superseded"] is False
    refused = await client.delete(f"{TEMPLATES}/{v1['id']}", headers=world.referent.headers)
    assert refused.status_code == 403


async def test_sync_by_reference_follows_the_same_rules(
    client: httpx.AsyncClient, world: World, scene: ReviewScene
) -> None:
    url = f"{TEMPLATES}/by-ref/ypareo/G1"
    created = await client.put(
        url, json=grid(kinds=["visit", "visit"]), headers=world.staff.headers
    )
    assert created.status_code == 201, created.text
    template = created.json()
    assert template["kinds"] == ["visit"]
    assert template["external_refs"] == [{"source": "ypareo", "ref": "G1"}]
    bad = grid()
    bad["sections"][1]["criteria"][0]["scale"] = ["a"]  # a text criterion with a scale
    refused = await client.put(url, json=bad, headers=world.staff.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "sections", 1, "criteria", 0, "scale"]
    renamed = await client.put(url, json=grid(code="other"), headers=world.staff.headers)
    assert renamed.status_code == 422 and renamed.json()["errors"][0]["loc"] == ["body", "code"]
    await create_review(client, world, scene.contract.id, template_id=template["id"])
    in_use = await client.put(url, json=grid(title="Changed"), headers=world.staff.headers)
    assert in_use.status_code == 409
