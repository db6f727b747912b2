"""Signing in, refreshing, signing out, machine clients and the brake on guessing."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import hash_password
from app.models import IdempotencyRecord
from tests.factories import World

TOKEN_URL = "/api/v1/auth/token"
PASSWORD = "correct horse battery staple"


async def _with_password(session: AsyncSession, world: World, role: str = "staff") -> str:
    user = world[role].user
    user.password_hash = hash_password(PASSWORD)
    await session.merge(user)
    await session.commit()
    return user.email


async def _login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post(
        TOKEN_URL, data={"grant_type": "password", "username": email, "password": password}
    )


async def test_password_login_gives_tokens_that_open_me(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    email = await _with_password(session, world)
    answer = await _login(client, email)
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert tokens["token_type"] == "bearer" and tokens["refresh_token"]
    me = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["email"] == email and me.json()["roles"] == ["staff"]


async def test_wrong_password_is_a_problem_401(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    email = await _with_password(session, world)
    answer = await _login(client, email, "not the password")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"].endswith("/invalid-credentials")
    unknown = await _login(client, "nobody@nowhere.test", "whatever")
    assert unknown.status_code == 401
    assert unknown.json()["detail"] == answer.json()["detail"]  # no hint that the account exists


async def test_repeated_failures_answer_429_with_retry_after(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    email = await _with_password(session, world)
    for _ in range(5):
        assert (await _login(client, email, "guess")).status_code == 401
    blocked = await _login(client, email)  # even the right password waits
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert blocked.json()["status"] == 429


async def test_disabled_account_cannot_sign_in_nor_use_its_token(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    email = await _with_password(session, world)
    off = await client.patch(
        f"/api/v1/users/{world.staff.id}", json={"active": False}, headers=world.admin.headers
    )
    assert off.status_code == 200
    assert (await _login(client, email)).status_code == 401
    assert (await client.get("/api/v1/me", headers=world.staff.headers)).status_code == 401


async def test_refresh_rotates_and_reuse_revokes_the_family(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    email = await _with_password(session, world)
    first = (await _login(client, email)).json()["refresh_token"]
    second = await client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert second.status_code == 200
    second_token = second.json()["refresh_token"]
    assert second_token != first
    reused = await client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert reused.status_code == 401
    # The thief replayed the old token: the legitimate newer token is revoked too.
    after = await client.post("/api/v1/auth/refresh", json={"refresh_token": second_token})
    assert after.status_code == 401


async def test_logout_revokes_the_refresh_token(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    email = await _with_password(session, world)
    tokens = (await _login(client, email)).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    out = await client.post(
        "/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}, headers=headers
    )
    assert out.status_code == 204
    again = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert again.status_code == 401


async def test_machine_client_uses_client_credentials_with_its_scopes(
    client: httpx.AsyncClient, world: World
) -> None:
    created = await client.post(
        "/api/v1/api-clients", json={"name": "ERP", "scopes": ["read"]}, headers=world.admin.headers
    )
    assert created.status_code == 201, created.text
    credentials = created.json()
    token = await client.post(
        TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
    )
    assert token.status_code == 200, token.text
    assert token.json()["scope"] == "read" and token.json()["refresh_token"] is None
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert (await client.get("/api/v1/users", headers=headers)).status_code == 200
    me = await client.get("/api/v1/me", headers=headers)
    assert me.json()["kind"] == "api_client"
    # read scope cannot write
    write = await client.post("/api/v1/programmes", json={"title": "BTS"}, headers=headers)
    assert write.status_code == 403
    wrong = await client.post(
        TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": credentials["client_id"],
            "client_secret": "nope",
        },
    )
    assert wrong.status_code == 401
    # the secret is never readable again
    listed = await client.get("/api/v1/api-clients", headers=world.admin.headers)
    assert "client_secret" not in listed.json()["items"][0]


async def test_only_admins_manage_api_clients(client: httpx.AsyncClient, world: World) -> None:
    for role in ("coordinator", "staff", "auditor", "tutor"):
        answer = await client.post(
            "/api/v1/api-clients",
            json={"name": "x", "scopes": ["read"]},
            headers=world[role].headers,
        )
        assert answer.status_code == 403, role


async def test_missing_or_garbage_token_is_401(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/me")).status_code == 401
    bad = await client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.headers["WWW-Authenticate"] == "Bearer"


async def test_secrets_are_never_kept_for_idempotent_replay(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    headers = {**world.admin.headers, "Idempotency-Key": "client-1"}
    created = await client.post(
        "/api/v1/api-clients", json={"name": "ERP", "scopes": ["read"]}, headers=headers
    )
    secret = created.json()["client_secret"]
    stored = (await session.scalars(select(IdempotencyRecord.body))).all()
    assert all(secret not in body for body in stored)
