"""Whether an import job is still alive, and how far it got while it runs.

An import runs in one transaction of its own, so a process killed mid-way leaves no rows, only
its job row saying ``running``. Who may call it dead:

* SQLite: the embedded database belongs to one server process, so a job still running when that
  process starts died with the previous one. The import is SQLite's only writer while it runs:
  its progress is kept in memory here and shown on reads from this process.
* PostgreSQL: several servers (and ``relais import`` from cron) may share the database, so being
  ``running`` must be proven: the job's row is touched every ``HEARTBEAT`` (progress writes
  touch it too), and a job untouched for ``LEASE`` is dead. Reads show it ``failed`` at once; the
  next server start writes it so."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from app.core.principal import SYSTEM
from app.models import ImportJob
from app.models.base import utcnow
from app.services import audit

logger = logging.getLogger(__name__)
INTERRUPTED = "Interrupted: the process running the import stopped; nothing was written."
UNFINISHED = ("queued", "running")
HEARTBEAT = timedelta(seconds=30)
LEASE = timedelta(minutes=5)  # ten missed heartbeats: a blocked event loop is not a death
_rows_done: dict[str, int] = {}  # job id -> rows done, for the jobs this process runs


def shared(session: AsyncSession) -> bool:
    """Whether other processes may run imports on this database (all but SQLite)."""
    return session.get_bind().dialect.name != "sqlite"


async def touch(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: str, **values: Any
) -> None:
    """Write on the job row beside the import's own transaction (PostgreSQL only)."""
    async with sessionmaker() as session:
        stmt = update(ImportJob).where(ImportJob.id == job_id)
        await session.execute(stmt.values(updated_at=utcnow(), **values))
        await session.commit()


async def progress(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: str, done: int, shared: bool
) -> None:
    _rows_done[job_id] = done
    if shared:
        await touch(sessionmaker, job_id, rows_done=done)


@contextlib.asynccontextmanager
async def running(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: str, shared: bool
) -> AsyncIterator[None]:
    """The import's run: on a shared database its row is touched every HEARTBEAT; its rows
    done in memory are forgotten when it ends."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT.total_seconds())
            try:
                await touch(sessionmaker, job_id)
            except Exception:  # a missed beat must not fail an import that may yet commit
                logger.warning("import job %s: heartbeat not written", job_id, exc_info=True)

    task = asyncio.create_task(beat()) if shared else None
    try:
        yield
    finally:
        _rows_done.pop(job_id, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _dead(session: AsyncSession, job: ImportJob, now: datetime) -> bool:
    return (
        job.status in UNFINISHED and shared(session) and job.updated_at < now - LEASE
    )


def as_seen(session: AsyncSession, job: ImportJob) -> ImportJob:
    """The job as a reader should see it: rows done so far, or dead. Shown, never written by
    the read (the values are set as if loaded, so the request's commit leaves them alone)."""
    if _dead(session, job, utcnow()):
        set_committed_value(job, "status", "failed")
        set_committed_value(job, "error", INTERRUPTED)
    done = _rows_done.get(job.id)
    if done is not None and job.status == "running" and done > job.rows_done:
        set_committed_value(job, "rows_done", done)
    return job


async def fail_interrupted_jobs(session: AsyncSession) -> int:
    """At startup: fail the jobs whose process died (all unfinished ones on SQLite; those past
    their lease on PostgreSQL). Their transaction never committed: nothing of them was written.
    Flushes, never commits."""
    stmt = select(ImportJob).where(ImportJob.status.in_(UNFINISHED))
    if shared(session):
        stmt = stmt.where(ImportJob.updated_at < utcnow() - LEASE)
    stale = (await session.scalars(stmt)).all()
    for job in stale:
        await audit.record(
            session, SYSTEM, action="finish", object_type="import_job", object_id=job.id,
            changes={"status": {"from": job.status, "to": "failed"}},
            organisation_id=job.organisation_id,
        )
        job.status, job.error, job.finished_at = "failed", INTERRUPTED, utcnow()
    await session.flush()
    return len(stale)
