"""The dashboard (JSON and CSV), the catalogue, and the shareable aggregates."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models import Cohort, Company, Contract, Learner, Programme
from app.services.indicators.catalogue import CATALOGUE
from tests.factories import World
from tests.helpers_indicators import WINDOW, seed


async def test_catalogue_in_both_languages(client: httpx.AsyncClient, world: World) -> None:
    fr = await client.get("/api/v1/indicators", headers=world.auditor.headers)
    en = await client.get(
        "/api/v1/indicators", headers={**world.auditor.headers, "Accept-Language": "en"}
    )
    assert fr.status_code == en.status_code == 200
    assert fr.headers["content-language"] == "fr"
    codes = [i["code"] for i in fr.json()["items"]]
    assert codes == [i.code for i in CATALOGUE] and len(codes) == 16
    rupture = next(i for i in en.json()["items"] if i["code"] == "rupture_rate")
    assert rupture["title"] == "Break rate" and rupture["unit"] == "rate"
    assert "month" in rupture["groupings"] and "owner_id" in rupture["filters"]


async def test_dashboard_json_and_csv(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
) -> None:
    data = await seed(session, settings, world)
    response = await client.get(
        "/api/v1/dashboard", headers=world.coordinator.headers, params=WINDOW
    )
    assert response.status_code == 200
    board = {i["code"]: i for i in response.json()["indicators"]}
    assert len(board) == 16
    assert (board["rupture_rate"]["numerator"], board["rupture_rate"]["denominator"]) == (2, 4)
    assert {g["key"] for g in board["owner_load"]["groups"]} == {
        world.company_relations.id,
        data.owner_b.id,  # type: ignore[union-attr]
    }
    as_csv = await client.get(
        "/api/v1/dashboard",
        params=WINDOW,
        headers={**world.coordinator.headers, "Accept": "text/csv"},
    )
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    whole = {r["code"]: r for r in rows if not r["group_by"]}
    assert len(whole) == 16
    assert (whole["rupture_rate"]["numerator"], whole["rupture_rate"]["denominator"]) == ("2", "4")
    assert whole["median_days_to_contract"]["value"] == "45.5"
    assert len([r for r in rows if r["group_by"] == "owner"]) == 2


async def test_dashboard_defaults_to_the_current_school_year(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/api/v1/dashboard", headers=world.referent.headers)
    assert response.status_code == 200
    body = response.json()
    start, end = date.fromisoformat(body["from"]), date.fromisoformat(body["to"])
    assert (start.month, start.day, end.month, end.day) == (9, 1, 8, 31)
    assert end.year == start.year + 1
    # The organisation's local date may differ from the server's by a day.
    assert start - timedelta(days=1) <= date.today() <= end + timedelta(days=1)
    rupture = next(i for i in body["indicators"] if i["code"] == "rupture_rate")
    assert rupture["value"] is None and rupture["denominator"] == 0


async def test_shareable_suppresses_small_cells_and_names_nobody(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    org = world.organisation.id
    programme = Programme(organisation_id=org, title="Bac pro")
    company = Company(organisation_id=org, name="Secret SARL")
    session.add_all([programme, company])
    await session.flush()
    cohort = Cohort(
        organisation_id=org,
        programme_id=programme.id,
        name="BP 25",
        start_date=date(2025, 9, 1),
        end_date=date(2027, 6, 30),
    )
    session.add(cohort)
    await session.flush()
    learner_ids = []
    for n in range(9):
        learner = Learner(organisation_id=org, first_name="Zoé", last_name=f"Unique{n}", needs=[])
        session.add(learner)
        await session.flush()
        learner_ids.append(learner.id)
        start = date(2025, 10, 1 + n) if n < 7 else date(2025, 12, 1)
        broken = n < 3
        session.add(
            Contract(
                organisation_id=org,
                kind="apprenticeship",
                learner_id=learner.id,
                company_id=company.id,
                cohort_id=cohort.id,
                start_date=start,
                end_date=date(2027, 6, 30),
                status="broken" if broken else "registered",
                break_date=date(2025, 11, 15) if broken else None,
                sites=[],
            )
        )
    await session.commit()
    response = await client.get(
        "/api/v1/indicators/shareable", headers=world.coordinator.headers, params=WINDOW
    )
    assert response.status_code == 200, response.text
    cells = {c["month"]: c for c in response.json()["cells"]}
    assert cells["2025-10"]["signed"] == 7 and not cells["2025-10"]["signed_suppressed"]
    assert cells["2025-11"]["broken"] is None and cells["2025-11"]["broken_suppressed"]
    assert cells["2025-12"]["signed"] is None and cells["2025-12"]["signed_suppressed"]
    for cell in cells.values():
        for kind in ("signed", "broken"):
            assert cell[kind] is None or cell[kind] >= 5
    text = response.text
    assert "Secret" not in text and "Unique" not in text and "Zoé" not in text
    assert not any(i in text for i in [*learner_ids, company.id, cohort.id, programme.id])


async def test_extreme_windows_do_not_break(client: httpx.AsyncClient, world: World) -> None:
    for params in (
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "0001-01-01", "to": "0001-01-01"},
    ):
        response = await client.get("/api/v1/dashboard", headers=world.admin.headers, params=params)
        assert response.status_code == 200, response.text
        evidence = await client.get(
            "/api/v1/qualiopi/evidence", headers=world.admin.headers, params=params
        )
        assert evidence.status_code == 200, evidence.text
