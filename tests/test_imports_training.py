"""Rows that carry the training: programme by RNCP code, cohort, enrolment, contract's cohort."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Cohort, Contract, Enrolment, Programme
from tests.factories import World
from tests.helpers_imports import ERP_HEADER, csv_bytes, erp_row, import_file

TRAINING_HEADER = [
    *ERP_HEADER, "Code RNCP", "Formation", "Promotion", "Date d'entrée en formation",
    "Date de fin de formation",
]
BTS = ["RNCP38362", "BTS MCO", "MCO 1A", "01/09/2026", "30/06/2028"]


def training_row(n: int, training: list[str] = BTS) -> list[str]:
    return [*erp_row(n), *training]


async def test_rows_enrol_learners_in_their_cohort(client, world: World, session: AsyncSession):
    content = csv_bytes([training_row(1), training_row(2)], header=TRAINING_HEADER)
    job = await import_file(client, world.admin, content)
    assert job["counts"]["created"] == 2, job["report"]
    programme = (await session.scalars(select(Programme))).one()
    assert (programme.rncp_code, programme.title) == ("RNCP38362", "BTS MCO")
    cohort = (await session.scalars(select(Cohort))).one()
    assert (cohort.name, cohort.start_date, cohort.end_date) == (
        "MCO 1A", date(2026, 9, 1), date(2028, 6, 30)
    )
    enrolments = (await session.scalars(select(Enrolment))).all()
    assert sorted((e.cohort_id, e.start_date) for e in enrolments) == [
        (cohort.id, date(2026, 9, 1))
    ] * 2
    assert {c.cohort_id for c in (await session.scalars(select(Contract))).all()} == {cohort.id}
    learner_id = enrolments[0].learner_id
    listed = await client.get(
        f"/api/v1/learners/{learner_id}/enrolments", headers=world.admin.headers
    )
    assert [e["cohort_id"] for e in listed.json()["items"]] == [cohort.id]
    again = await import_file(client, world.admin, content)
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}


async def test_existing_programme_and_cohort_are_found_not_duplicated(
    client, world: World, session: AsyncSession
):
    made = await client.post(
        "/api/v1/programmes", headers=world.admin.headers,
        json={"title": "BTS Management commercial", "rncp_code": "RNCP38362"},
    )
    assert made.status_code == 201, made.text
    cohort = await client.post(
        "/api/v1/cohorts", headers=world.admin.headers,
        json={"programme_id": made.json()["id"], "name": "MCO 1A", "start_date": "2026-09-07",
              "end_date": "2028-06-30"},
    )
    assert cohort.status_code == 201, cohort.text
    # The code without its prefix, the cohort in capitals, no training dates.
    row = training_row(1, ["38362", "", "mco 1a", "", ""])
    job = await import_file(client, world.admin, csv_bytes([row], header=TRAINING_HEADER))
    assert job["counts"]["created"] == 1, job["report"]
    assert len((await session.scalars(select(Programme))).all()) == 1
    assert len((await session.scalars(select(Cohort))).all()) == 1
    enrolment = (await session.scalars(select(Enrolment))).one()
    # Enrolled from the cohort's first day when the file does not say.
    assert (enrolment.cohort_id, enrolment.start_date) == (cohort.json()["id"], date(2026, 9, 7))


async def test_tdb_school_year_makes_the_cohort(client, world: World, session: AsyncSession):
    header = [
        "nom_apprenant", "prenom_apprenant", "date_de_naissance_apprenant", "id_erp_apprenant",
        "annee_scolaire", "formation_rncp", "date_entree_formation",
    ]
    row = ["ROUX", "Hugo", "2006-04-03", "ERP-9", "2026-2027", "RNCP38362", "2026-10-05"]
    content = csv_bytes([row], header=header, sep=",", encoding="utf-8")
    job = await import_file(client, world.admin, content, profile="tdb_effectifs")
    assert job["counts"]["created"] == 1, job["report"]
    programme = (await session.scalars(select(Programme))).one()
    assert programme.title == "Formation RNCP38362"
    cohort = (await session.scalars(select(Cohort))).one()
    assert (cohort.name, cohort.start_date, cohort.end_date) == (
        "2026-2027", date(2026, 10, 5), date(2027, 8, 31)
    )
    enrolment = (await session.scalars(select(Enrolment))).one()
    assert enrolment.start_date == date(2026, 10, 5)


async def test_bad_training_cells_are_reported_by_column(client, world: World, session):
    rows = [
        training_row(1, ["RNCP-ABC", "BTS MCO", "MCO 1A", "01/09/2026", "30/06/2028"]),
        training_row(2, ["RNCP38362", "BTS MCO", "MCO 2A", "", ""]),  # a new cohort, no dates
    ]
    job = await import_file(client, world.admin, csv_bytes(rows, header=TRAINING_HEADER))
    assert job["status"] == "rejected"
    assert [(r["row"], r["column"]) for r in job["report"]] == [
        (2, "Code RNCP"), (3, "Date d'entrée en formation")
    ]
    assert (await session.scalars(select(Cohort))).all() == []
