"""Benchmark: the whole dashboard (every indicator, current school year) on a generated data
set, and the same SQL run directly.

    .venv/bin/python bench/indicators_dashboard.py --learners 100000 [--database-url URL]

Generates the data set once (``relais demo generate``) into a fresh database, then:
  * dashboard: ``dashboard.build`` as the API runs it (a coordinator, whole organisation),
    after one warm-up run; the SQL statements it sends are recorded;
  * direct SQL: the very same statements and parameters replayed on the driver
    (``exec_driver_sql``), fetching every row: what the database alone costs.
The ratio dashboard / direct SQL is the overhead of building queries and answers in Python."""

from __future__ import annotations

import time
from typing import Any

import harness  # bench/harness.py: run as a script, bench/ is on the path
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker
from app.core.principal import Principal
from app.services.demo_generate import generate
from app.services.indicators import dashboard


def _record(engine: AsyncEngine, into: list[tuple[str, Any]]) -> Any:
    def listener(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        into.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", listener)
    return listener


async def _direct(engine: AsyncEngine, statements: list[tuple[str, Any]]) -> float:
    async with engine.connect() as conn:
        started = time.perf_counter()
        for statement, parameters in statements:
            result = await conn.exec_driver_sql(statement, parameters)
            result.all()
        return time.perf_counter() - started


async def bench(url: str, learners: int) -> None:
    engine = make_engine(Settings(database_url=url))
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        started = time.perf_counter()
        generated = await generate(session, learners, f"Bench indicators {learners}")
        await session.commit()
        print(f"generated {learners:,} learners in {time.perf_counter() - started:.1f} s")
    coordinator = Principal(
        kind="user",
        id="bench",
        organisation_id=generated.organisation_id,
        roles=frozenset({"coordinator"}),
    )
    async with sessions() as session:
        await dashboard.build(session, coordinator)  # warm-up (caches, statistics)
    statements: list[tuple[str, Any]] = []
    listener = _record(engine, statements)
    async with sessions() as session:
        started = time.perf_counter()
        board = await dashboard.build(session, coordinator)
        served = time.perf_counter() - started
    event.remove(engine.sync_engine, "before_cursor_execute", listener)
    direct = await _direct(engine, statements)
    await engine.dispose()
    for value in board["indicators"]:
        print(f"  {value['code']:<34} {value['value']!s:>10} ({value['records']:,} records)")
    print(f"dashboard: {served:.2f} s, {len(statements)} statements")
    print(f"same SQL directly: {direct:.2f} s; ratio {served / direct:.2f}x")


if __name__ == "__main__":
    harness.main(bench)
