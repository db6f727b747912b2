"""Import jobs: who may import, who sees which job, JSON rows, the dashboard profile, and
what a crash or a restart leaves behind."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Contract, ImportJob, Learner, Role
from app.services.imports import jobs, writers
from tests.factories import World
from tests.helpers_imports import (
    ERP_FILE,
    SIRET_A,
    csv_bytes,
    erp_row,
    import_file,
    post_file,
    table_counts,
)

IMPORTERS = {Role.admin, Role.coordinator, Role.staff}


@pytest.mark.parametrize("role", [r.value for r in Role])
async def test_only_admin_coordinator_and_staff_may_import(client, world: World, role: str):
    response = await post_file(client, world[role], csv_bytes([erp_row(1)]))
    assert response.status_code == (202 if role in IMPORTERS else 403), response.text
    listed = await client.get("/api/v1/imports", headers=world[role].headers)
    assert listed.status_code == (200 if role in IMPORTERS else 403)


async def test_jobs_are_seen_by_their_author_and_the_organisation_managers(
    client, world: World, other_world: World
):
    response = await post_file(client, world.staff, csv_bytes([erp_row(1)]))
    job_id = response.json()["id"]
    for actor, status in (
        (world.staff, 200), (world.admin, 200), (world.coordinator, 200),
        (other_world.admin, 404),
    ):
        got = await client.get(f"/api/v1/imports/{job_id}", headers=actor.headers)
        assert got.status_code == status
    own = await client.get("/api/v1/imports", headers=world.staff.headers)
    assert [j["id"] for j in own.json()["items"]] == [job_id]
    other = await client.get("/api/v1/imports", headers=other_world.admin.headers)
    assert other.json()["items"] == []


async def test_job_creation_and_end_are_audited(client, world: World, session: AsyncSession):
    job = await import_file(client, world.admin, ERP_FILE.read_bytes())
    actions = (
        await session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == job["id"])
        )
    ).all()
    assert sorted(actions) == ["create", "finish"]
    created = await session.scalars(
        select(AuditEvent.object_type).where(AuditEvent.action == "create")
    )
    assert {"learner", "company", "contract", "import_job"} <= set(created)


async def test_json_rows_with_the_relais_profile(client, world: World, session: AsyncSession):
    rows: list[dict[str, Any]] = [
        {
            "last_name": "Martin", "first_name": "Zoé", "birth_date": "2007-01-02",
            "learner_ref": "X1", "company_siret": SIRET_A, "company_name": "Boulangerie",
            "contract_kind": "professionalisation", "contract_start_date": "2026-09-01",
            "contract_end_date": "2027-08-31",
        }
    ]
    body = {"profile": "relais", "rows": rows}
    response = await client.post("/api/v1/imports", headers=world.admin.headers, json=body)
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"], headers=world.admin.headers)).json()
    assert job["counts"]["created"] == 1
    contract = await session.scalar(select(Contract))
    assert contract is not None and contract.kind == "professionalisation"
    again = await client.post("/api/v1/imports", headers=world.admin.headers, json=body)
    job = (await client.get(again.headers["Location"], headers=world.admin.headers)).json()
    assert job["counts"] == {"created": 0, "updated": 0, "unchanged": 1, "rejected": 0}


async def test_tdb_effectifs_profile(client, world: World, session: AsyncSession):
    header = [
        "nom_apprenant", "prenom_apprenant", "date_de_naissance_apprenant", "ine_apprenant",
        "id_erp_apprenant", "annee_scolaire", "siret_employeur", "contrat_date_debut",
        "contrat_date_fin",
    ]
    row = ["ROUX", "Hugo", "2006-04-03", "1234567890B", "ERP-9", "2026-2027", SIRET_A,
           "2026-09-01", "2028-08-31"]
    content = csv_bytes([row], header=header, sep=",", encoding="utf-8-sig")
    job = await import_file(client, world.admin, content, profile="tdb_effectifs")
    assert job["counts"]["created"] == 1, job["report"]
    learner = await session.scalar(select(Learner))
    assert learner is not None and (learner.last_name, learner.ine) == ("Roux", "1234567890B")
    found = await client.get(
        "/api/v1/learners", params={"external_ref": "tdb:ERP-9"}, headers=world.admin.headers
    )
    assert len(found.json()["items"]) == 1


async def test_bad_requests_answer_422_and_record_no_job(client, world: World, session):
    unknown = await post_file(client, world.admin, b"foo;bar\n1;2\n")
    assert unknown.status_code == 422
    profile = await post_file(client, world.admin, ERP_FILE.read_bytes(), profile="nope")
    assert profile.status_code == 422
    assert profile.json()["errors"][0]["loc"] == ["body", "profile"]
    assert (await session.scalars(select(ImportJob))).all() == []


async def test_crash_mid_import_leaves_nothing_and_fails_the_job(
    client, world: World, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
):
    # Learners and companies are already written when the contracts' write crashes.
    crashed: list[int] = []

    async def crashing(self: Any, session: AsyncSession, *args: Any, **kwargs: Any) -> Any:
        crashed.append(await session.scalar(select(func.count()).select_from(Learner)) or 0)
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(writers.ImportContracts, "create_many", crashing)
    before = await table_counts(session, world.organisation.id)
    job = await import_file(client, world.admin, ERP_FILE.read_bytes(), mode="partial")
    assert job["status"] == "failed" and job["error"] == jobs.CRASHED
    assert crashed and crashed[0] > 0  # it did crash with learners written
    assert await table_counts(session, world.organisation.id) == before


async def test_a_running_job_shows_the_rows_done(client, world: World, monkeypatch):
    """Read while the rows are written and not yet committed (the alert rules come last)."""
    seen: list[dict[str, Any]] = []
    real = writers.Writers.trigger_alerts

    async def watched(self: writers.Writers, session: AsyncSession, principal: Any) -> None:
        listed = await client.get("/api/v1/imports", headers=world.coordinator.headers)
        seen.extend(listed.json()["items"])
        await real(self, session, principal)

    monkeypatch.setattr(writers.Writers, "trigger_alerts", watched)
    job = await import_file(client, world.staff, csv_bytes([erp_row(1), erp_row(2)]))
    assert [(j["status"], j["rows_done"], j["rows_total"]) for j in seen] == [("running", 2, 2)]
    assert (job["status"], job["rows_done"]) == ("succeeded", 2)
    read = await client.get(f"/api/v1/imports/{job['id']}", headers=world.staff.headers)
    assert read.json()["rows_done"] == 2
