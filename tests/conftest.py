from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import migrations
from app.core.config import Settings
from app.main import create_app
from app.models import Base
from tests import database
from tests.factories import World, make_world


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = database.test_database_url(tmp_path_factory.mktemp("db"))
    database.reset(url)
    migrations.upgrade(url)
    yield url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        environment="test",
        database_null_pool=True,
        jwt_secret="test-secret-of-sufficient-length-0123456789",
        log_level="WARNING",
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    # Every test and fixture here runs on the one session event loop, so the shared app keeps a
    # connection pool: a PostgreSQL connection costs ~25 ms, and a test opens several sessions.
    # Apps driven from other event loops (schemathesis) use ``settings`` as is (NullPool).
    application = create_app(settings.model_copy(update={"database_null_pool": False}))
    yield application
    await application.state.engine.dispose()


@pytest.fixture(autouse=True)
async def _empty_tables(app: FastAPI) -> AsyncIterator[None]:
    """Each test starts from an empty (migrated) database: rows are deleted after each test."""
    yield
    async with app.state.sessionmaker() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))
        await session.commit()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://relais.test") as c:
        yield c


@pytest.fixture
async def session(app: FastAPI) -> AsyncIterator[AsyncSession]:
    async with app.state.sessionmaker() as s:
        yield s


@pytest.fixture
async def world(session: AsyncSession, settings: Settings) -> World:
    """An organisation with one user per role."""
    return await make_world(session, settings)


@pytest.fixture
async def other_world(session: AsyncSession, settings: Settings) -> World:
    """A second organisation, to prove tenants never see each other."""
    return await make_world(session, settings)


def pytest_report_header(config: pytest.Config) -> str:
    url = database.test_database_url(Path("<tmp>"))
    return f"relais test database: {url.split('@')[-1]}"
