"""A file that says a contract was broken records the break through the contract lifecycle."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Contract, ContractEvent
from tests.factories import World
from tests.helpers_imports import ERP_HEADER, SIRET_A, csv_bytes, erp_row, import_file

BREAK_HEADER = [*ERP_HEADER, "Date de rupture", "Motif de rupture"]


def broken_row(n: int, on: str = "15/11/2026", why: str = "Démission") -> list[str]:
    return [*erp_row(n), on, why]


async def history(session: AsyncSession) -> list[tuple[str, str | None, str | None]]:
    events = await session.scalars(select(ContractEvent).order_by(ContractEvent.on))
    return [(e.kind, e.from_status, e.to_status) for e in events]


async def test_a_broken_contract_is_imported_broken(client, world: World, session: AsyncSession):
    content = csv_bytes([broken_row(1)], header=BREAK_HEADER)
    job = await import_file(client, world.admin, content)
    assert job["counts"]["created"] == 1, job["report"]
    contract = (await session.scalars(select(Contract))).one()
    read = await client.get(f"/api/v1/contracts/{contract.id}", headers=world.admin.headers)
    body = read.json()
    assert body["status"] == "broken" and body["running"] is False
    assert body["break"]["date"] == "2026-11-15"
    assert (body["break"]["initiator"], body["break"]["reason"]) == ("other", "Démission")
    # Broken on the file's day; created (signed, as the file reports it) on the import's.
    assert await history(session) == [
        ("transition", "signed", "broken"), ("created", None, "signed"),
    ]
    again = await import_file(client, world.admin, content)
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0}


async def test_a_later_file_reporting_the_break_updates_the_contract(
    client, world: World, session: AsyncSession
):
    first = await import_file(client, world.admin, csv_bytes([erp_row(1)]))
    assert first["counts"]["created"] == 1
    later = await import_file(
        client, world.admin, csv_bytes([broken_row(1)], header=BREAK_HEADER)
    )
    assert later["counts"] == {"created": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    contract = (await session.scalars(select(Contract))).one()
    assert (contract.status, contract.break_date) == ("broken", date(2026, 11, 15))


async def test_a_break_before_the_start_is_refused_by_row_and_column(client, world, session):
    rows = [broken_row(1, on="15/08/2026"), broken_row(2)]
    job = await import_file(client, world.admin, csv_bytes(rows, header=BREAK_HEADER))
    assert job["status"] == "rejected"
    assert [(r["row"], r["column"]) for r in job["report"]] == [(2, "Date de rupture")]
    assert (await session.scalars(select(Contract))).all() == []


async def test_tdb_break_columns(client, world: World, session: AsyncSession):
    header = [
        "nom_apprenant", "prenom_apprenant", "date_de_naissance_apprenant", "id_erp_apprenant",
        "siret_employeur", "contrat_date_debut", "contrat_date_fin", "contrat_date_rupture",
        "cause_rupture_contrat",
    ]
    row = ["ROUX", "Hugo", "2006-04-03", "ERP-9", SIRET_A, "2026-09-01", "2028-08-31",
           "2026-10-20", "Inaptitude"]
    content = csv_bytes([row], header=header, sep=",", encoding="utf-8")
    job = await import_file(client, world.admin, content, profile="tdb_effectifs")
    assert job["counts"]["created"] == 1, job["report"]
    contract = (await session.scalars(select(Contract))).one()
    assert (contract.status, contract.break_reason) == ("broken", "Inaptitude")
