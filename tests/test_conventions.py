"""The API conventions every resource shares (API.md), checked once on real routes."""

from __future__ import annotations

import httpx
from fastapi import APIRouter

from app.core.config import Settings
from app.main import create_app
from app.routing import UnitOfWorkRoute
from tests.factories import World

PROBLEM = "application/problem+json"
BODY = {"title": "CAP Cuisine", "level": 3}


async def test_unknown_route_and_wrong_method_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    assert missing.json()["type"].endswith("/not-found")
    wrong = await client.delete("/health")
    assert wrong.status_code == 405 and wrong.headers["content-type"] == PROBLEM


async def test_validation_errors_name_the_field_and_change_nothing(
    client: httpx.AsyncClient, world: World
) -> None:
    bad = await client.post(
        "/api/v1/programmes", json={"title": "", "level": 99}, headers=world.staff.headers
    )
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
    locs = [tuple(e["loc"]) for e in bad.json()["errors"]]
    assert ("body", "title") in locs and ("body", "level") in locs
    unknown = await client.post(
        "/api/v1/programmes", json={**BODY, "titel": "typo"}, headers=world.staff.headers
    )
    assert unknown.status_code == 422
    assert any(e["loc"][-1] == "titel" for e in unknown.json()["errors"])
    listed = await client.get("/api/v1/programmes", headers=world.staff.headers)
    assert listed.json()["items"] == []


async def test_null_on_a_required_field_is_422_not_a_database_error(
    client: httpx.AsyncClient, world: World
) -> None:
    created = await client.post("/api/v1/programmes", json=BODY, headers=world.staff.headers)
    url = f"/api/v1/programmes/{created.json()['id']}"
    answer = await client.patch(url, json={"title": None}, headers=world.staff.headers)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "title"]
    assert (await client.get(url, headers=world.staff.headers)).json()["title"] == "CAP Cuisine"


async def test_nul_characters_are_refused_not_crashed_on(
    client: httpx.AsyncClient, world: World
) -> None:
    body = await client.post(
        "/api/v1/programmes", json={"title": "CAP\x00"}, headers=world.staff.headers
    )
    assert body.status_code == 422
    query = await client.get("/api/v1/users?email=a%00b", headers=world.staff.headers)
    assert query.status_code == 400 and query.headers["content-type"] == PROBLEM


async def test_stale_if_match_is_412_and_fresh_one_passes(
    client: httpx.AsyncClient, world: World
) -> None:
    created = await client.post("/api/v1/programmes", json=BODY, headers=world.staff.headers)
    url = f"/api/v1/programmes/{created.json()['id']}"
    etag = created.headers["ETag"]
    ok = await client.patch(
        url, json={"level": 4}, headers={**world.staff.headers, "If-Match": etag}
    )
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"'
    stale = await client.patch(
        url, json={"level": 5}, headers={**world.staff.headers, "If-Match": etag}
    )
    assert stale.status_code == 412 and stale.headers["content-type"] == PROBLEM
    assert (await client.get(url, headers=world.staff.headers)).json()["level"] == 4
    stale_delete = await client.delete(url, headers={**world.staff.headers, "If-Match": etag})
    assert stale_delete.status_code == 412


async def test_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient, world: World
) -> None:
    headers = {**world.staff.headers, "Idempotency-Key": "import-42"}
    first = await client.post("/api/v1/programmes", json=BODY, headers=headers)
    second = await client.post("/api/v1/programmes", json=BODY, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    listed = await client.get("/api/v1/programmes", headers=world.staff.headers)
    assert len(listed.json()["items"]) == 1
    other_body = await client.post("/api/v1/programmes", json={**BODY, "level": 4}, headers=headers)
    assert other_body.status_code == 422
    assert other_body.json()["type"].endswith("/idempotency-key-reused")


async def test_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    echoed = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    made = await client.get("/health")
    assert len(made.headers["X-Request-ID"]) >= 16


async def test_cursor_pagination_walks_every_item_once(
    client: httpx.AsyncClient, world: World
) -> None:
    for n in range(7):
        await client.post(
            "/api/v1/programmes", json={"title": f"P{n}"}, headers=world.staff.headers
        )
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (
            await client.get("/api/v1/programmes", params=params, headers=world.staff.headers)
        ).json()
        seen += [p["title"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"P{n}" for n in range(7)]
    newest = await client.get(
        "/api/v1/programmes",
        params={"sort": "-created_at", "limit": 1},
        headers=world.staff.headers,
    )
    assert newest.json()["items"][0]["title"] == "P6"
    bad = await client.get(
        "/api/v1/programmes", params={"cursor": "garbage!"}, headers=world.staff.headers
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "cursor"]


async def test_every_change_is_in_the_audit_log(client: httpx.AsyncClient, world: World) -> None:
    created = await client.post("/api/v1/programmes", json=BODY, headers=world.staff.headers)
    programme_id = created.json()["id"]
    await client.patch(
        f"/api/v1/programmes/{programme_id}", json={"level": 4}, headers=world.staff.headers
    )
    await client.delete(f"/api/v1/programmes/{programme_id}", headers=world.staff.headers)
    log = await client.get(
        "/api/v1/audit-events", params={"object_id": programme_id}, headers=world.auditor.headers
    )
    assert log.status_code == 200
    events = log.json()["items"]
    assert [e["action"] for e in events] == ["delete", "update", "create"]
    assert all(e["actor_id"] == world.staff.id for e in events)
    assert events[1]["changes"] == {"level": {"from": 3, "to": 4}}
    for role in ("staff", "coordinator", "tutor"):
        denied = await client.get("/api/v1/audit-events", headers=world[role].headers)
        assert denied.status_code == 403


async def test_passwords_never_reach_the_audit_log(client: httpx.AsyncClient, world: World) -> None:
    await client.post(
        "/api/v1/users",
        json={
            "email": "new@x.fr",
            "first_name": "N",
            "last_name": "U",
            "roles": ["staff"],
            "password": "a-secret-password",
        },
        headers=world.admin.headers,
    )
    log = await client.get("/api/v1/audit-events", headers=world.admin.headers)
    assert "password" not in log.text and "argon2" not in log.text


async def test_crash_is_a_500_problem_without_details_and_rolls_back(settings: Settings) -> None:
    app = create_app(settings)
    router = APIRouter(route_class=UnitOfWorkRoute)

    @router.get("/boom", operation_id="boom")
    async def boom() -> None:
        raise RuntimeError("SELECT secret FROM users -- Traceback")

    app.include_router(router)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get("/boom")
    assert answer.status_code == 500 and answer.headers["content-type"] == PROBLEM
    assert "SELECT" not in answer.text and "Traceback" not in answer.text
