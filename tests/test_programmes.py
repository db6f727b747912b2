"""Programmes: the reference resource for the API conventions shared by every resource."""

from __future__ import annotations

import httpx

from tests.factories import World

BODY = {"title": "BTS MCO", "rncp_code": "RNCP38362", "level": 5, "duration_months": 24}


async def test_staff_creates_and_everyone_in_the_organisation_reads(
    client: httpx.AsyncClient, world: World
) -> None:
    created = await client.post("/api/v1/programmes", json=BODY, headers=world.staff.headers)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    programme_id = created.json()["id"]
    for role in ("learner", "tutor", "prescriber", "auditor"):
        read = await client.get(f"/api/v1/programmes/{programme_id}", headers=world[role].headers)
        assert read.status_code == 200
        assert read.json()["title"] == "BTS MCO"


async def test_read_only_roles_cannot_create(client: httpx.AsyncClient, world: World) -> None:
    for role in ("auditor", "tutor", "learner", "prescriber", "referent"):
        answer = await client.post("/api/v1/programmes", json=BODY, headers=world[role].headers)
        assert answer.status_code == 403, role
        assert answer.headers["content-type"] == "application/problem+json"


async def test_another_organisation_gets_404(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    created = await client.post("/api/v1/programmes", json=BODY, headers=world.staff.headers)
    programme_id = created.json()["id"]
    other = await client.get(
        f"/api/v1/programmes/{programme_id}", headers=other_world.admin.headers
    )
    assert other.status_code == 404
    listed = await client.get("/api/v1/programmes", headers=other_world.admin.headers)
    assert listed.json()["items"] == []


async def test_by_ref_upsert_is_idempotent_and_findable(
    client: httpx.AsyncClient, world: World
) -> None:
    url = "/api/v1/programmes/by-ref/ypareo/F-42"
    first = await client.put(url, json=BODY, headers=world.staff.headers)
    assert first.status_code == 201
    again = await client.put(url, json=BODY, headers=world.staff.headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["version"] == first.json()["version"]  # nothing changed
    changed = await client.put(url, json={**BODY, "level": 6}, headers=world.staff.headers)
    assert changed.json()["level"] == 6 and changed.json()["version"] == 2
    found = await client.get(
        "/api/v1/programmes", params={"external_ref": "ypareo:F-42"}, headers=world.staff.headers
    )
    assert [p["id"] for p in found.json()["items"]] == [first.json()["id"]]
    assert found.json()["items"][0]["external_refs"] == [{"source": "ypareo", "ref": "F-42"}]
    missing = await client.get(
        "/api/v1/programmes", params={"external_ref": "ypareo:nope"}, headers=world.staff.headers
    )
    assert missing.json()["items"] == []


async def test_filters_and_invalid_codes(client: httpx.AsyncClient, world: World) -> None:
    await client.post("/api/v1/programmes", json=BODY, headers=world.staff.headers)
    await client.post("/api/v1/programmes", json={**BODY, "level": 7}, headers=world.staff.headers)
    level7 = await client.get("/api/v1/programmes?level=7", headers=world.staff.headers)
    assert [p["level"] for p in level7.json()["items"]] == [7]
    bad = await client.post(
        "/api/v1/programmes", json={**BODY, "rncp_code": "ABC"}, headers=world.staff.headers
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][:2] == ["body", "rncp_code"]
