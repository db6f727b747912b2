"""Lists and scope: who sees and changes which contract, for every role (other organisations
see nothing), and the list filters."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Role
from tests.factories import World
from tests.helpers_contracts import URL, Scene, create, days, make_scene, move_through

WRITERS = ("admin", "coordinator", "staff", "company_relations")
# Contract ``a``: the world's learner with the world's tutor; ``b``: another learner;
# ``c``: the world's learner at another company, with another tutor.
VISIBLE = {
    "admin": "abc",
    "coordinator": "abc",
    "staff": "abc",
    "company_relations": "abc",
    "auditor": "abc",
    "referent": "ac",  # the contracts of the learners they follow
    "learner": "ac",  # their own
    "prescriber": "ac",  # those of the learners they referred
    "tutor": "a",  # only what they tutor, not the other contracts of "their" learner
}


@pytest.fixture
async def scene(session: AsyncSession, world: World) -> Scene:
    return await make_scene(session, world)


@pytest.fixture
async def contracts(client: httpx.AsyncClient, world: World, scene: Scene) -> dict[str, str]:
    a = await create(client, world, scene.body())
    b = await create(client, world, scene.body(learner_id=scene.other.id, tutor_id=scene.tutor2.id))
    c = await create(
        client, world, scene.body(company_id=scene.other_company.id, tutor_id=scene.elsewhere.id)
    )
    return {"a": a["id"], "b": b["id"], "c": c["id"]}


def test_every_role_is_covered() -> None:
    assert set(VISIBLE) == {role.value for role in Role}


@pytest.mark.parametrize("role", list(VISIBLE))
async def test_reads_are_scoped(
    client: httpx.AsyncClient, world: World, contracts: dict[str, str], role: str
) -> None:
    headers = world[role].headers
    listed = await client.get(URL, headers=headers)
    assert listed.status_code == 200
    expected = {contracts[key] for key in VISIBLE[role]}
    assert {c["id"] for c in listed.json()["items"]} == expected
    for key, contract_id in contracts.items():
        code = 200 if key in VISIBLE[role] else 404
        assert (await client.get(f"{URL}/{contract_id}", headers=headers)).status_code == code
        events = await client.get(f"{URL}/{contract_id}/events", headers=headers)
        assert events.status_code == code


@pytest.mark.parametrize("role", list(VISIBLE))
async def test_writes_are_for_organisation_writers(
    client: httpx.AsyncClient, world: World, contracts: dict[str, str], role: str
) -> None:
    headers = world[role].headers
    for key, contract_id in contracts.items():
        in_scope = key in VISIBLE[role]
        expected = 200 if role in WRITERS else 403 if in_scope else 404
        url = f"{URL}/{contract_id}"
        patched = await client.patch(url, json={"opco": f"OPCO {role}"}, headers=headers)
        assert patched.status_code == expected, (role, key)
        moved = await client.post(f"{url}/transitions", json={"to": "signed"}, headers=headers)
        assert moved.status_code == expected, (role, key)
        changed = await client.post(
            f"{url}/tutor-changes", json={"tutor_id": None}, headers=headers
        )
        assert changed.status_code == expected, (role, key)


@pytest.mark.parametrize("role", [r for r in VISIBLE if r not in WRITERS])
async def test_read_only_roles_cannot_create(
    client: httpx.AsyncClient, world: World, scene: Scene, role: str
) -> None:
    refused = await client.post(URL, json=scene.body(), headers=world[role].headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"


async def test_another_organisation_sees_nothing(
    client: httpx.AsyncClient,
    world: World,
    other_world: World,
    contracts: dict[str, str],
    session: AsyncSession,
) -> None:
    headers = other_world.admin.headers
    assert (await client.get(URL, headers=headers)).json()["items"] == []
    for contract_id in contracts.values():
        url = f"{URL}/{contract_id}"
        assert (await client.get(url, headers=headers)).status_code == 404
        assert (await client.get(f"{url}/events", headers=headers)).status_code == 404
        assert (await client.patch(url, json={"opco": "X"}, headers=headers)).status_code == 404
        moved = await client.post(f"{url}/transitions", json={"to": "signed"}, headers=headers)
        assert moved.status_code == 404
    theirs = await make_scene(session, other_world)
    ours = await client.get(f"{URL}/{contracts['a']}", headers=world.staff.headers)
    refused = await client.post(
        URL,
        json=theirs.body(learner_id=ours.json()["learner_id"]),
        headers=other_world.staff.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "learner_id"]


async def test_filters(client: httpx.AsyncClient, world: World, scene: Scene) -> None:
    mine = await create(client, world, scene.body())
    other = await create(
        client,
        world,
        scene.body(
            learner_id=scene.other.id,
            tutor_id=scene.tutor2.id,
            cohort_id=None,
            kind="professionalisation",
            start_date=days(10),
            practical_start_date=None,
        ),
    )
    await move_through(client, world, mine["id"], "signed")
    expectations = [
        ({"learner_id": scene.mine.id}, [mine]),
        ({"tutor_id": scene.tutor2.id}, [other]),
        ({"company_id": scene.company.id}, [mine, other]),
        ({"cohort_id": scene.cohort.id}, [mine]),
        ({"status": "signed"}, [mine]),
        ({"kind": "professionalisation"}, [other]),
        ({"running": "true"}, [mine]),
        ({"running": "false"}, [other]),
        ({"start_from": days(0)}, [other]),
        ({"start_to": days(0)}, [mine]),
        ({"updated_since": mine["updated_at"]}, [mine, other]),
        ({"status": "signed", "kind": "professionalisation"}, []),
    ]
    for params, expected in expectations:
        listed = await client.get(URL, params=params, headers=world.staff.headers)
        assert listed.status_code == 200, params
        assert {c["id"] for c in listed.json()["items"]} == {c["id"] for c in expected}, params
    bad = await client.get(URL, params={"status": "lost"}, headers=world.staff.headers)
    assert bad.status_code == 422
