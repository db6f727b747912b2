"""Import jobs: accepted by the API (or the CLI), run in a transaction of their own after the
answer, their progress and outcome written on the job row in short separate transactions.

atomic: one rejected row and nothing is kept (job ``rejected``); partial: the valid rows are
kept; dry run: everything is checked and counted, then rolled back. Any other error rolls
back the whole import (job ``failed``): no partial rows, ever."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.principal import Principal
from app.errors import Forbidden, ValidationFailed, not_found
from app.models import ImportJob, Role
from app.models.base import utcnow
from app.pagination import PageRequest, paginate
from app.services import records
from app.services.imports import batch, liveness, parsing, profiles
from app.services.imports.profiles import MappedRow

logger = logging.getLogger(__name__)
IMPORTERS = frozenset({Role.admin, Role.coordinator, Role.staff})
SEES_ALL_JOBS = frozenset({Role.admin, Role.coordinator})
MAX_ROWS = 200_000
CRASHED = "The import stopped on an internal error; nothing was written."
ProgressHook = Callable[[int, int], None]


def check_may_import(principal: Principal) -> None:
    if not principal.has_any(IMPORTERS):
        raise Forbidden("Only admins, coordinators and staff may import.")


def list_profiles(principal: Principal) -> list[dict[str, Any]]:
    check_may_import(principal)
    return profiles.catalogue()


async def submit(
    session: AsyncSession,
    principal: Principal,
    *,
    profile: str,
    mode: str,
    dry_run: bool,
    filename: str | None = None,
    content: bytes | None = None,
    json_rows: list[dict[str, Any]] | None = None,
) -> tuple[ImportJob, list[MappedRow]]:
    """Read the file (422 when unreadable) and record a queued job; rows are applied by run()."""
    check_may_import(principal)
    chosen = profiles.get(profile)
    if mode not in ("atomic", "partial"):
        raise ValidationFailed.on(["body", "mode"], "One of atomic, partial.")
    if content is not None:
        raw, first = parsing.parse_file(content, filename), 2  # line 1 is the header
    else:
        raw, first = parsing.parse_json_rows(json_rows or []), 1
    if len(raw) > MAX_ROWS:
        raise ValidationFailed.on(["body", "file"], f"At most {MAX_ROWS} rows per import.")
    rows = profiles.map_rows(chosen, raw, first)
    job = ImportJob(
        profile=chosen.name,
        mode=mode,
        dry_run=dry_run,
        status="queued",
        filename=filename,
        rows_total=len(rows),
        rows_done=0,
        counts={},
        report=[],
        created_by_id=principal.user_id,
    )
    await records.create(session, principal, job, "import_job")
    return job, rows


async def run(
    sessionmaker: async_sessionmaker[AsyncSession],
    job_id: str,
    principal: Principal,
    rows: list[MappedRow],
    on_progress: ProgressHook | None = None,
) -> ImportJob:
    async with sessionmaker() as session:
        job = await _job(session, job_id)
        job.status, job.started_at = "running", utcnow()
        await session.commit()
    profile = profiles.get(job.profile)
    values: dict[str, Any] = {}
    try:
        async with sessionmaker() as work:
            # SQLite has one writer: a progress transaction would wait on the import's own.
            shared = liveness.shared(work)

            async def progress(done: int) -> None:
                if on_progress is not None:
                    on_progress(done, len(rows))
                await liveness.progress(sessionmaker, job_id, done, shared)

            async with liveness.running(sessionmaker, job_id, shared):
                outcome = await batch.apply_rows(
                    work, principal, profile, rows, on_progress=progress
                )
                refused = outcome.counts["rejected"] > 0 and job.mode == "atomic"
                if job.dry_run or refused:
                    await work.rollback()
                else:
                    await work.commit()
        values = {
            "status": "rejected" if refused else "succeeded",
            "counts": outcome.counts,
            "report": outcome.report,
            "rows_done": len(rows),
        }
    except Exception:
        logger.exception("import job %s failed", job_id)
        values = {"status": "failed", "error": CRASHED}
    return await _finish(sessionmaker, job_id, principal, values)


async def _finish(
    sessionmaker: async_sessionmaker[AsyncSession],
    job_id: str,
    principal: Principal,
    values: dict[str, Any],
) -> ImportJob:
    async with sessionmaker() as session:
        job = await _job(session, job_id)
        await records.update(
            session, principal, job, {**values, "finished_at": utcnow()}, "import_job",
            action="finish",
        )
        await session.commit()
        return job


async def _job(session: AsyncSession, job_id: str) -> ImportJob:
    job = await session.get(ImportJob, job_id)
    if job is None:
        raise not_found("import job", job_id)
    return job


def _visible(principal: Principal) -> Any:
    check_may_import(principal)
    stmt = select(ImportJob).where(ImportJob.organisation_id == principal.organisation_id)
    if not principal.has_any(SEES_ALL_JOBS):
        stmt = stmt.where(ImportJob.created_by_id == principal.user_id)
    return stmt


async def get_job(session: AsyncSession, principal: Principal, job_id: str) -> ImportJob:
    job = await session.scalar(_visible(principal).where(ImportJob.id == job_id))
    if job is None:
        raise not_found("import job", job_id)
    return liveness.as_seen(session, job)


async def list_jobs(
    session: AsyncSession, principal: Principal, page: PageRequest
) -> tuple[list[ImportJob], str | None]:
    """Admins and coordinators see the organisation's imports; staff their own."""
    found, cursor = await paginate(session, _visible(principal), ImportJob, page)
    return [liveness.as_seen(session, job) for job in found], cursor
