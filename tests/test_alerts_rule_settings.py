"""``/alert-rules``: the catalogue in the caller's language with the organisation's settings,
changed by coordinators and admins only, validated against the rule's limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent
from tests import helpers_alert_workflow as h
from tests.factories import World

URL = "/api/v1/alert-rules"
RULE_URL = f"{URL}/{h.LEARNER_RULE}"


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> h.FakeRules:
    return h.install(monkeypatch)


async def test_the_catalogue_is_listed_with_settings_in_both_languages(
    client: httpx.AsyncClient, world: World, rules: h.FakeRules
) -> None:
    listed = await client.get(URL, headers=world.referent.headers)
    assert listed.status_code == 200 and listed.json()["next_cursor"] is None
    rule = {r["code"]: r for r in listed.json()["items"]}[h.LEARNER_RULE]
    assert rule["title"] == "Sans employeur depuis {days} jours"
    assert (rule["subject_type"], rule["severity"], rule["owner"]) == (
        "learner",
        "warning",
        "referent",
    )
    assert rule["enabled"] is True and rule["version"] == 0 and rule["updated_at"] is None
    assert (
        rule["parameters"]
        == rule["defaults"]
        == {
            "threshold": 60,
            "ratio": 0.25,
            "mode": "calendar",
            "weights": {"absence": 5},
        }
    )
    assert rule["limits"]["threshold"] == {"type": "integer", "minimum": 1, "maximum": 365}
    assert rule["limits"]["ratio"]["type"] == "number"
    english = await client.get(RULE_URL, headers={**world.staff.headers, "Accept-Language": "en"})
    assert english.json()["title"] == "No employer for {days} days"
    assert english.headers["ETag"] == '"0"'
    for role in ("tutor", "learner", "prescriber"):
        assert (await client.get(URL, headers=world[role].headers)).status_code == 403, role
    assert (await client.get(f"{URL}/nope", headers=world.staff.headers)).status_code == 404


async def test_coordinators_change_thresholds_that_reach_the_evaluation(
    client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    other_world: World,
    rules: h.FakeRules,
) -> None:
    changed = await client.patch(
        RULE_URL,
        json={"parameters": {"threshold": 45, "ratio": 0.5, "weights": {"absence": 6}}},
        headers=world.coordinator.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == '"1"'
    expected: dict[str, Any] = {
        "threshold": 45,
        "mode": "calendar",
        "weights": {"absence": 6},
        "ratio": 0.5,
    }
    assert changed.json()["parameters"] == expected
    await h.scan(client, world)
    _, settings = rules.calls[-1]
    assert settings[h.LEARNER_RULE] == (True, expected)
    theirs = await client.get(RULE_URL, headers=other_world.coordinator.headers)
    assert theirs.json()["parameters"]["threshold"] == 60  # per organisation
    stale = await client.patch(
        RULE_URL,
        json={"enabled": False},
        headers={**world.admin.headers, "If-Match": '"0"'},
    )
    assert stale.status_code == 412
    reset = await client.patch(
        RULE_URL,
        json={"parameters": {"threshold": None}},
        headers={**world.admin.headers, "If-Match": '"1"'},
    )
    assert reset.status_code == 200 and reset.json()["parameters"]["threshold"] == 60
    same = await client.patch(RULE_URL, json={}, headers=world.admin.headers)
    assert same.json()["version"] == 2  # nothing to change, nothing written
    actions = await session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "alert_rule_setting")
    )
    assert sorted(actions) == ["create", "update"]


async def test_only_coordinators_and_admins_change_rules(
    client: httpx.AsyncClient, world: World, rules: h.FakeRules
) -> None:
    body = {"enabled": False}
    for role in ("staff", "company_relations", "referent", "auditor"):
        answer = await client.patch(RULE_URL, json=body, headers=world[role].headers)
        assert answer.status_code == 403, role
    assert (await client.patch(RULE_URL, json=body, headers=world.tutor.headers)).status_code == 403
    answer = await client.patch(RULE_URL, json=body, headers=world.admin.headers)
    assert answer.status_code == 200 and answer.json()["enabled"] is False


@pytest.mark.parametrize(
    ("parameters", "name"),
    [
        ({"nope": 1}, "nope"),
        ({"threshold": 0}, "threshold"),
        ({"threshold": 366}, "threshold"),
        ({"threshold": 12.5}, "threshold"),
        ({"threshold": True}, "threshold"),
        ({"threshold": "45"}, "threshold"),
        ({"ratio": 1.5}, "ratio"),
        ({"mode": 5}, "mode"),
        ({"weights": {"other": 1}}, "weights"),
        ({"weights": {"absence": "high"}}, "weights"),
        ({"weights": 3}, "weights"),
    ],
)
async def test_bad_parameters_are_422_naming_them_and_change_nothing(
    client: httpx.AsyncClient,
    world: World,
    rules: h.FakeRules,
    parameters: dict[str, Any],
    name: str,
) -> None:
    answer = await client.patch(
        RULE_URL, json={"parameters": parameters}, headers=world.coordinator.headers
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["loc"] == ["body", "parameters", name]
    read = await client.get(RULE_URL, headers=world.coordinator.headers)
    assert read.json()["version"] == 0 and read.json()["parameters"]["threshold"] == 60


async def test_nulls_and_unknown_fields_are_refused(
    client: httpx.AsyncClient, world: World, rules: h.FakeRules
) -> None:
    for body, loc in (
        ({"enabled": None}, ["body", "enabled"]),
        ({"parameters": None}, ["body", "parameters"]),
        ({"enabeld": False}, ["body", "enabeld"]),
    ):
        answer = await client.patch(RULE_URL, json=body, headers=world.coordinator.headers)
        assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == loc


async def test_thresholds_must_stay_in_order(client: httpx.AsyncClient, world: World) -> None:
    url = f"{URL}/no_employer_after_window"  # warning at 60 days, critical at 90
    crossed = await client.patch(
        url, json={"parameters": {"warning_days": 100}}, headers=world.coordinator.headers
    )
    assert crossed.status_code == 422, crossed.text
    assert crossed.json()["errors"][0]["loc"] == ["body", "parameters", "warning_days"]
    unchanged = await client.get(url, headers=world.coordinator.headers)
    assert unchanged.json()["parameters"]["warning_days"] == 60
    both = {"parameters": {"warning_days": 100, "critical_days": 150}}
    moved = await client.patch(url, json=both, headers=world.coordinator.headers)
    assert moved.status_code == 200, moved.text
    assert moved.json()["parameters"] == {"warning_days": 100, "critical_days": 150}
    below = await client.patch(
        url, json={"parameters": {"critical_days": 100}}, headers=world.coordinator.headers
    )
    assert below.json()["errors"][0]["loc"] == ["body", "parameters", "critical_days"]
