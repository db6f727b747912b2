"""The embedded database keeps answering reads while a long write (an import) is under way."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import make_engine
from app.models import Organisation
from tests.factories import World


async def test_reads_are_answered_while_a_large_write_is_uncommitted(
    settings: Settings, world: World, session: AsyncSession
) -> None:
    if session.bind.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's readers never wait for writers")
    engine = make_engine(settings.model_copy(update={"database_null_pool": True}))
    try:
        async with engine.connect() as writer, engine.connect() as reader:
            # A one-page cache spills to the file at once, as a 100,000-row import does.
            await writer.exec_driver_sql("PRAGMA cache_size=1")
            await writer.commit()
            await reader.exec_driver_sql("PRAGMA busy_timeout=200")
            before = await reader.scalar(select(func.count()).select_from(Organisation))
            await reader.commit()
            async with writer.begin() as written:
                rows = [{"name": f"Spill {n}", "version": 1} for n in range(3000)]
                await writer.execute(insert(Organisation), rows)
                count = await reader.scalar(select(func.count()).select_from(Organisation))
                await written.rollback()
    finally:
        await engine.dispose()
    assert count == before  # the committed state, without the 3,000 being written
