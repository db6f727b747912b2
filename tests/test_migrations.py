"""The migrations are the only way the schema is made: they must produce exactly the models."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core import migrations
from app.models import Base
from tests import database


@pytest.fixture
def scratch_url(tmp_path: Path) -> str:
    url = database.test_database_url(tmp_path, suffix="_migrations")
    database.reset(url)
    return url


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _run(url: str, fn: Any) -> Any:
    async def run() -> Any:
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(run())


# Synchronous on purpose: Alembic's env.py runs its own event loop.
def test_upgrade_to_head_matches_the_models_then_downgrade_empties(scratch_url: str) -> None:
    migrations.upgrade(scratch_url)
    assert _run(scratch_url, _diff) == []
    assert set(Base.metadata.tables) <= _run(scratch_url, _tables)
    migrations.downgrade(scratch_url, "base")
    assert _run(scratch_url, _tables) <= {"alembic_version"}


async def test_the_test_database_is_at_head(database_url: str) -> None:
    engine = create_async_engine(database_url, poolclass=NullPool)
    async with engine.connect() as connection:
        assert await connection.run_sync(_diff) == []
    await engine.dispose()
