"""What every benchmark script does around its measurement: parse the size and the database
URL, migrate a fresh database (a temporary SQLite file unless ``--database-url``), run.

The scripts run as ``python bench/<name>.py``, so this module is imported as ``harness``."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Awaitable, Callable

from app.core import migrations

Bench = Callable[[str, int], Awaitable[None]]


def main(bench: Bench, *, size: str = "learners", default: int = 10_000) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(f"--{size}", type=int, default=default, dest="size")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        print(f"database: {url.split('@')[-1]}", flush=True)
        migrations.upgrade(url)  # before the event loop: Alembic runs its own
        asyncio.run(bench(url, args.size))
