"""The test database: a fresh one per run, built by the migrations (never ``create_all``).

Under pytest-xdist each worker gets its own database (``relais_test_gw0``...; for SQLite a file
in the worker's own temporary directory), so workers never see each other's rows."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool


def worker_suffix() -> str:
    """``_gw0``, ``_gw1``... in a pytest-xdist worker, else empty."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"_{worker}" if worker else ""


def test_database_url(tmp_dir: Path, suffix: str = "") -> str:
    url = os.environ.get("RELAIS_TEST_DATABASE_URL") or ""
    suffix = f"{suffix}{worker_suffix()}"
    if not url:
        return f"sqlite+aiosqlite:///{tmp_dir / f'relais-test{suffix}.db'}"
    if suffix:
        parsed = make_url(url)
        return parsed.set(database=f"{parsed.database}{suffix}").render_as_string(
            hide_password=False
        )
    return url


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection: object, _record: object) -> None:
    # A commit need not wait for the disk in a throw-away database (~5 ms saved per commit here);
    # locking and what a transaction sees are unchanged. Only engines of the test process.
    if "sqlite" in type(dbapi_connection).__module__:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


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
        # Same for PostgreSQL (~3 ms saved per commit), for every connection to this database.
        await connection.execute(
            text(f'ALTER DATABASE "{parsed.database}" SET synchronous_commit = off')
        )
    await admin.dispose()
    engine = create_async_engine(url, poolclass=NullPool)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
