"""The test database: a fresh one per run, built by the migrations (never ``create_all``)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool


def test_database_url(tmp_dir: Path, suffix: str = "") -> str:
    url = os.environ.get("RELAIS_TEST_DATABASE_URL") or ""
    if not url:
        return f"sqlite+aiosqlite:///{tmp_dir / f'relais-test{suffix}.db'}"
    if suffix:
        parsed = make_url(url)
        return parsed.set(database=f"{parsed.database}{suffix}").render_as_string(
            hide_password=False
        )
    return url


def reset(url: str) -> None:
    """Start from an empty database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + extra).unlink(missing_ok=True)
        return
    asyncio.run(_reset_postgres(url))


async def _reset_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = create_async_engine(
        parsed.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    async with admin.connect() as connection:
        exists = await connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        )
        if not exists:
            await connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    await admin.dispose()
    engine = create_async_engine(url, poolclass=NullPool)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
