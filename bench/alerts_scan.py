"""Benchmark: a whole-organisation alert scan on a generated data set.

    .venv/bin/python bench/alerts_scan.py --learners 100000 [--database-url URL]

Generates the data set once (``relais demo generate``) into a fresh database, then times, in
the same process and on the same connection pool:
  * baseline: reading every row the rules look at, once (SELECT of each table, fetched);
  * evaluation: every rule, in SQL, over the whole organisation;
  * first scan: evaluation + reconciliation into alerts (the alerts are written);
  * second scan: the same again, which must change nothing.
Times are reported in seconds and as ratios to the baseline, so that runs on different
machines compare."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import harness  # bench/harness.py: run as a script, bench/ is on the path
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker
from app.core.principal import SYSTEM, Principal
from app.models import (
    AttendanceMark,
    Company,
    Contract,
    ContractEvent,
    Enrolment,
    FollowUpEntry,
    Learner,
    Review,
    Tutor,
)
from app.services import organisations
from app.services.alerts import evaluation, scan
from app.services.alerts import settings as rule_settings
from app.services.alerts.catalogue import Scope
from app.services.demo_generate import generate

TABLES = (
    Learner,
    Enrolment,
    Contract,
    ContractEvent,
    FollowUpEntry,
    Company,
    Tutor,
    Review,
    AttendanceMark,
)


async def _read_everything(session: AsyncSession, organisation_id: str) -> int:
    rows = 0
    for model in TABLES:
        result = await session.execute(
            select(model.__table__).where(model.__table__.c.organisation_id == organisation_id)
        )
        rows += len(result.all())
    return rows


async def _timed(label: str, work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = await work
    elapsed = time.perf_counter() - started
    print(f"  {label:<28} {elapsed:8.2f} s", flush=True)
    return elapsed, value


async def bench(url: str, learners: int) -> None:
    settings = Settings(database_url=url)
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        started = time.perf_counter()
        generated = await generate(session, learners, f"Bench alerts {learners}")
        await session.commit()
        print(f"generated {learners:,} learners in {time.perf_counter() - started:.1f} s")
        organisation_id = generated.organisation_id
        as_of: date = await organisations.local_today(session, organisation_id)
    scope = Scope(organisation_id, as_of)
    actor = Principal(kind=SYSTEM.kind, id=SYSTEM.id, organisation_id=organisation_id)
    async with sessions() as session:
        base, rows = await _timed(
            "baseline: read rows once", _read_everything(session, organisation_id)
        )
    async with sessions() as session:
        settings_map = await rule_settings.load(session, organisation_id)
        evaluated, findings = await _timed(
            "evaluation (15 rules)", evaluation.evaluate(session, scope, settings_map)
        )
    async with sessions() as session:
        first, counts = await _timed("first scan (writes alerts)", scan.run(session, actor, scope))
        await session.commit()
    async with sessions() as session:
        again, second = await _timed("second scan (no-op)", scan.run(session, actor, scope))
        await session.commit()
    await engine.dispose()
    print(
        f"rows read: {rows:,}; findings: {len(findings):,}; first scan: {counts}; "
        f"second scan: {second}"
    )
    print(
        f"ratios to baseline: evaluation {evaluated / base:.1f}x, first scan "
        f"{first / base:.1f}x, second scan {again / base:.1f}x"
    )


if __name__ == "__main__":
    harness.main(bench)
