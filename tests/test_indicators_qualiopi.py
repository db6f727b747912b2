"""The Qualiopi evidence pack: values and records per criterion, as JSON and as a ZIP of CSV."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models import CohortKeyDate, ContractEvent, FollowUpEntry, Learner
from tests.factories import World
from tests.helpers_indicators import WINDOW, Seed, seed


@pytest.fixture
async def data(session: AsyncSession, settings: Settings, world: World) -> Seed:
    out = await seed(session, settings, world)
    org = world.organisation.id
    learner = await session.get(Learner, out["L4"])
    assert learner is not None
    learner.needs = ["transport", "disability"]
    session.add_all(
        [
            CohortKeyDate(
                organisation_id=org,
                cohort_id=out["C1"],
                kind="exam",
                label="Partiels",
                start_date=date(2026, 1, 12),
                end_date=date(2026, 1, 16),
            ),
            ContractEvent(
                organisation_id=org, contract_id=out["A1"], kind="tutor_change", on=date(2026, 2, 2)
            ),
            FollowUpEntry(
                organisation_id=org,
                learner_id=out["L7"],
                kind="post_contract",
                occurred_on=date(2026, 5, 5),
                author_id=world.staff.id,
                summary="suite",
            ),
            FollowUpEntry(
                organisation_id=org,
                learner_id=out["L4"],
                kind="company_contact",
                occurred_on=date(2026, 3, 3),
                author_id=world.company_relations.id,
                summary="appel",
            ),
        ]
    )
    await session.commit()
    return out


def section(body: dict[str, Any], number: int) -> dict[str, Any]:
    return next(c for c in body["criteria"] if c["criterion"] == number)


def rows(criterion: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return next(e for e in criterion["evidence"] if e["name"] == name)["rows"]


async def test_evidence_json(client: httpx.AsyncClient, world: World, data: Seed) -> None:
    response = await client.get(
        "/api/v1/qualiopi/evidence", headers=world.auditor.headers, params=WINDOW
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["criterion"] for c in body["criteria"]] == [12, 13, 26, 28, 29]
    twelve = section(body, 12)
    rupture = next(i for i in twelve["indicators"] if i["code"] == "rupture_rate")
    assert (rupture["numerator"], rupture["denominator"]) == (2, 4)
    assert {r["id"] for r in rows(twelve, "breaks")} == {data["A2"], data["A3"]}
    assert len(rows(twelve, "alerts")) == 5
    thirteen = section(body, 13)
    assert [r["label"] for r in rows(thirteen, "calendar")] == ["Partiels"]
    assert [r["contract_id"] for r in rows(thirteen, "tutor_changes")] == [data["A1"]]
    assert {r["id"] for r in rows(thirteen, "reviews_done")} == {
        data[n] for n in ("R1", "R3", "V1", "V3")
    }
    disability = section(body, 26)
    coverage = next(i for i in disability["indicators"] if i["code"] == "follow_up_coverage")
    assert (coverage["numerator"], coverage["denominator"]) == (1, 1)  # L4 only
    assert [r["id"] for r in rows(disability, "learners_with_disability")] == [data["L4"]]
    placement = section(body, 28)
    assert {r["name"] for r in rows(placement, "companies")} == {"Alpha", "Beta"}
    assert len(rows(placement, "company_contacts")) == 1
    outcomes = section(body, 29)
    assert {r["id"] for r in rows(outcomes, "contracts_ended")} == {data["A7"], data["A8"]}
    assert len(rows(outcomes, "post_contract_follow_up")) == 1


async def test_evidence_zip_of_csv(client: httpx.AsyncClient, world: World, data: Seed) -> None:
    response = await client.get(
        "/api/v1/qualiopi/evidence",
        params=WINDOW,
        headers={**world.coordinator.headers, "Accept": "application/zip"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "indicators.csv" in archive.namelist() and "12_breaks.csv" in archive.namelist()
    breaks = list(csv.DictReader(io.StringIO(archive.read("12_breaks.csv").decode())))
    assert {r["id"] for r in breaks} == {data["A2"], data["A3"]}
    values = list(csv.DictReader(io.StringIO(archive.read("indicators.csv").decode())))
    rupture = next(v for v in values if v["code"] == "rupture_rate")
    assert (rupture["numerator"], rupture["denominator"]) == ("2", "4")


async def test_referent_pack_holds_only_their_learners(
    client: httpx.AsyncClient, world: World, data: Seed
) -> None:
    response = await client.get(
        "/api/v1/qualiopi/evidence", headers=world.referent.headers, params=WINDOW
    )
    assert response.status_code == 200
    alerts = rows(section(response.json(), 12), "alerts")
    assert {a["learner_id"] for a in alerts} == {data["L1"], data["L4"]}
