"""``relais import`` as a cron job calls it: same rules and report as the API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Learner
from tests.factories import World
from tests.helpers_imports import ERP_FILE, csv_bytes, erp_row

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
