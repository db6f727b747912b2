"""The scan: ``POST /alerts/scan`` for coordinators and admins, at the organisation's today by
default, and ``relais alerts scan`` for cron."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import get_settings
from tests import helpers_alert_workflow as h
from tests.factories import World

URL = "/api/v1/alerts/scan"


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> h.FakeRules:
    return h.install(monkeypatch)


async def test_only_coordinators_and_admins_scan(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine))
    for role in ("staff", "company_relations", "referent", "tutor", "learner", "prescriber"):
        answer = await client.post(URL, json={}, headers=world[role].headers)
        assert answer.status_code == 403, role
    assert (await client.post(URL, json={}, headers=world.auditor.headers)).status_code == 403
    assert await h.alerts_of(session, world.organisation.id) == []
    first = await client.post(URL, json={}, headers=world.admin.headers)
    assert first.status_code == 200 and first.json()["opened"] == 1
    second = await client.post(URL, json={}, headers=world.coordinator.headers)
    assert second.json()["opened"] == 0


async def test_as_of_defaults_to_today_in_the_organisation_time_zone(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    world.organisation.timezone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of Paris
    await session.merge(world.organisation)
    await session.commit()
    answer = await client.post(URL, json={}, headers=world.coordinator.headers)
    today = datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert answer.json() == {"as_of": today.isoformat(), "opened": 0, "updated": 0, "resolved": 0}
    scope, _ = rules.calls[-1]
    assert scope.as_of == today and scope.learner_ids is None
    assert scope.organisation_id == world.organisation.id


async def test_bad_dates_are_refused_and_retries_replay(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    for as_of in ("1000-01-01", "9999-12-31", "yesterday"):
        bad = await client.post(URL, json={"as_of": as_of}, headers=world.admin.headers)
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "as_of"]
    assert rules.calls == []
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine))
    headers = {**world.admin.headers, "Idempotency-Key": "nightly-2026-11-30"}
    body = {"as_of": h.AS_OF.isoformat()}
    first = await client.post(URL, json=body, headers=headers)
    replay = await client.post(URL, json=body, headers=headers)
    assert first.json()["opened"] == 1 and replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert len(rules.calls) == 1


def test_the_command_scans_every_organisation_or_one(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    world: World,
    other_world: World,
    rules: h.FakeRules,
) -> None:
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        done = runner.invoke(cli, ["alerts", "scan", "--as-of", "2026-11-30"])
        assert done.exit_code == 0, done.output
        assert f"{world.organisation.name}: as of 2026-11-30, opened 0" in done.output
        assert other_world.organisation.name in done.output
        one = runner.invoke(cli, ["alerts", "scan", "--organisation", world.organisation.name])
        assert one.exit_code == 0 and other_world.organisation.name not in one.output
        missing = runner.invoke(cli, ["alerts", "scan", "--organisation", "Nope"])
        assert missing.exit_code == 1 and "No organisation named 'Nope'" in missing.output
        bad = runner.invoke(cli, ["alerts", "scan", "--as-of", "30/11/2026"])
        assert bad.exit_code == 2
    finally:
        get_settings.cache_clear()
