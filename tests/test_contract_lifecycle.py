"""The contract lifecycle: the table, the date rules, and the moves through the API."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.contract import ContractStatus as S
from app.services import contract_lifecycle as lifecycle
from tests.factories import World
from tests.helpers_contracts import URL, Scene, create, days, make_scene, move, move_through

EDGES = [
    (current, target) for current, targets in lifecycle.TRANSITIONS.items() for target in targets
]
# How to reach each status that has moves, with moves that have no date rule.
PATHS = {
    S.draft: (),
    S.signed: ("signed",),
    S.filed: ("signed", "filed"),
    S.registered: ("signed", "filed", "registered"),
    S.rejected: ("signed", "filed", "rejected"),
}


@pytest.fixture
async def scene(session: AsyncSession, world: World) -> Scene:
    return await make_scene(session, world)


def test_the_table() -> None:
    assert set(lifecycle.FINAL) == {S.broken, S.completed, S.cancelled}
    assert S.broken not in lifecycle.TRANSITIONS[S.draft]  # DOMAIN.md: a draft cannot be broken
    assert all(S.draft not in targets for targets in lifecycle.TRANSITIONS.values())
    start, end = date(2026, 9, 1), date(2028, 8, 31)
    before, during, after = date(2026, 8, 1), date(2027, 1, 1), date(2028, 9, 1)
    allowed = lifecycle.allowed_targets
    assert allowed(S.registered, before, start, end) == [S.cancelled]
    assert allowed(S.registered, during, start, end) == [S.broken]
    assert allowed(S.registered, after, start, end) == [S.completed]
    assert allowed(S.signed, before, start, end) == [S.filed, S.cancelled]
    assert allowed(S.draft, during, start, end) == [S.signed, S.cancelled]  # a draft never binds
    assert "final" in (lifecycle.refusal(S.completed, S.signed, during, start, end) or "")
    assert lifecycle.refusal(S.filed, S.rejected, during, start, end) is None


def test_date_rules() -> None:
    assert lifecycle.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert lifecycle.latest_practical_start(date(2026, 9, 1)) == date(2026, 12, 1)
    start, practical = date(2026, 9, 1), date(2026, 9, 15)
    assert lifecycle.within_trial_period("apprenticeship", start, practical, date(2026, 10, 29))
    assert not lifecycle.within_trial_period("apprenticeship", start, practical, date(2026, 10, 30))
    assert not lifecycle.within_trial_period("apprenticeship", start, None, date(2026, 10, 16))
    assert lifecycle.within_trial_period("internship", start, None, date(2026, 9, 2)) is None
    end = date(2027, 8, 31)
    assert lifecycle.is_running("registered", start, end, None, start)
    assert not lifecycle.is_running("draft", start, end, None, start)
    assert not lifecycle.is_running("registered", start, end, None, date(2027, 9, 1))
    assert lifecycle.is_running("broken", start, end, date(2026, 10, 1), date(2026, 9, 30))
    assert not lifecycle.is_running("broken", start, end, date(2026, 10, 1), date(2026, 10, 1))


@pytest.mark.parametrize(("current", "target"), EDGES, ids=[f"{c}->{t}" for c, t in EDGES])
async def test_every_legal_move(
    client: httpx.AsyncClient, world: World, scene: Scene, current: S, target: S
) -> None:
    # Dates that make the move legal today: cancel before the start, complete after the end.
    if target == S.cancelled:
        dates = {"start_date": days(30), "end_date": days(400), "practical_start_date": None}
    elif target == S.completed:
        dates = {"start_date": days(-400), "end_date": days(-1), "practical_start_date": None}
    else:
        dates = {}
    contract = await create(client, world, scene.body(**dates))
    await move_through(client, world, contract["id"], *PATHS[current])
    answer = await move(client, world, contract["id"], target.value, reason="why not")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == target.value
    assert answer.headers["ETag"] == f'"{len(PATHS[current]) + 2}"'
    events = await client.get(f"{URL}/{contract['id']}/events", headers=world.staff.headers)
    last = events.json()["items"][-1]
    assert (last["kind"], last["from_status"], last["to_status"]) == (
        "transition",
        current.value,
        target.value,
    )
    assert last["reason"] == "why not" and last["actor_id"] == world.staff.id


async def test_illegal_moves_are_409_naming_the_allowed_ones(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    contract = await create(client, world, scene.body())
    cid = contract["id"]
    for target in ("broken", "completed", "draft", "registered"):
        refused = await move(client, world, cid, target)
        assert refused.status_code == 409, target
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert problem["type"] == "https://relais.dev/problems/illegal-transition"
        assert problem["allowed"] == ["signed", "cancelled"]
        assert problem["current_status"] == "draft"
    read = await client.get(f"{URL}/{cid}", headers=world.staff.headers)
    assert read.json()["status"] == "draft" and read.json()["version"] == 1
    # Started: a registered contract can no longer be cancelled, only broken.
    await move_through(client, world, cid, "signed", "filed", "registered")
    refused = await move(client, world, cid, "cancelled")
    assert refused.status_code == 409
    assert refused.json()["allowed"] == ["broken"]
    assert "break" in refused.json()["detail"]
    await move_through(client, world, cid, "broken")
    final = await move(client, world, cid, "registered")
    assert final.status_code == 409 and final.json()["allowed"] == []
    events = await client.get(f"{URL}/{cid}/events", headers=world.staff.headers)
    assert [e["to_status"] for e in events.json()["items"]] == [
        "draft",
        "signed",
        "filed",
        "registered",
        "broken",
    ]


async def test_status_and_running_follow_the_history(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    running = await create(client, world, scene.body())
    assert (running["status"], running["running"]) == ("draft", False)
    for status in ("signed", "filed", "registered"):
        moved = await move_through(client, world, running["id"], status)
        assert (moved["status"], moved["running"]) == (status, True)
    # The break date is the first day out of contract: broken today, not running today...
    broken = await move_through(client, world, running["id"], "broken")
    assert broken["running"] is False
    # ...but a break taking effect in 10 days leaves it running until then.
    later = await create(client, world, scene.body())
    await move_through(client, world, later["id"], "signed")
    notice = await move(client, world, later["id"], "broken", on=days(10), initiator="employer")
    assert notice.json()["running"] is True and notice.json()["break"]["date"] == days(10)
    future = await create(client, world, scene.body(start_date=days(20), practical_start_date=None))
    assert (await move_through(client, world, future["id"], "signed"))["running"] is False
    ended = await create(
        client,
        world,
        scene.body(start_date=days(-400), end_date=days(-1), practical_start_date=None),
    )
    registered = await move_through(client, world, ended["id"], "signed", "filed", "registered")
    assert registered["running"] is False
    listed = await client.get(URL, params={"running": "true"}, headers=world.staff.headers)
    assert {c["id"] for c in listed.json()["items"]} == {later["id"]}
    idle = await client.get(URL, params={"running": "false"}, headers=world.staff.headers)
    assert {c["id"] for c in idle.json()["items"]} == {running["id"], future["id"], ended["id"]}


async def test_break_records_date_initiator_reason_and_trial_period(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    early = await create(client, world, scene.body())
    await move_through(client, world, early["id"], "signed")
    missing = await move(client, world, early["id"], "broken", initiator=None)
    assert missing.status_code == 422 and missing.json()["errors"][0]["loc"] == [
        "body",
        "initiator",
    ]
    stray = await move(client, world, early["id"], "filed", initiator="learner")
    assert stray.status_code == 422 and stray.json()["errors"][0]["loc"] == ["body", "initiator"]
    broken = await move(
        client, world, early["id"], "broken", initiator="learner", reason="Moves away"
    )
    assert broken.json()["break"] == {
        "date": days(0),
        "initiator": "learner",
        "reason": "Moves away",
        "within_trial_period": True,
    }
    late = await create(
        client, world, scene.body(start_date=days(-90), practical_start_date=days(-80))
    )
    await move_through(client, world, late["id"], "signed", "filed", "registered")
    broken = await move(client, world, late["id"], "broken", initiator="employer")
    assert broken.json()["break"]["within_trial_period"] is False
    internship = await create(client, world, scene.body(kind="internship"))
    await move_through(client, world, internship["id"], "signed")
    broken = await move(client, world, internship["id"], "broken", initiator="other")
    assert broken.json()["break"]["within_trial_period"] is None


async def test_moves_honour_if_match_dates_and_are_audited(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    contract = await create(client, world, scene.body())
    url = f"{URL}/{contract['id']}/transitions"
    stale = await client.post(
        url, json={"to": "signed"}, headers={**world.staff.headers, "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    fresh = await client.post(
        url,
        json={"to": "signed", "on": days(-2)},
        headers={**world.staff.headers, "If-Match": '"1"'},
    )
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'
    backwards = await move(client, world, contract["id"], "filed", on=days(-3))
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["loc"] == ["body", "on"]
    audit = await client.get(
        "/api/v1/audit-events",
        params={"object_id": contract["id"], "sort": "occurred_at"},
        headers=world.admin.headers,
    )
    assert [e["action"] for e in audit.json()["items"]] == ["create", "transition"]
    assert audit.json()["items"][1]["changes"]["status"] == {"from": "draft", "to": "signed"}
