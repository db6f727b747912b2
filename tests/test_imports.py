"""Imports of files as ERPs write them: French, Windows-1252, idempotent, all or nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Company, Contract, Learner
from tests.factories import World
from tests.helpers_imports import (
    ERP_FILE,
    SIRET_A,
    SIRET_B,
    csv_bytes,
    erp_row,
    import_file,
    post_file,
    table_counts,
    xlsx_bytes,
)


async def test_windows_1252_french_file_imports(client, world: World, session: AsyncSession):
    response = await post_file(client, world.admin, ERP_FILE.read_bytes())
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    job = (await client.get(response.headers["Location"], headers=world.admin.headers)).json()
    assert job["status"] == "succeeded", job["report"]
    assert job["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert (job["rows_done"], job["rows_total"]) == (3, 3)
    learners = {
        (lr.last_name, lr.first_name): lr
        for lr in (await session.scalars(select(Learner))).all()
    }
    assert set(learners) == {("Lefèvre", "Inès"), ("François", "Jérôme"), ("Nguyen", "Thi Mai")}
    assert learners[("Lefèvre", "Inès")].birth_date.isoformat() == "2007-03-14"
    sirets = {c.siret: c.name for c in (await session.scalars(select(Company))).all()}
    assert sirets == {SIRET_A: "Boulangerie Martin", SIRET_B: "Garage Dupré & Fils"}
    kinds = sorted(c.kind for c in (await session.scalars(select(Contract))).all())
    assert kinds == ["apprenticeship", "apprenticeship", "professionalisation"]
    found = await client.get(
        "/api/v1/learners", params={"external_ref": "erp:A001"}, headers=world.admin.headers
    )
    assert [i["last_name"] for i in found.json()["items"]] == ["Lefèvre"]
    contract = await client.get(
        "/api/v1/contracts", params={"external_ref": "erp:C002"}, headers=world.admin.headers
    )
    assert contract.json()["items"][0]["end_date"] == "2027-09-14"


async def test_same_file_twice_changes_nothing(client, world: World, session: AsyncSession):
    await import_file(client, world.admin, ERP_FILE.read_bytes())
    before = await table_counts(session, world.organisation.id)
    job = await import_file(client, world.admin, ERP_FILE.read_bytes())
    assert job["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert await table_counts(session, world.organisation.id) == before


async def test_changed_row_updates_only_what_changed(client, world: World, session: AsyncSession):
    await import_file(client, world.admin, ERP_FILE.read_bytes())
    text = ERP_FILE.read_bytes().decode("cp1252").replace(
        "ines.lefevre@example.fr", "ines.l@example.fr"
    ).replace("LEFÈVRE;Inès", "Lefevre;INES")  # same name, other case and accents
    job = await import_file(client, world.coordinator, text.encode("cp1252"))
    assert job["counts"] == {"created": 0, "updated": 1, "unchanged": 2, "rejected": 0}
    learner = await session.scalar(select(Learner).where(Learner.email == "ines.l@example.fr"))
    assert learner is not None and learner.last_name == "Lefèvre"
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_id == learner.id, AuditEvent.action == "update"
        )
    )
    assert event is not None and set(event.changes) == {"email"}


async def test_bad_siret_in_atomic_mode_changes_nothing(client, world, session: AsyncSession):
    before = await table_counts(session, world.organisation.id)
    content = csv_bytes([erp_row(1), erp_row(2, siret="732 829 320 00075"), erp_row(3)])
    job = await import_file(client, world.admin, content)
    assert job["status"] == "rejected"
    assert job["counts"]["rejected"] == 1
    assert [(r["row"], r["column"], r["value"]) for r in job["report"]] == [
        (3, "SIRET", "732 829 320 00075")
    ]
    assert "SIRET" in job["report"][0]["message"]
    assert await table_counts(session, world.organisation.id) == before


async def test_dry_run_changes_nothing(client, world: World, session: AsyncSession):
    before = await table_counts(session, world.organisation.id)
    job = await import_file(client, world.staff, ERP_FILE.read_bytes(), dry_run=True)
    assert job["status"] == "succeeded" and job["dry_run"] is True
    assert job["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert await table_counts(session, world.organisation.id) == before


async def test_partial_mode_keeps_the_valid_rows(client, world: World, session: AsyncSession):
    content = csv_bytes(
        [erp_row(1), erp_row(2, **{"Date de naissance": "31/02/2007"}), erp_row(3)]
    )
    job = await import_file(client, world.admin, content, mode="partial")
    assert job["status"] == "succeeded"
    assert job["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert [(r["row"], r["column"]) for r in job["report"]] == [(3, "Date de naissance")]
    names = sorted((await session.scalars(select(Learner.last_name))).all())
    assert names == ["Durandb", "Durandd"]


async def test_duplicates_within_the_file_are_reported(client, world: World, session):
    content = csv_bytes([erp_row(1), erp_row(2), erp_row(1)])
    job = await import_file(client, world.admin, content)
    assert job["status"] == "rejected"
    assert [(r["row"], r["message"]) for r in job["report"]] == [
        (4, "Duplicate of row 2: same learner and contract.")
    ]
    assert (await table_counts(session, world.organisation.id))["learners"] == 0


async def test_xlsx_file_imports(client, world: World, session: AsyncSession):
    rows: list[list[object]] = [erp_row(1), erp_row(2, siret=SIRET_B)]
    rows[1][7] = __import__("datetime").datetime(2026, 9, 1)  # a typed date cell
    job = await import_file(
        client, world.admin, xlsx_bytes(rows), filename="export.xlsx"
    )
    assert job["counts"]["created"] == 2, job
    assert len((await session.scalars(select(Contract))).all()) == 2


async def test_matches_existing_learners_by_natural_keys(client, world: World, session):
    created = await client.post(
        "/api/v1/learners",
        headers=world.admin.headers,
        json={"first_name": "Léa", "last_name": "Durandb", "birth_date": "2007-06-05"},
    )
    assert created.status_code == 201
    job = await import_file(client, world.admin, csv_bytes([erp_row(1, siret=SIRET_B)]))
    # The learner is found (by name and birth date) and gains the file's code; the company
    # and the contract are new.
    assert job["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    learners = (await session.scalars(select(Learner))).all()
    assert [lr.id for lr in learners] == [created.json()["id"]]
    read = await client.get(f"/api/v1/learners/{learners[0].id}", headers=world.admin.headers)
    assert {"source": "erp", "ref": "L1"} in read.json()["external_refs"]


async def test_a_row_refused_by_a_service_leaves_none_of_its_objects(
    client, world: World, session: AsyncSession
):
    # The learner and company of row 3 are written before its contract is refused: the
    # row's savepoint takes them back, while rows 2 and 4 are kept (partial mode).
    bad = erp_row(2, siret=SIRET_B, **{"Date de fin de contrat": "01/01/2026"})
    job = await import_file(
        client, world.admin, csv_bytes([erp_row(1), bad, erp_row(3)]), mode="partial"
    )
    assert job["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert [(r["row"], r["column"]) for r in job["report"]] == [(3, "Date de fin de contrat")]
    names = sorted((await session.scalars(select(Learner.last_name))).all())
    assert names == ["Durandb", "Durandd"]
    assert [c.siret for c in (await session.scalars(select(Company))).all()] == [SIRET_A]
