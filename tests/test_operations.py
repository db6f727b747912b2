"""Liveness and readiness, as a load balancer or an orchestrator would ask."""

from __future__ import annotations

import httpx

from app.core.config import Settings
from app.main import create_app


async def test_health_and_ready_on_a_migrated_database(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready" and ready.json()["revision"] == ready.json()["head"]


async def test_not_ready_when_the_database_is_not_migrated(
    tmp_path: object, settings: Settings
) -> None:
    empty = settings.model_copy(update={"database_url": "sqlite+aiosqlite:///:memory:"})
    app = create_app(empty)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        ready = await client.get("/ready")
        assert (await client.get("/health")).status_code == 200
    assert ready.status_code == 503
    assert ready.json()["status"] == "not_ready"
