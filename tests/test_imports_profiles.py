"""The profile catalogue: what it lists is what an import reads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Company, Contract, Learner
from tests.factories import World
from tests.helpers_exports import CSV, csv_rows, with_auth
from tests.helpers_imports import SIRET_A, csv_bytes, import_file

URL = "/api/v1/imports/profiles"


async def test_a_file_written_with_listed_aliases_imports(
    client, world: World, session: AsyncSession
) -> None:
    answer = await client.get(URL, headers=world.staff.headers)
    assert answer.status_code == 200, answer.text
    profiles = {p["name"]: p for p in answer.json()["items"]}
    assert set(profiles) == {"relais", "erp_generic", "tdb_effectifs"}
    erp = profiles["erp_generic"]
    assert erp["source"] == "erp"
    wanted = {
        "learner.last_name": "Nom de naissance", "learner.first_name": "Prénom",
        "learner.birth_date": "Date de naissance", "learner.email": "Courriel",
        "company.siret": "SIRET entreprise", "company.name": "Entreprise",
        "contract.kind": "Type de contrat", "contract.start_date": "Date de début de contrat",
        "contract.end_date": "Date de fin de contrat",
    }
    listed = {(c["field"], c["header"]) for c in erp["columns"]}
    assert set(wanted.items()) <= listed
    kind = next(k for k, v in erp["contract_kinds"].items() if v == "professionalisation")
    values = ["MOREAU", "Inès", "14/03/2007", "ines@example.fr", SIRET_A, "Fournil Sud", kind,
              "01/09/2026", "31/08/2027"]

    job = await import_file(client, world.staff, csv_bytes([values], header=list(wanted.values())))

    assert job["status"] == "succeeded", job
    learner = await session.scalar(select(Learner).where(Learner.email == "ines@example.fr"))
    assert learner is not None and learner.last_name.upper() == "MOREAU"
    company = await session.scalar(select(Company).where(Company.siret == SIRET_A))
    assert company is not None and company.name == "Fournil Sud"
    contract = await session.scalar(select(Contract).where(Contract.learner_id == learner.id))
    assert contract is not None and contract.kind == "professionalisation"


async def test_dashboard_columns_name_their_contract(client, world: World) -> None:
    answer = await client.get(URL, headers=world.coordinator.headers)
    tdb = next(p for p in answer.json()["items"] if p["name"] == "tdb_effectifs")
    by_header = {c["header"]: c for c in tdb["columns"]}
    assert by_header["siret_employeur"] == {
        "header": "siret_employeur", "field": "company.siret", "contract": 1}
    assert by_header["contrat_date_debut_3"]["contract"] == 3
    assert tdb["company_name_from_siret"] is True


async def test_csv_has_a_line_per_profile_and_header(client, world: World) -> None:
    json_items = (await client.get(URL, headers=world.admin.headers)).json()["items"]
    rows = csv_rows(await client.get(URL, headers=with_auth(world.admin.headers, CSV)))
    assert len(rows) == sum(len(p["columns"]) for p in json_items)
    assert {"profile": "erp_generic", "header": "Code RNCP", "field": "programme.rncp_code",
            "contract": "1"} in rows


async def test_only_importers_read_the_profiles(client, world: World) -> None:
    for role in ("tutor", "learner", "prescriber", "referent"):
        refused = await client.get(URL, headers=world[role].headers)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "admins, coordinators and staff" in refused.json()["detail"]
