"""The drill-down lists exactly the records behind each value (helpers_indicators data)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.services.learner_status import LearnerStatus, statuses_for
from tests.factories import World
from tests.helpers_indicators import TO, WINDOW, Seed, seed, seed_other

# code -> (records behind the value, those in the numerator for rates)
RECORDS: dict[str, tuple[set[str], set[str] | None]] = {
    "active_contracts": ({"A1", "A9"}, None),
    "contracts_started": ({"A1", "A2", "A3", "A9"}, None),
    "rupture_rate": ({"A1", "A2", "A3", "A9"}, {"A2", "A3"}),
    "early_rupture_rate": ({"A1", "A2", "A3", "A9"}, {"A2"}),
    "learners_seeking": ({"L4", "L5"}, None),
    "median_days_to_contract": ({"L1", "L2", "L3", "L9"}, None),
    "two_month_interview_on_time_rate": ({"A1", "A2", "A3"}, {"A1"}),
    "visits_on_time_rate": ({"V1", "V2", "V3"}, {"V1"}),
    "absence_rate": ({"M1", "M2", "M3", "M4", "M5"}, {"M2", "M3", "M4"}),
    "unjustified_absence_rate": ({"M1", "M2", "M3", "M4", "M5"}, {"M2"}),
    "follow_up_coverage": ({"L1", "L2", "L3", "L4", "L5", "L9"}, {"L1", "L4"}),
    "alerts_open": ({"X1", "X2", "X5"}, None),
    "alert_resolution_median_days": ({"X3", "X4"}, None),
    "owner_load": ({"A1", "A9"}, None),
    "filing_delay_median_days": ({"A1", "A2", "A3"}, None),
    "completion_rate": ({"A7", "A8"}, {"A7"}),
}


@pytest.fixture
async def data(session: AsyncSession, settings: Settings, world: World, other_world: World) -> Seed:
    await seed_other(session, other_world)
    return await seed(session, settings, world)


async def all_records(
    client: httpx.AsyncClient, world: World, code: str, role: str = "admin", **params: str
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**WINDOW, **params, "limit": "2", **({"cursor": cursor} if cursor else {})}
        response = await client.get(
            f"/api/v1/indicators/{code}/records", headers=world[role].headers, params=query
        )
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def names(data: Seed, ids: set[str]) -> set[str]:
    by_id = {value: key for key, value in data.ids.items()}
    return {by_id[i] for i in ids}


@pytest.mark.parametrize("code", sorted(RECORDS))
async def test_drill_down_lists_exactly_its_records(
    client: httpx.AsyncClient, world: World, data: Seed, code: str
) -> None:
    items = await all_records(client, world, code)
    behind, numerator = RECORDS[code]
    assert names(data, {i["id"] for i in items}) == behind
    assert len(items) == len(behind)  # pages neither repeat nor skip
    if numerator is not None:
        assert names(data, {i["id"] for i in items if i["in_numerator"]}) == numerator


async def test_drill_down_of_one_group(client: httpx.AsyncClient, world: World, data: Seed) -> None:
    items = await all_records(
        client, world, "contracts_started", group_by="month", group_key="2026-01"
    )
    assert names(data, {i["id"] for i in items}) == {"A3", "A9"}
    items = await all_records(
        client, world, "rupture_rate", group_by="programme", group_key=data["P2"]
    )
    assert names(data, {i["id"] for i in items}) == {"A3"}


async def test_referent_drills_only_into_their_learners(
    client: httpx.AsyncClient, world: World, data: Seed
) -> None:
    items = await all_records(client, world, "follow_up_coverage", role="referent")
    assert names(data, {i["id"] for i in items}) == {"L1", "L4"}


async def test_learners_seeking_agrees_with_the_derived_status(
    client: httpx.AsyncClient, session: AsyncSession, world: World, data: Seed
) -> None:
    learners = [data[f"L{n}"] for n in range(1, 10)]
    statuses = await statuses_for(session, world.organisation.id, learners, TO)
    seeking = {i for i, s in statuses.items() if s == LearnerStatus.enrolled_seeking}
    items = await all_records(client, world, "learners_seeking")
    assert {i["id"] for i in items} == seeking
