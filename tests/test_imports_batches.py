"""Large files are written a chunk of rows at a time: what a user sees must not change."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Alert, AuditEvent, ContractEvent, Learner
from app.services.imports import batch
from tests.factories import World
from tests.helpers_imports import SIRET_A, SIRET_B, csv_bytes, erp_row, import_file


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "CHUNK", 2)  # five rows: three chunks


def five_rows(**bad: str) -> bytes:
    rows = [erp_row(n, siret=SIRET_A if n % 2 else SIRET_B) for n in range(1, 6)]
    if bad:
        rows[2] = erp_row(3, **bad)
    return csv_bytes(rows)


async def test_a_refused_row_in_a_middle_chunk_leaves_the_other_rows(
    client, world: World, session: AsyncSession
):
    content = five_rows(**{"Date de fin de contrat": "01/01/2026"})  # before its start
    job = await import_file(client, world.admin, content, mode="partial")
    assert job["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 1}
    assert [(r["row"], r["column"]) for r in job["report"]] == [(4, "Date de fin de contrat")]
    assert job["rows_done"] == job["rows_total"] == 5
    names = sorted((await session.scalars(select(Learner.last_name))).all())
    assert names == ["Durandb", "Durandc", "Durande", "Durandf"]
    atomic = await import_file(client, world.admin, content)
    assert atomic["status"] == "rejected"
    assert atomic["counts"]["rejected"] == 1 and atomic["counts"]["unchanged"] == 4


async def test_every_chunk_is_matched_against_the_ones_before(client, world: World, session):
    first = await import_file(client, world.admin, five_rows())
    assert first["counts"]["created"] == 5
    again = await import_file(client, world.admin, five_rows())
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 5, "rejected": 0}


async def test_objects_written_in_bulk_are_recorded_like_api_ones(
    client, world: World, session: AsyncSession
):
    job = await import_file(client, world.admin, five_rows())
    assert job["counts"]["created"] == 5
    by_api = await client.post(
        "/api/v1/learners", headers=world.admin.headers,
        json={"first_name": "Léa", "last_name": "Api", "birth_date": "2007-06-05"},
    )
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.object_type == "learner"))
    ).all()
    shapes = {event.object_id: set(event.changes) for event in audit}
    imported = [shape for object_id, shape in shapes.items() if object_id != by_api.json()["id"]]
    assert len(imported) == 5 and all(s == shapes[by_api.json()["id"]] for s in imported)
    events = (await session.scalars(select(ContractEvent))).all()
    # A file reports contracts that exist: they are created signed.
    assert sorted((e.kind, e.to_status) for e in events) == [("created", "signed")] * 5
    contracts = await client.get("/api/v1/contracts", headers=world.admin.headers)
    assert {c["external_refs"] == [] for c in contracts.json()["items"]} == {True}
    learners = await client.get("/api/v1/learners", headers=world.admin.headers)
    refs = sorted(r["ref"] for lr in learners.json()["items"] for r in lr["external_refs"])
    assert refs == ["L1", "L2", "L3", "L4", "L5"]


async def test_the_import_raises_the_alerts_a_scan_would(client, world: World, session):
    await import_file(client, world.admin, five_rows())
    raised = (await session.scalars(select(Alert.rule))).all()
    scan = await client.post("/api/v1/alerts/scan", headers=world.coordinator.headers, json={})
    assert scan.status_code == 200, scan.text
    assert scan.json()["opened"] == 0 and scan.json()["resolved"] == 0
    assert len(raised) > 0  # contracts signed in September and still not filed
