"""Working an alert: transitions (409 when illegal, 412 when stale), who may act, comments,
history, and manual alerts on subjects the caller can or cannot see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, cohort_referents
from tests import helpers_alert_workflow as h
from tests.factories import World, make_user

URL = "/api/v1/alerts"


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> h.FakeRules:
    return h.install(monkeypatch)


async def _raised(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> tuple[h.Scene, dict[str, Any]]:
    """A scene with one rule alert on ``mine``, owned by the world's referent."""
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine, owner_id=world.referent.id))
    await h.scan(client, world)
    listed = await client.get(URL, headers=world.coordinator.headers)
    [alert] = listed.json()["items"]
    return scene, alert


async def test_transitions_follow_the_workflow_and_honour_if_match(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    _, alert = await _raised(client, session, world, rules)
    url, owner = f"{URL}/{alert['id']}", world.referent.headers
    acked = await client.post(f"{url}/acknowledge", headers={**owner, "If-Match": '"1"'})
    assert acked.status_code == 200, acked.text
    assert acked.json()["status"] == "acknowledged" and acked.headers["ETag"] == '"2"'
    again = await client.post(f"{url}/acknowledge", headers=owner)
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    assert again.json()["type"].endswith("/illegal-transition")
    assert again.json()["allowed"] == ["resolve", "dismiss", "reassign"]
    stale = await client.post(
        f"{url}/resolve", json={"note": "Fait"}, headers={**owner, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    no_note = await client.post(f"{url}/resolve", json={}, headers=owner)
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["loc"] == ["body", "note"]
    assert (await client.get(url, headers=owner)).json()["status"] == "acknowledged"
    done = await client.post(
        f"{url}/resolve", json={"note": "Contrat signé"}, headers={**owner, "If-Match": '"2"'}
    )
    assert done.status_code == 200
    body = done.json()
    assert (body["status"], body["resolution"]) == ("resolved", "handled")
    assert body["resolved_at"] is not None
    closed = await client.post(f"{url}/dismiss", json={"reason": "x"}, headers=owner)
    assert closed.status_code == 409 and closed.json()["allowed"] == []
    actions = await session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_id == alert["id"])
        .order_by(AuditEvent.occurred_at)
    )
    assert list(actions) == ["create", "acknowledge", "resolve"]


async def test_who_may_act_on_an_alert(
    client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    settings: Any,
    rules: h.FakeRules,
) -> None:
    scene, alert = await _raised(client, session, world, rules)
    url = f"{URL}/{alert['id']}/acknowledge"
    # A second referent following the same cohort sees the alert but does not own it.
    colleague = await make_user(session, settings, world.organisation, ["referent"])
    await session.execute(
        cohort_referents.insert().values(cohort_id=scene.cohort.id, user_id=colleague.id)
    )
    await session.commit()
    assert (await client.get(f"{URL}/{alert['id']}", headers=colleague.headers)).status_code == 200
    assert (await client.post(url, headers=colleague.headers)).status_code == 403
    assert (await client.post(url, headers=world.auditor.headers)).status_code == 403
    for role in ("tutor", "learner", "prescriber"):
        assert (await client.post(url, headers=world[role].headers)).status_code == 404, role
    assert (await client.post(url, headers=world.company_relations.headers)).status_code == 200


async def test_dismiss_and_reassign_check_their_input(
    client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    other_world: World,
    rules: h.FakeRules,
) -> None:
    _, alert = await _raised(client, session, world, rules)
    url, staff = f"{URL}/{alert['id']}", world.staff.headers
    for owner in (world.tutor.id, other_world.staff.id, "nobody"):
        bad = await client.post(f"{url}/reassign", json={"owner_id": owner}, headers=staff)
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "owner_id"]
    moved = await client.post(
        f"{url}/reassign",
        json={"owner_id": world.company_relations.id, "note": "Entreprise à appeler"},
        headers=staff,
    )
    assert moved.status_code == 200 and moved.json()["owner_id"] == world.company_relations.id
    past = (h.local_today() - timedelta(days=1)).isoformat()
    bad = await client.post(
        f"{url}/dismiss", json={"reason": "Vu", "snoozed_until": past}, headers=staff
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "snoozed_until"]
    until = (h.local_today() + timedelta(days=30)).isoformat()
    done = await client.post(
        f"{url}/dismiss", json={"reason": "Vu", "snoozed_until": until}, headers=staff
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["snoozed_until"]) == ("dismissed", until)


