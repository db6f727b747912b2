"""Every indicator on a data set whose answers are known by construction (helpers_indicators):
numerator, denominator, filters, groupings, tenants."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import World
from tests.helpers_indicators import WINDOW, Seed, seed, seed_other

# code -> (value, numerator, denominator, records), for the whole organisation.
EXPECTED: dict[str, tuple[Any, Any, Any, int]] = {
    "active_contracts": (2, None, None, 2),  # A1 registered, A9 signed
    "contracts_started": (4, None, None, 4),  # A1 A2 A3 A9 (A6 draft, A7 A8 earlier)
    "rupture_rate": (0.5, 2, 4, 4),  # A2 A3
    "early_rupture_rate": (0.25, 1, 4, 4),  # A2: 30 days; A3: 89 from practical start
    "learners_seeking": (2, None, None, 2),  # L4 L5
    "median_days_to_contract": (45.5, None, None, 4),  # L9 0, L1 30, L2 61, L3 122
    "two_month_interview_on_time_rate": (round(1 / 3, 4), 1, 3, 3),  # A1 on time; A2, A3 not
    "visits_on_time_rate": (round(1 / 3, 4), 1, 3, 3),  # V1; V2 not done, V3 9 days
    "absence_rate": (0.6, 3, 5, 5),  # M2 M3 M4 of M1-M5
    "unjustified_absence_rate": (0.2, 1, 5, 5),  # M2
    "follow_up_coverage": (round(2 / 6, 4), 2, 6, 6),  # L1 L4 of L1-L5, L9
    "alerts_open": (3, None, None, 3),  # X1 X2, X5 resolved after `to`
    "alert_resolution_median_days": (15.0, None, None, 2),  # X3 10, X4 20
    "owner_load": (2, None, None, 2),
    "filing_delay_median_days": (20.0, None, None, 3),  # 10 20 31
    "completion_rate": (0.5, 1, 2, 2),  # A7 completed, A8 not
}


@pytest.fixture
async def data(session: AsyncSession, settings: Settings, world: World, other_world: World) -> Seed:
    await seed_other(session, other_world)
    return await seed(session, settings, world)


async def get(
    client: httpx.AsyncClient, world: World, code: str, role: str = "coordinator", **params: str
) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/indicators/{code}", headers=world[role].headers, params={**WINDOW, **params}
    )
    assert response.status_code == 200, response.text
    return response.json()


def measure(body: dict[str, Any]) -> tuple[Any, Any, Any, int]:
    return body["value"], body["numerator"], body["denominator"], body["records"]


@pytest.mark.parametrize("code", sorted(EXPECTED))
async def test_every_indicator_has_its_known_value(
    client: httpx.AsyncClient, world: World, data: Seed, code: str
) -> None:
    body = await get(client, world, code)
    assert measure(body) == EXPECTED[code]
    assert (body["code"], body["from"], body["to"]) == (code, WINDOW["from"], WINDOW["to"])


async def test_groupings_by_month_programme_and_owner(
    client: httpx.AsyncClient, world: World, data: Seed
) -> None:
    by_month = await get(client, world, "contracts_started", group_by="month")
    assert [(g["key"], g["value"]) for g in by_month["groups"]] == [
        ("2025-10", 1),
        ("2025-11", 1),
        ("2026-01", 2),
    ]
    by_programme = await get(client, world, "rupture_rate", group_by="programme")
    assert sorted(
        (g["label"], g["numerator"], g["denominator"]) for g in by_programme["groups"]
    ) == [("BTS MCO", 1, 3), ("BUT GEA", 1, 1)]
    by_owner = await get(client, world, "owner_load", group_by="owner")
    assert {g["key"]: g["value"] for g in by_owner["groups"]} == {
        world.company_relations.id: 1,
        data.owner_b.id: 1,  # type: ignore[union-attr]
    }
    medians = await get(client, world, "filing_delay_median_days", group_by="month")
    assert [(g["key"], g["value"]) for g in medians["groups"]] == [
        ("2025-10", 10.0),
        ("2025-11", 20.0),
        ("2026-02", 31.0),
    ]
    alerts = await get(client, world, "alerts_open", group_by="severity")
    assert {g["key"]: g["value"] for g in alerts["groups"]} == {"warning": 2, "critical": 1}


async def test_filters(client: httpx.AsyncClient, world: World, data: Seed) -> None:
    assert measure(await get(client, world, "rupture_rate", programme_id=data["P2"])) == (
        1.0,
        1,
        1,
        1,
    )
    assert measure(await get(client, world, "rupture_rate", company_id=data["K1"])) == (
        0.5,
        1,
        2,
        2,
    )
    assert measure(await get(client, world, "rupture_rate", cohort_id=data["C1"])) == (
        round(1 / 3, 4),
        1,
        3,
        3,
    )
    owner_b = data.owner_b.id  # type: ignore[union-attr]
    assert measure(await get(client, world, "rupture_rate", owner_id=owner_b)) == (0.5, 1, 2, 2)
    assert measure(await get(client, world, "learners_seeking", cohort_id=data["C2"])) == (
        1,
        None,
        None,
        1,
    )


async def test_empty_denominator_is_null_never_zero(
    client: httpx.AsyncClient, world: World, data: Seed
) -> None:
    empty = {"from": "2020-01-01", "to": "2020-01-31"}
    rate = await get(client, world, "rupture_rate", **empty)
    assert measure(rate) == (None, 0, 0, 0)
    median = await get(client, world, "filing_delay_median_days", **empty)
    assert median["value"] is None


async def test_referent_counts_only_their_learners(
    client: httpx.AsyncClient, world: World, data: Seed
) -> None:
    assert (await get(client, world, "contracts_started", "referent"))["value"] == 1  # A1
    assert (await get(client, world, "learners_seeking", "referent"))["value"] == 1  # L4
    coverage = await get(client, world, "follow_up_coverage", "referent")
    assert (coverage["numerator"], coverage["denominator"]) == (2, 2)
    assert (await get(client, world, "alerts_open", "referent"))["value"] == 2


@pytest.mark.parametrize("role", ["tutor", "learner", "prescriber"])
async def test_outsiders_are_refused(client: httpx.AsyncClient, world: World, role: str) -> None:
    for path in (
        "/api/v1/indicators",
        "/api/v1/indicators/rupture_rate",
        "/api/v1/dashboard",
        "/api/v1/indicators/rupture_rate/records",
        "/api/v1/indicators/shareable",
        "/api/v1/qualiopi/evidence",
    ):
        response = await client.get(path, headers=world[role].headers)
        assert response.status_code == 403, path


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "rule"}, "group_by"),
        ({"group_by": "weekday"}, "group_by"),
        ({"company_id": "x"}, "company_id"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "from"),
    ],
)
async def test_bad_parameters_are_named(
    client: httpx.AsyncClient, world: World, params: dict[str, str], field: str
) -> None:
    response = await client.get(
        "/api/v1/indicators/learners_seeking", headers=world.coordinator.headers, params=params
    )
    assert response.status_code == 422
    assert field in response.text


async def test_unknown_indicator_is_404(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get("/api/v1/indicators/nope", headers=world.auditor.headers)
    assert response.status_code == 404
