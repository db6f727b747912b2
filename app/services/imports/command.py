"""The import as cron jobs and first migrations run it: a file, an organisation named on the
command line, the same job, rules and report as the API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.principal import Principal
from app.errors import NotFound
from app.models import ImportJob, Organisation, Role
from app.services.imports import jobs


async def import_file(
    sessionmaker: async_sessionmaker[AsyncSession],
    filename: str,
    content: bytes,
    *,
    organisation: str,
    profile: str,
    mode: str = "atomic",
    dry_run: bool = False,
    on_progress: jobs.ProgressHook | None = None,
) -> ImportJob:
    """Run as the system with the organisation's admin rights: whoever holds the server's
    command line already holds its database."""
    async with sessionmaker() as session:
        found = await session.scalar(
            select(Organisation.id).where(Organisation.name == organisation)
        )
        if found is None:
            raise NotFound(f"No organisation named {organisation!r}.")
        principal = Principal(
            kind="system", id="system", organisation_id=found, roles=frozenset({Role.admin})
        )
        job, rows = await jobs.submit(
            session, principal, profile=profile, mode=mode, dry_run=dry_run,
            filename=filename, content=content,
        )
        await session.commit()
    return await jobs.run(sessionmaker, job.id, principal, rows, on_progress)
