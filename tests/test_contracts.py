"""Contracts: fields, references, filters, tutor changes, history, by-ref sync, audit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Contract
from tests.factories import World
from tests.helpers_contracts import URL, Scene, create, days, make_scene, move_through


@pytest.fixture
async def scene(session: AsyncSession, world: World) -> Scene:
    return await make_scene(session, world)


async def test_create_and_read(client: httpx.AsyncClient, world: World, scene: Scene) -> None:
    answer = await client.post(URL, json=scene.body(), headers=world.staff.headers)
    assert answer.status_code == 201, answer.text
    assert answer.headers["ETag"] == '"1"'
    contract = answer.json()
    assert answer.headers["Location"] == f"{URL}/{contract['id']}"
    assert contract["status"] == "draft" and contract["break"] is None
    assert contract["running"] is False
    assert contract["opco"] == "OPCO EP"  # the company's, when not given
    assert contract["start_date"] == days(-30) and contract["sites"] == []
    read = await client.get(f"{URL}/{contract['id']}", headers=world.auditor.headers)
    assert read.json() == contract
    events = await client.get(f"{URL}/{contract['id']}/events", headers=world.staff.headers)
    [created] = events.json()["items"]
    assert (created["kind"], created["to_status"], created["to_tutor_id"]) == (
        "created",
        "draft",
        scene.tutor.id,
    )
    assert created["on"] == days(0) and created["actor_id"] == world.staff.id


async def test_status_and_break_are_read_only(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    for extra in ({"status": "registered"}, {"break": {"date": days(0), "initiator": "mutual"}}):
        refused = await client.post(URL, json=scene.body(**extra), headers=world.staff.headers)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["loc"][:2] == ["body", next(iter(extra))]
    contract = await create(client, world, scene.body())
    patched = await client.patch(
        f"{URL}/{contract['id']}", json={"status": "signed"}, headers=world.staff.headers
    )
    assert patched.status_code == 422


async def _count_contracts(session: AsyncSession) -> tuple[int, int]:
    contracts = await session.scalar(select(func.count()).select_from(Contract))
    audits = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "contract")
    )
    return contracts or 0, audits or 0


async def test_bad_references_are_422_naming_the_field_and_write_nothing(
    client: httpx.AsyncClient,
    world: World,
    other_world: World,
    scene: Scene,
    session: AsyncSession,
) -> None:
    foreign = await make_scene(session, other_world)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"learner_id": "nope"}, "learner_id"),
        ({"learner_id": foreign.mine.id}, "learner_id"),
        ({"company_id": foreign.company.id, "tutor_id": None}, "company_id"),
        ({"tutor_id": scene.elsewhere.id}, "tutor_id"),  # works at another company
        ({"tutor_id": foreign.tutor.id}, "tutor_id"),
        ({"cohort_id": foreign.cohort.id}, "cohort_id"),
        ({"end_date": days(-30)}, "end_date"),
        ({"practical_start_date": days(-31)}, "practical_start_date"),
        ({"practical_start_date": days(70)}, "practical_start_date"),  # > 3 months after start
        ({"sites": [{"name": "Annexe"}]}, "sites"),  # apprenticeships have no extra sites
        ({"kind": "cdi"}, "kind"),
    ]
    for change, field in cases:
        refused = await client.post(URL, json=scene.body(**change), headers=world.staff.headers)
        assert refused.status_code == 422, change
        assert refused.json()["errors"][0]["loc"][:2] == ["body", field], refused.text
    both = await client.post(
        URL, json=scene.body(learner_id="x", cohort_id="y"), headers=world.staff.headers
    )
    assert [e["loc"][1] for e in both.json()["errors"]] == ["learner_id", "cohort_id"]
    assert await _count_contracts(session) == (0, 0)
    contract = await create(client, world, scene.body())
    for change, field in (
        ({"company_id": scene.other_company.id}, "company_id"),  # the tutor stays at the old one
        ({"start_date": days(700)}, "start_date"),
        ({"learner_id": None}, "learner_id"),
    ):
        refused = await client.patch(
            f"{URL}/{contract['id']}", json=change, headers=world.staff.headers
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["loc"] == ["body", field]
    assert await _count_contracts(session) == (1, 1)


async def test_internship_sites(client: httpx.AsyncClient, world: World, scene: Scene) -> None:
    sites = [
        {
            "name": "Annexe Lyon",
            "siret": "73282932000074",
            "address": {"city": "Lyon"},
            "from": days(0),
            "to": days(30),
        },
    ]
    contract = await create(client, world, scene.body(kind="internship", sites=sites))
    assert contract["sites"] == [{**sites[0], "address": {"city": "Lyon"}}]
    backwards = {**sites[0], "from": days(30), "to": days(0)}
    refused = await client.patch(
        f"{URL}/{contract['id']}", json={"sites": [backwards]}, headers=world.staff.headers
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"][:2] == [
        "body",
        "sites",
    ]


async def test_tutor_changes_are_recorded(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    contract = await create(client, world, scene.body())
    url = f"{URL}/{contract['id']}"
    patched = await client.patch(
        url, json={"tutor_id": scene.tutor2.id}, headers=world.staff.headers
    )
    assert patched.status_code == 200 and patched.json()["tutor_id"] == scene.tutor2.id
    # The world's tutor no longer tutors it, so no longer sees it.
    assert (await client.get(url, headers=world.tutor.headers)).status_code == 404
    changes = f"{url}/tutor-changes"
    back = {"tutor_id": scene.tutor.id, "on": days(-1), "reason": "Conflict with Ana"}
    stale = await client.post(
        changes, json=back, headers={**world.coordinator.headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    changed = await client.post(
        changes, json=back, headers={**world.coordinator.headers, "If-Match": '"2"'}
    )
    assert changed.status_code == 200 and changed.headers["ETag"] == '"3"'
    for refused_body in ({"tutor_id": scene.tutor.id}, {"tutor_id": scene.elsewhere.id}):
        refused = await client.post(changes, json=refused_body, headers=world.staff.headers)
        assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == [
            "body",
            "tutor_id",
        ]
    await move_through(client, world, contract["id"], "signed")
    events = (await client.get(f"{url}/events", headers=world.staff.headers)).json()["items"]
    assert [
        (e["kind"], e["from_tutor_id"], e["to_tutor_id"], e["reason"], e["actor_id"])
        for e in events[1:3]
    ] == [
        ("tutor_change", scene.tutor.id, scene.tutor2.id, None, world.staff.id),
        (
            "tutor_change",
            scene.tutor2.id,
            scene.tutor.id,
            "Conflict with Ana",
            world.coordinator.id,
        ),
    ]
    assert events[2]["on"] == days(-1)
    assert [e["kind"] for e in events] == ["created", "tutor_change", "tutor_change", "transition"]
    page = await client.get(f"{url}/events", params={"limit": 3}, headers=world.tutor.headers)
    assert len(page.json()["items"]) == 3 and page.json()["next_cursor"]
    rest = await client.get(
        f"{url}/events", params={"cursor": page.json()["next_cursor"]}, headers=world.tutor.headers
    )
    assert [e["kind"] for e in rest.json()["items"]] == ["transition"]


async def test_by_ref_upsert_is_idempotent(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    url = f"{URL}/by-ref/ypareo/C-42"
    body = scene.body(kind="internship", sites=[{"name": "Annexe", "from": days(0)}])
    first = await client.put(url, json=body, headers=world.staff.headers)
    assert first.status_code == 201, first.text
    again = await client.put(url, json=body, headers=world.staff.headers)
    assert again.status_code == 200
    assert again.json() == first.json()  # same id, same version: nothing changed
    changed = await client.put(
        url, json={**body, "tutor_id": scene.tutor2.id}, headers=world.staff.headers
    )
    assert changed.json()["version"] == 2
    found = await client.get(
        URL, params={"external_ref": "ypareo:C-42"}, headers=world.staff.headers
    )
    assert [c["id"] for c in found.json()["items"]] == [first.json()["id"]]
    events = await client.get(f"{URL}/{first.json()['id']}/events", headers=world.staff.headers)
    assert [e["kind"] for e in events.json()["items"]] == ["created", "tutor_change"]


async def test_patch_if_match_audit_and_delete(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    contract = await create(client, world, scene.body())
    url = f"{URL}/{contract['id']}"
    stale = await client.patch(
        url, json={"opco": "AKTO"}, headers={**world.staff.headers, "If-Match": '"5"'}
    )
    assert stale.status_code == 412
    fresh = await client.patch(
        url, json={"opco": "AKTO"}, headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert fresh.status_code == 200 and fresh.json()["opco"] == "AKTO"
    audit = await client.get(
        "/api/v1/audit-events",
        params={"object_id": contract["id"], "sort": "occurred_at"},
        headers=world.admin.headers,
    )
    assert [e["action"] for e in audit.json()["items"]] == ["create", "update"]
    assert audit.json()["items"][1]["changes"] == {"opco": {"from": "OPCO EP", "to": "AKTO"}}
    await move_through(client, world, contract["id"], "signed")
    kept = await client.delete(url, headers=world.staff.headers)
    assert kept.status_code == 409  # only a draft may be deleted: cancel keeps the history
    draft = await create(client, world, scene.body())
    assert (
        await client.delete(f"{URL}/{draft['id']}", headers=world.staff.headers)
    ).status_code == 204
    assert (
        await client.get(f"{URL}/{draft['id']}", headers=world.staff.headers)
    ).status_code == 404
