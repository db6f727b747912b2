"""Recording a review re-evaluates the learner's alerts in the same request: the two-month
interview and the company visit open and clear the alerts RULES.md says."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Alert
from tests.factories import World
from tests.helpers_contracts import today
from tests.helpers_reviews import REVIEWS, create_review, make_review_scene


async def statuses(session: AsyncSession, rule: str, contract_id: str) -> list[str]:
    await session.rollback()  # see what the requests committed
    rows = await session.scalars(
        select(Alert.status)
        .where(Alert.rule == rule, Alert.subject_id == contract_id)
        .order_by(Alert.created_at)
    )
    return list(rows)


async def test_two_month_interview_missing_opens_after_60_days_and_clears_when_done(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    scene = await make_review_scene(session, world, started_days_ago=61)
    rule, contract_id = "two_month_interview_missing", scene.contract.id
    later = str(today() + timedelta(days=10))
    interview = await create_review(
        client, world, contract_id, kind="two_month_interview", scheduled_on=later
    )
    assert await statuses(session, rule, contract_id) == ["open"]  # planned is not held
    held = await client.patch(
        f"{REVIEWS}/{interview['id']}", json={"done_on": str(today())}, headers=world.staff.headers
    )
    assert held.status_code == 200, held.text
    assert await statuses(session, rule, contract_id) == ["resolved"]
    # Undoing it (before any sign-off) brings the alert back.
    undone = await client.patch(
        f"{REVIEWS}/{interview['id']}", json={"done_on": None}, headers=world.staff.headers
    )
    assert undone.status_code == 200
    assert await statuses(session, rule, contract_id) == ["resolved", "open"]


async def test_no_two_month_alert_before_60_days(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    scene = await make_review_scene(session, world, started_days_ago=59)
    await create_review(client, world, scene.contract.id, scheduled_on=str(today()))
    assert await statuses(session, "two_month_interview_missing", scene.contract.id) == []


async def test_a_done_visit_resolves_visit_overdue(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    scene = await make_review_scene(session, world, started_days_ago=100)
    rule, contract_id = "visit_overdue", scene.contract.id
    later = str(today() + timedelta(days=30))
    await create_review(client, world, contract_id, kind="mid_term", scheduled_on=later)
    assert await statuses(session, rule, contract_id) == ["open"]
    await create_review(client, world, contract_id, kind="visit", done_on=str(today()))
    assert await statuses(session, rule, contract_id) == ["resolved"]


async def test_a_missed_review_raises_visit_overdue_until_deleted(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    scene = await make_review_scene(session, world, started_days_ago=30)
    rule, contract_id = "visit_overdue", scene.contract.id
    yesterday = str(today() - timedelta(days=1))
    missed = await create_review(client, world, contract_id, scheduled_on=yesterday)
    assert await statuses(session, rule, contract_id) == ["open"]
    gone = await client.delete(f"{REVIEWS}/{missed['id']}", headers=world.staff.headers)
    assert gone.status_code == 204
    assert await statuses(session, rule, contract_id) == ["resolved"]
