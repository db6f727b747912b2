"""GET /exports/tdb-effectifs: the national dashboard's learner records, JSON or CSV."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Company, Enrolment, ExternalRef, Learner, Programme
from app.schemas.tdb_effectif import TdbRecord
from tests.helpers_exports import CSV, csv_rows, with_auth
from tests.helpers_imports import import_file
from tests.helpers_learners import cohort, company_with_tutor, contract, enrolment, learner

URL = "/api/v1/exports/tdb-effectifs"
YEAR = {"annee_scolaire": "2026-2027"}


async def _scene(session: AsyncSession, world, other_world) -> dict[str, Learner]:
    world.organisation.uai, world.organisation.siret = "0430001A", "13002526500013"
    promo = await cohort(session, world)
    programme = await session.get(Programme, promo.programme_id)
    assert programme is not None
    programme.rncp_code, programme.diploma_code = "RNCP38362", "32031213"
    company, tutor = await company_with_tutor(session, world)
    company.siret = "73282932000074"
    second = Company(organisation_id=world.organisation.id, name="Suite", siret="55203253400646")
    session.add(second)
    await session.commit()
    people = {
        "apprentice": await learner(
            session, world, last_name="Moreau", birth_date=date(2007, 3, 14), ine="1234567890A"
        ),
        "seeking": await learner(session, world),
        "gone": await learner(session, world),
        "twice": await learner(session, world),
    }
    for key, person in people.items():
        if key == "gone":
            values: dict[str, Any] = {"end_date": date(2026, 10, 15), "ended_reason": "dropped_out"}
        else:
            values = {}
        await enrolment(session, world, person, promo, **values)
    await contract(session, world, people["apprentice"], company, tutor)
    await contract(
        session,
        world,
        people["twice"],
        company,
        tutor,
        status="broken",
        break_date=date(2026, 10, 1),
        break_reason="faute grave",
    )
    await contract(session, world, people["twice"], second, start_date=date(2026, 10, 15))
    session.add(
        ExternalRef(
            organisation_id=world.organisation.id,
            resource="learner",
            object_id=people["apprentice"].id,
            source="ypareo",
            ref="A1",
        )
    )
    # Another organisation's learner and a past year's training are never in this export.
    stranger = await learner(session, other_world)
    await enrolment(session, other_world, stranger, await cohort(session, other_world))
    old = await cohort(session, world, start_date=date(2024, 9, 1), end_date=date(2025, 6, 30))
    await enrolment(session, world, people["seeking"], old)
    await session.commit()
    return people


async def test_records_hold_the_dashboard_fields_and_status_codes(
    client, session: AsyncSession, world, other_world
) -> None:
    people = await _scene(session, world, other_world)
    response = await client.get(URL, params=YEAR, headers=world.admin.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["annee_scolaire"] == "2026-2027"
    by_name = {r["nom_apprenant"]: r for r in body["items"]}
    assert set(by_name) == {p.last_name for p in people.values()}
    record = by_name["Moreau"]
    assert record["id_erp_apprenant"] == "A1"
    assert record["prenom_apprenant"] == people["apprentice"].first_name
    assert record["date_de_naissance_apprenant"] == "2007-03-14"
    assert record["ine_apprenant"] == "1234567890A"
    assert record["date_entree_formation"] == "2026-09-01"
    assert record["date_fin_formation"] == "2028-06-30"
    assert record["etablissement_responsable_uai"] == "0430001A"
    assert record["etablissement_formateur_siret"] == "13002526500013"
    assert record["formation_rncp"] == "RNCP38362"
    assert record["statut_apprenant"] == 3
    assert record["siret_employeur"] == "73282932000074"
    assert record["contrat_date_debut"] == "2026-09-01"
    assert by_name[people["seeking"].last_name]["statut_apprenant"] == 2
    assert by_name[people["seeking"].last_name]["id_erp_apprenant"] == people["seeking"].id
    assert by_name[people["gone"].last_name]["statut_apprenant"] == 0
    twice = by_name[people["twice"].last_name]
    assert twice["statut_apprenant"] == 3
    assert twice["contrat_date_rupture"] == "2026-10-01"
    assert twice["cause_rupture_contrat"] == "faute grave"
    assert twice["siret_employeur"] == "73282932000074"
    assert twice["siret_employeur_2"] == "55203253400646"
    assert twice["contrat_date_debut_2"] == "2026-10-15"


async def test_csv_has_the_dashboard_columns(
    client, session: AsyncSession, world, other_world
) -> None:
    await _scene(session, world, other_world)
    json_items = (await client.get(URL, params=YEAR, headers=world.admin.headers)).json()["items"]
    response = await client.get(URL, params=YEAR, headers=with_auth(world.admin.headers, CSV))
    rows = csv_rows(response)
    assert list(rows[0]) == list(TdbRecord.model_fields)
    expected = {r["nom_apprenant"]: r for r in json_items}
    for row in rows:
        item = expected[row["nom_apprenant"]]
        assert row == {k: "" if v is None else str(v) for k, v in item.items()}


async def test_another_school_year_holds_other_trainings(
    client, session: AsyncSession, world, other_world
) -> None:
    people = await _scene(session, world, other_world)
    response = await client.get(
        URL, params={"annee_scolaire": "2024-2025"}, headers=world.admin.headers
    )
    (record,) = response.json()["items"]
    assert record["nom_apprenant"] == people["seeking"].last_name
    assert record["annee_scolaire"] == "2024-2025"


async def test_every_enrolment_is_exported_in_batches(client, session: AsyncSession, world) -> None:
    promo = await cohort(session, world)
    rows = [
        Learner(organisation_id=world.organisation.id, first_name="A", last_name=f"N{i}")
        for i in range(1050)
    ]
    session.add_all(rows)
    await session.flush()
    session.add_all(
        Enrolment(
            organisation_id=world.organisation.id,
            learner_id=row.id,
            cohort_id=promo.id,
            start_date=promo.start_date,
        )
        for row in rows
    )
    await session.commit()
    response = await client.get(URL, params=YEAR, headers=world.admin.headers)
    items = response.json()["items"]
    assert len(items) == 1050
    assert len({i["id_erp_apprenant"] for i in items}) == 1050


@pytest.mark.parametrize("role", ["admin", "coordinator", "staff"])
async def test_the_organisation_team_exports(client, world, role: str) -> None:
    response = await client.get(URL, params=YEAR, headers=world[role].headers)
    assert response.status_code == 200
    assert response.json() == {"annee_scolaire": "2026-2027", "items": []}


@pytest.mark.parametrize(
    "role", ["company_relations", "referent", "tutor", "learner", "prescriber", "auditor"]
)
async def test_other_roles_may_not(client, world, role: str) -> None:
    response = await client.get(URL, params=YEAR, headers=with_auth(world[role].headers, CSV))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_bad_school_year_is_a_422(client, world) -> None:
    response = await client.get(
        URL, params={"annee_scolaire": "2026-2028"}, headers=world.admin.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "annee_scolaire"]


async def test_the_export_imports_into_another_organisation_and_back_unchanged(
    client, session: AsyncSession, world, other_world
) -> None:
    await _scene(session, world, other_world)
    exported = await client.get(URL, params=YEAR, headers=with_auth(world.admin.headers, CSV))
    job = await import_file(
        client, other_world.admin, exported.content, profile="tdb_effectifs", filename="tdb.csv"
    )
    assert job["status"] == "succeeded" and job["counts"]["rejected"] == 0, job["report"]
    again = await client.get(URL, params=YEAR, headers=with_auth(other_world.admin.headers, CSV))
    # What a record carries and an import writes: identity, training, every contract and its
    # break. (Not the status code nor the end of training: an ended enrolment is not imported.)
    kept = [k for k in TdbRecord.model_fields if k.startswith(CARRIED)]
    sent = {r["id_erp_apprenant"] for r in csv_rows(exported)}

    def table(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        # The second organisation's own learner (see _scene) is not part of the round trip.
        chosen = ({k: r[k] for k in kept} for r in rows if r["id_erp_apprenant"] in sent)
        return sorted(chosen, key=lambda r: r["nom_apprenant"])

    assert len(sent) == 4 and table(csv_rows(again)) == table(csv_rows(exported))
    twice = await import_file(
        client, other_world.admin, again.content, profile="tdb_effectifs", filename="tdb.csv"
    )
    # Unchanged, but for the second organisation's own learner, who gains its dashboard code.
    assert twice["counts"] == {"created": 0, "updated": 1, "unchanged": 4, "rejected": 0}


CARRIED = (
    "nom_", "prenom_", "date_de_naissance", "ine_", "id_erp", "annee_scolaire", "formation_",
    "date_entree", "contrat_", "cause_rupture", "siret_employeur",
)
