"""The database engine and the session factory; one session (one transaction) per request."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from app.core.config import Settings


def make_engine(settings: Settings) -> AsyncEngine:
    kwargs: dict[str, object] = {}
    if settings.database_null_pool:
        kwargs["poolclass"] = NullPool
    return create_async_engine(settings.database_url, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # SQLite ignores foreign keys unless asked; a busy timeout avoids spurious "database is locked".
    module = type(dbapi_connection).__module__
    if "sqlite" not in module:
        return
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Write-ahead log: readers never wait for a writer. In the default rollback journal, a
    # large write (an import, a first scan) locks every reader out once it spills its cache,
    # so the whole API would answer "database is locked" until it commits.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; never corrupts in WAL
    cursor.close()
