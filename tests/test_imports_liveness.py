"""Which unfinished jobs are dead: on SQLite (one server process owns the file) every job left
unfinished at startup; on PostgreSQL (servers and cron share the database) only the jobs whose
heartbeat stopped, so a server starting never fails another one's running import."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ImportJob
from app.services.imports import liveness, writers
from tests.factories import World
from tests.helpers_imports import age, csv_bytes, erp_row, import_file


async def _job(session: AsyncSession, world: World, status: str, idle: timedelta) -> ImportJob:
    job = ImportJob(
        organisation_id=world.organisation.id, profile="relais", mode="atomic", dry_run=False,
        status=status, rows_total=10, rows_done=3, counts={}, report=[],
    )
    session.add(job)
    await session.flush()
    await age(session, job.id, idle)
    await session.commit()
    await session.refresh(job)
    return job


def _shared(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name != "sqlite"


async def test_startup_fails_the_jobs_whose_process_died(world: World, session: AsyncSession):
    silent = await _job(session, world, "running", liveness.LEASE + timedelta(minutes=1))
    beating = await _job(session, world, "running", timedelta(seconds=5))
    queued = await _job(session, world, "queued", liveness.LEASE * 2)
    finished = await _job(session, world, "succeeded", liveness.LEASE * 2)

    failed = await liveness.fail_interrupted_jobs(session)
    await session.commit()

    for job in (silent, beating, queued, finished):
        await session.refresh(job)
    assert (silent.status, silent.error) == ("failed", liveness.INTERRUPTED)
    assert queued.status == "failed" and finished.status == "succeeded"
    # A job touched seconds ago is another server's live import, unless SQLite's one process
    # is starting again (then it died with the previous one).
    assert beating.status == ("running" if _shared(session) else "failed")
    assert failed == (2 if _shared(session) else 3)


async def test_a_job_whose_heartbeat_stopped_reads_failed(
    client, world: World, session: AsyncSession
):
    if not _shared(session):
        pytest.skip("SQLite: the server that reads is the only one that could run it")
    silent = await _job(session, world, "running", liveness.LEASE + timedelta(minutes=1))
    beating = await _job(session, world, "running", timedelta(seconds=5))
    seen = {}
    for job in (silent, beating):
        answer = await client.get(f"/api/v1/imports/{job.id}", headers=world.admin.headers)
        seen[job.id] = (answer.json()["status"], answer.json()["error"])
    assert seen == {
        silent.id: ("failed", liveness.INTERRUPTED), beating.id: ("running", None)
    }
    await session.refresh(silent)
    assert silent.status == "running"  # a read shows it, the next start writes it


async def test_a_running_import_touches_its_job(
    client, world: World, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
):
    if not _shared(session):
        pytest.skip("SQLite has one writer: the import itself")
    monkeypatch.setattr(liveness, "HEARTBEAT", timedelta(milliseconds=20))
    touched: list[Any] = []
    real = writers.Writers.trigger_alerts

    async def slow(self: writers.Writers, session_: AsyncSession, principal: Any) -> None:
        for _ in range(2):
            listed = await client.get("/api/v1/imports", headers=world.admin.headers)
            touched.append(listed.json()["items"][0]["updated_at"])
            await asyncio.sleep(0.2)  # a long phase with no progress to report
        await real(self, session_, principal)

    monkeypatch.setattr(writers.Writers, "trigger_alerts", slow)
    job = await import_file(client, world.staff, csv_bytes([erp_row(1)]))
    assert job["status"] == "succeeded"
    assert touched[0] < touched[1]


async def test_a_missed_heartbeat_does_not_fail_the_import(
    client, world: World, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
):
    if not _shared(session):
        pytest.skip("SQLite runs no heartbeat")
    monkeypatch.setattr(liveness, "HEARTBEAT", timedelta(milliseconds=10))
    real_touch, missed = liveness.touch, []

    async def failing_beat(sessionmaker: Any, job_id: str, **values: Any) -> None:
        if not values:  # the heartbeat; progress writes carry rows_done
            missed.append(job_id)
            raise ConnectionError("database unreachable for a moment")
        await real_touch(sessionmaker, job_id, **values)

    real_alerts = writers.Writers.trigger_alerts

    async def slow(self: writers.Writers, session_: AsyncSession, principal: Any) -> None:
        await asyncio.sleep(0.1)
        await real_alerts(self, session_, principal)

    monkeypatch.setattr(liveness, "touch", failing_beat)
    monkeypatch.setattr(writers.Writers, "trigger_alerts", slow)
    job = await import_file(client, world.staff, csv_bytes([erp_row(1)]))
    assert missed and job["status"] == "succeeded" and job["counts"]["created"] == 1
