"""Readiness: the database answers and its schema is at the newest migration."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.migrations import head_revision


async def database_state(engine: AsyncEngine) -> tuple[bool, str | None, str]:
    """(reachable, current revision, head revision)."""
    head = head_revision()
    try:
        async with engine.connect() as connection:
            current = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # noqa: BLE001 - any failure means "not ready", with no details leaked
        return False, None, head
    return True, current, head