async def test_comments_and_history(
    client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    settings: Any,
    rules: h.FakeRules,
) -> None:
    _, alert = await _raised(client, session, world, rules)
    url = f"{URL}/{alert['id']}"
    said = await client.post(
        f"{url}/comments", json={"note": "Appelé la tutrice"}, headers=world.staff.headers
    )
    assert said.status_code == 201, said.text
    assert said.json()["kind"] == "comment" and said.json()["actor_id"] == world.staff.id
    assert (
        await client.post(f"{url}/comments", json={"note": "x"}, headers=world.auditor.headers)
    ).status_code == 403
    assert (
        await client.post(f"{url}/comments", json={"note": "x"}, headers=world.tutor.headers)
    ).status_code == 404
    assert (
        await client.post(f"{url}/comments", json={"note": ""}, headers=world.staff.headers)
    ).status_code == 422
    await client.post(f"{url}/acknowledge", headers=world.referent.headers)
    await client.post(
        f"{url}/comments", json={"note": "Rendez-vous lundi"}, headers=world.referent.headers
    )
    assert (await client.get(url, headers=world.staff.headers)).json()["version"] == 2
    comments = await client.get(f"{url}/comments", headers=world.auditor.headers)
    assert [c["note"] for c in comments.json()["items"]] == [
        "Appelé la tutrice",
        "Rendez-vous lundi",
    ]
    history = await client.get(f"{url}/history", headers=world.referent.headers)
    assert [e["kind"] for e in history.json()["items"]] == [
        "opened",
        "comment",
        "acknowledged",
        "comment",
    ]
    acknowledged = history.json()["items"][2]
    assert acknowledged["data"]["status"] == {"from": "open", "to": "acknowledged"}
    assert (await client.get(f"{url}/history", headers=world.tutor.headers)).status_code == 404


async def test_manual_alerts_on_visible_and_invisible_subjects(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    body = {
        "subject_type": "learner",
        "subject_id": scene.mine.id,
        "title": "Appel inquiétant",
        "explanation": "La tutrice signale des tensions.",
    }
    raised = await client.post(URL, json=body, headers=world.referent.headers)
    assert raised.status_code == 201, raised.text
    alert = raised.json()
    assert raised.headers["Location"] == f"{URL}/{alert['id']}"
    assert (alert["rule"], alert["severity"], alert["status"]) == ("manual", "warning", "open")
    assert alert["owner_id"] == world.referent.id  # the learner's referent
    assert alert["raised_by_id"] == world.referent.id
    assert alert["learner_id"] == scene.mine.id
    assert alert["due_on"] == (h.local_today() + timedelta(days=7)).isoformat()
    english = await client.get(
        f"{URL}/{alert['id']}", headers={**world.staff.headers, "Accept-Language": "en"}
    )
    assert english.json()["title"] == "Appel inquiétant"  # its own words, in any language
    hidden = {**body, "subject_id": scene.other.id}
    assert (await client.post(URL, json=hidden, headers=world.referent.headers)).status_code == 404
    missing = {**body, "subject_id": "no-such-learner"}
    assert (await client.post(URL, json=missing, headers=world.staff.headers)).status_code == 404
    assert (await client.post(URL, json=body, headers=world.auditor.headers)).status_code == 403
    on_contract = {**body, "subject_type": "contract", "subject_id": scene.contract.id}
    contract = await client.post(URL, json=on_contract, headers=world.staff.headers)
    assert contract.status_code == 201
    links = {k: contract.json()[k] for k in ("learner_id", "contract_id", "company_id")}
    assert links == {
        "learner_id": scene.mine.id,
        "contract_id": scene.contract.id,
        "company_id": scene.company.id,
    }
    bad_owner = {**body, "owner_id": world.learner.id}
    answer = await client.post(URL, json=bad_owner, headers=world.staff.headers)
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == ["body", "owner_id"]
    for bad in ({**body, "title": ""}, {**body, "subject_type": "cohort"}, {**body, "x": 1}):
        assert (await client.post(URL, json=bad, headers=world.staff.headers)).status_code == 422


async def test_a_tutor_raises_an_alert_and_sees_only_their_own(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine))
    await h.scan(client, world)
    body = {"subject_type": "tutor", "subject_id": scene.tutor.id, "title": "Conflit"}
    raised = await client.post(URL, json=body, headers=world.tutor.headers)
    assert raised.status_code == 201, raised.text
    assert raised.json()["company_id"] == scene.company.id
    assert raised.json()["owner_id"] == world.coordinator.id  # no referent, no company owner
    mine = await client.get(URL, headers=world.tutor.headers)
    assert [a["id"] for a in mine.json()["items"]] == [raised.json()["id"]]
    url = f"{URL}/{raised.json()['id']}"
    assert (await client.post(f"{url}/acknowledge", headers=world.tutor.headers)).status_code == 403
    said = await client.post(f"{url}/comments", json={"note": "Merci"}, headers=world.tutor.headers)
    assert said.status_code == 201
    on_other = {"subject_type": "learner", "subject_id": scene.other.id, "title": "?"}
    assert (await client.post(URL, json=on_other, headers=world.tutor.headers)).status_code == 404
