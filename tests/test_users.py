"""Users and roles: who manages whom, and who sees which colleagues."""

from __future__ import annotations

import httpx

from tests.factories import World

NEW = {
    "email": "lea.petit@cfa-exemple.fr",
    "first_name": "Léa",
    "last_name": "Petit",
    "roles": ["referent"],
}


async def test_admin_and_coordinator_create_users(client: httpx.AsyncClient, world: World) -> None:
    for n, role in enumerate(("admin", "coordinator")):
        answer = await client.post(
            "/api/v1/users",
            json={**NEW, "email": f"u{n}@cfa-exemple.fr"},
            headers=world[role].headers,
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["roles"] == ["referent"]


async def test_other_roles_cannot_manage_users(client: httpx.AsyncClient, world: World) -> None:
    for role in ("staff", "company_relations", "auditor", "referent"):
        answer = await client.post("/api/v1/users", json=NEW, headers=world[role].headers)
        assert answer.status_code == 403, role


async def test_only_an_admin_grants_admin(client: httpx.AsyncClient, world: World) -> None:
    denied = await client.post(
        "/api/v1/users", json={**NEW, "roles": ["admin"]}, headers=world.coordinator.headers
    )
    assert denied.status_code == 403
    promote = await client.patch(
        f"/api/v1/users/{world.staff.id}",
        json={"roles": ["admin"]},
        headers=world.coordinator.headers,
    )
    assert promote.status_code == 403
    ok = await client.patch(
        f"/api/v1/users/{world.staff.id}", json={"roles": ["admin"]}, headers=world.admin.headers
    )
    assert ok.status_code == 200 and ok.json()["roles"] == ["admin"]


async def test_duplicate_email_is_409(client: httpx.AsyncClient, world: World) -> None:
    await client.post("/api/v1/users", json=NEW, headers=world.admin.headers)
    again = await client.post(
        "/api/v1/users", json={**NEW, "email": NEW["email"].upper()}, headers=world.admin.headers
    )
    assert again.status_code == 409


async def test_bad_role_is_422_naming_roles(client: httpx.AsyncClient, world: World) -> None:
    answer = await client.post(
        "/api/v1/users", json={**NEW, "roles": ["boss"]}, headers=world.admin.headers
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"][:2] == ["body", "roles"]


async def test_people_see_themselves_and_change_only_their_names(
    client: httpx.AsyncClient, world: World
) -> None:
    listed = await client.get("/api/v1/users", headers=world.learner.headers)
    assert [u["id"] for u in listed.json()["items"]] == [world.learner.id]
    other = await client.get(f"/api/v1/users/{world.staff.id}", headers=world.tutor.headers)
    assert other.status_code == 404
    renamed = await client.patch(
        f"/api/v1/users/{world.learner.id}",
        json={"first_name": "Sam"},
        headers=world.learner.headers,
    )
    assert renamed.status_code == 200 and renamed.json()["first_name"] == "Sam"
    escalate = await client.patch(
        f"/api/v1/users/{world.learner.id}",
        json={"roles": ["staff"]},
        headers=world.learner.headers,
    )
    assert escalate.status_code == 403


async def test_users_of_another_organisation_are_invisible(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    listed = await client.get("/api/v1/users", params={"limit": 500}, headers=world.admin.headers)
    ids = {u["id"] for u in listed.json()["items"]}
    assert world.staff.id in ids and other_world.staff.id not in ids
    answer = await client.get(f"/api/v1/users/{other_world.staff.id}", headers=world.admin.headers)
    assert answer.status_code == 404
    patch = await client.patch(
        f"/api/v1/users/{other_world.staff.id}", json={"active": False}, headers=world.admin.headers
    )
    assert patch.status_code == 404


async def test_organisation_is_read_by_members_and_changed_by_admins(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    org_id = world.organisation.id
    assert (
        await client.get(f"/api/v1/organisations/{org_id}", headers=world.learner.headers)
    ).status_code == 200
    assert (
        await client.get(f"/api/v1/organisations/{org_id}", headers=other_world.admin.headers)
    ).status_code == 404
    denied = await client.patch(
        f"/api/v1/organisations/{org_id}", json={"uai": "0751234A"}, headers=world.staff.headers
    )
    assert denied.status_code == 403
    ok = await client.patch(
        f"/api/v1/organisations/{org_id}", json={"uai": "0751234A"}, headers=world.admin.headers
    )
    assert ok.status_code == 200 and ok.json()["uai"] == "0751234A"
    bad_tz = await client.patch(
        f"/api/v1/organisations/{org_id}",
        json={"timezone": "Mars/Olympus"},
        headers=world.admin.headers,
    )
    assert bad_tz.status_code == 422
