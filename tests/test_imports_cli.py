"""``relais import`` as a cron job calls it: same rules and report as the API."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.main import create_app
from app.models import ImportJob, Learner
from app.services.imports import liveness
from tests.factories import World
from tests.helpers_imports import ERP_FILE, age, csv_bytes, erp_row, table_counts

ROOT = Path(__file__).resolve().parents[1]


def _relais(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RELAIS_DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


async def test_import_command_imports_then_finds_nothing_new(
    database_url: str, world: World, session: AsyncSession
):
    args = ("import", str(ERP_FILE), "--organisation", world.organisation.name,
            "--profile", "erp_generic")
    first = _relais(database_url, *args)
    assert first.returncode == 0, first.stderr
    assert "succeeded" in first.stdout and "created 3" in first.stdout
    again = _relais(database_url, *args, "--dry-run")
    assert again.returncode == 0, again.stderr
    assert "unchanged 3" in again.stdout
    assert await session.scalar(select(func.count()).select_from(Learner)) == 3


async def test_import_command_reports_rejected_rows(
    database_url: str, world: World, session: AsyncSession, tmp_path: Path
):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([erp_row(1), erp_row(2, siret="123")]))
    done = _relais(database_url, "import", str(bad), "--organisation", world.organisation.name,
                   "--profile", "erp_generic")
    assert done.returncode == 1
    assert "rejected" in done.stdout and "row 3, SIRET ('123')" in done.stdout
    assert await session.scalar(select(func.count()).select_from(Learner)) == 0
    unknown = _relais(database_url, "import", str(bad), "--organisation", "No such CFA",
                      "--profile", "erp_generic")
    assert unknown.returncode == 1 and "No organisation" in unknown.stderr


async def test_a_killed_import_leaves_no_rows_and_its_job_fails_at_restart(
    database_url: str, settings, world: World, session: AsyncSession, tmp_path: Path
):
    """The process is killed (SIGKILL: no handler runs) while it writes rows."""
    big = tmp_path / "big.csv"
    rows = [erp_row(0, **{"Nom": f"DURAND{n:05d}", "Code apprenant": f"K{n}"})
            for n in range(3000)]
    big.write_bytes(csv_bytes(rows))
    before = await table_counts(session, world.organisation.id)
    env = {**os.environ, "RELAIS_DATABASE_URL": database_url}
    runner = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", "import", str(big), "--organisation",
        world.organisation.name, "--profile", "erp_generic",
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        job = await _wait_until_writing(session, runner)
    finally:
        runner.kill()
        await asyncio.wait_for(runner.wait(), timeout=30)
    assert runner.returncode == -signal.SIGKILL  # it was killed, it did not finish
    assert await table_counts(session, world.organisation.id) == before
    await session.refresh(job)
    assert job.status == "running"  # nobody could say otherwise: the process died
    if session.bind.dialect.name != "sqlite":
        # Shared database: dead once its heartbeat has been silent for the lease.
        await age(session, job.id, liveness.LEASE + timedelta(seconds=1))

    restarted = create_app(settings)
    async with restarted.router.lifespan_context(restarted):
        pass
    await session.commit()
    await session.refresh(job)
    assert (job.status, job.error) == ("failed", liveness.INTERRUPTED)
    assert await table_counts(session, world.organisation.id) == before


async def _wait_until_writing(
    session: AsyncSession, runner: asyncio.subprocess.Process
) -> ImportJob:
    """The job once its rows are being written: on PostgreSQL the import reports the rows
    done per chunk; SQLite has one writer, so there the job is running and a moment passes."""
    for _ in range(600):
        assert runner.returncode is None, "the import ended before it could be killed"
        await session.commit()
        job = await session.scalar(
            select(ImportJob).where(ImportJob.status == "running")
            .execution_options(populate_existing=True)  # rows_done as committed now
        )
        if job is not None and (job.rows_done > 0 or session.bind.dialect.name == "sqlite"):
            if session.bind.dialect.name == "sqlite":
                await asyncio.sleep(1.5)  # parsing 3,000 rows takes a fraction of that
            return job
        await asyncio.sleep(0.1)
    raise AssertionError("the import never started writing")
