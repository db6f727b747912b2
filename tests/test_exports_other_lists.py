"""Exports of lists not built on ``Resource``: users, alerts and the audit log hold exactly
what the JSON list holds for the same caller and filters."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.schemas.alert import AlertRead
from app.services.exports.tabular import columns
from tests import helpers_alert_workflow as h
from tests import helpers_attendance as ha
from tests.factories import World
from tests.helpers_exports import CSV, XLSX, csv_rows, with_auth, xlsx_rows
from tests.helpers_learners import learner


async def _json_ids(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> set[str]:
    ids: set[str] = set()
    params: dict[str, str | int] = {"limit": 500}
    while True:
        body = (await client.get(url, params=params, headers=headers)).json()
        ids |= {item["id"] for item in body["items"]}
        if not body["next_cursor"]:
            return ids
        params["cursor"] = body["next_cursor"]


async def test_users_export_follows_the_filters(client, world: World, other_world) -> None:
    rows = csv_rows(await client.get("/api/v1/users", headers=with_auth(world.admin.headers, CSV)))
    assert {r["id"] for r in rows} == await _json_ids(client, "/api/v1/users", world.admin.headers)
    assert other_world.admin.id not in {r["id"] for r in rows}
    tutors = xlsx_rows(
        await client.get(
            "/api/v1/users", params={"role": "tutor"}, headers=with_auth(world.admin.headers, XLSX)
        )
    )
    assert [r["id"] for r in tutors] == [world["tutor"].id]
    assert tutors[0]["roles"] == "tutor"


async def test_audit_log_export_is_for_admins_and_auditors(
    client, session: AsyncSession, world: World
) -> None:
    await client.post(
        "/api/v1/learners",
        json={"first_name": "Inès", "last_name": "Moreau"},
        headers=world.admin.headers,
    )
    url = "/api/v1/audit-events"
    rows = csv_rows(await client.get(url, headers=with_auth(world.auditor.headers, CSV)))
    assert {r["id"] for r in rows} == await _json_ids(client, url, world.auditor.headers)
    assert any(r["object_type"] == "learner" for r in rows)
    refused = await client.get(url, headers=with_auth(world.staff.headers, CSV))
    assert refused.status_code == 403


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> h.FakeRules:
    return h.install(monkeypatch)


async def test_alerts_export_matches_each_roles_list(
    client, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    rules.hold(
        h.on_learner(scene.mine, owner_id=world.referent.id),
        h.on_learner(scene.other, "critical"),
        h.on_contract(scene.contract),
        organisation_id=world.organisation.id,
    )
    await h.scan(client, world)
    await learner(session, world)
    for role in ("coordinator", "referent", "tutor"):
        headers = world[role].headers
        rows = csv_rows(await client.get("/api/v1/alerts", headers=with_auth(headers, CSV)))
        assert {r["id"] for r in rows} == await _json_ids(client, "/api/v1/alerts", headers)
    critical = csv_rows(
        await client.get(
            "/api/v1/alerts",
            params={"severity": "critical"},
            headers=with_auth(world.coordinator.headers, CSV),
        )
    )
    listed = await client.get(
        "/api/v1/alerts", params={"severity": "critical"}, headers=world.coordinator.headers
    )
    assert [r["id"] for r in critical] == [a["id"] for a in listed.json()["items"]]
    assert scene.other.id in {r["subject_id"] for r in critical}
    assert {r["severity"] for r in critical} == {"critical"}
    assert list(critical[0]) == columns(AlertRead)


async def test_nested_lists_export_what_the_caller_sees(
    client, session: AsyncSession, world: World
) -> None:
    scene = await ha.make_scene(session, world)
    for learner_row in (scene.mine, scene.peer, scene.other):
        await ha.add_mark(session, scene, learner_row, scene.cfa_day)
    for role in ("coordinator", "tutor", "referent"):
        headers = world[role].headers
        marks = csv_rows(await client.get(ha.URL, headers=with_auth(headers, CSV)))
        assert {m["id"] for m in marks} == await _json_ids(client, ha.URL, headers)
    tutor_marks = csv_rows(await client.get(ha.URL, headers=with_auth(world.tutor.headers, CSV)))
    assert {m["learner_id"] for m in tutor_marks} == {scene.mine.id}
    nested = {
        f"/api/v1/companies/{scene.contract.company_id}/tutors": "first_name",
        f"/api/v1/learners/{scene.mine.id}/enrolments": "cohort_id",
        f"/api/v1/contracts/{scene.contract.id}/events": "kind",
    }
    for url, field in nested.items():
        exported = csv_rows(await client.get(url, headers=with_auth(world.admin.headers, CSV)))
        listed = (await client.get(url, headers=world.admin.headers)).json()["items"]
        assert [r[field] for r in exported] == [str(i[field]) for i in listed], url
    hidden = await client.get(
        f"/api/v1/learners/{scene.other.id}/enrolments",
        headers=with_auth(world.tutor.headers, CSV),
    )
    assert hidden.status_code == 404
