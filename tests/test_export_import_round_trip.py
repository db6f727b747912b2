"""What Relais exports, Relais imports back unchanged: an ERP can round-trip our files."""

from __future__ import annotations

import csv
import io

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import World
from tests.helpers_imports import ERP_FILE, import_file, table_counts


async def test_learners_csv_export_imports_back_as_unchanged(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    first = await import_file(client, world.staff, ERP_FILE.read_bytes())
    assert first["status"] == "succeeded", first
    assert first["counts"]["created"] > 0
    exported = await client.get(
        "/api/v1/learners", headers={**world.staff.headers, "Accept": "text/csv"}
    )
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    before = await table_counts(session, world.organisation.id)
    again = await import_file(
        client, world.staff, exported.content, profile="relais", filename="learners.csv"
    )
    assert again["status"] == "succeeded", again
    assert again["counts"]["rejected"] == 0, again["report"]
    assert again["counts"]["created"] == 0 and again["counts"]["updated"] == 0
    exported_rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(exported_rows) > 0
    assert again["counts"]["unchanged"] == len(exported_rows)
    assert await table_counts(session, world.organisation.id) == before
