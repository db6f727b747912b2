"""Alerts follow the data in the same request: changes made through the API open and clear
the alerts RULES.md predicts, without waiting for a scan."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import World
from tests.helpers_contracts import days, make_scene


async def _alerts(client: httpx.AsyncClient, world: World, **params: str) -> list[dict]:
    answer = await client.get("/api/v1/alerts", params=params, headers=world.coordinator.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def test_enrolment_without_employer_then_a_running_contract(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    learner_id = scene.mine.id
    enrolled = await client.post(
        f"/api/v1/learners/{learner_id}/enrolments",
        json={"cohort_id": scene.cohort.id, "start_date": days(-95)},
        headers=world.staff.headers,
    )
    assert enrolled.status_code == 201, enrolled.text
    [alert] = await _alerts(client, world, learner_id=learner_id, rule="no_employer_after_window")
    assert alert["severity"] == "critical" and alert["status"] == "open"
    assert alert["facts"]["threshold_days"] == 90

    contract = await client.post(
        "/api/v1/contracts",
        json=scene.body(start_date=days(-3), practical_start_date=days(-3)),
        headers=world.staff.headers,
    )
    assert contract.status_code == 201, contract.text
    moved = await client.post(
        f"/api/v1/contracts/{contract.json()['id']}/transitions",
        json={"to": "signed", "on": days(-3)},
        headers=world.staff.headers,
    )
    assert moved.status_code == 200, moved.text
    cleared = await _alerts(
        client, world, learner_id=learner_id, rule="no_employer_after_window", status="resolved"
    )
    assert [a["resolution"] for a in cleared] == ["condition_cleared"]


async def test_unfiled_contract_opens_and_filing_clears(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    contract = await client.post(
        "/api/v1/contracts",
        json=scene.body(start_date=days(-10), practical_start_date=days(-10)),
        headers=world.staff.headers,
    )
    contract_id = contract.json()["id"]
    await client.post(
        f"/api/v1/contracts/{contract_id}/transitions",
        json={"to": "signed", "on": days(-10)},
        headers=world.staff.headers,
    )
    [alert] = await _alerts(client, world, contract_id=contract_id, rule="contract_not_filed")
    assert alert["severity"] == "critical" and alert["status"] == "open"
    await client.post(
        f"/api/v1/contracts/{contract_id}/transitions",
        json={"to": "filed"},
        headers=world.staff.headers,
    )
    assert (
        await _alerts(
            client, world, contract_id=contract_id, rule="contract_not_filed", status="open"
        )
        == []
    )
