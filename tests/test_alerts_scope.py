"""Who sees which alert (404 outside, in lists too), list filters, and the caller's language."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests import helpers_alert_workflow as h
from tests.factories import World

URL = "/api/v1/alerts"


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> h.FakeRules:
    return h.install(monkeypatch)


async def _everything(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> tuple[h.Scene, dict[str, str]]:
    """One alert per kind of subject around ``mine``, and one on ``other``: subject -> id."""
    scene = await h.scene(session, world)
    rules.hold(
        h.on_learner(scene.mine, owner_id=world.referent.id),
        h.on_learner(scene.other, "critical"),
        h.on_contract(scene.contract),
        h.on_tutor(scene.tutor),
        h.on_company(scene.company),
        organisation_id=world.organisation.id,
    )
    await h.scan(client, world)
    listed = await client.get(URL, headers=world.coordinator.headers)
    return scene, {a["subject_id"]: a["id"] for a in listed.json()["items"]}


async def test_each_role_sees_the_alerts_on_its_subjects(
    client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    other_world: World,
    rules: h.FakeRules,
) -> None:
    scene, ids = await _everything(client, session, world, rules)
    around_mine = {scene.mine.id, scene.contract.id, scene.tutor.id, scene.company.id}
    expected = {
        "admin": set(ids),
        "coordinator": set(ids),
        "staff": set(ids),
        "company_relations": set(ids),
        "auditor": set(ids),
        "referent": around_mine,
        # Internal risk flags about them: never shown to tutors, learners or prescribers.
        "tutor": set(),
        "learner": set(),
        "prescriber": set(),
    }
    for role, subjects in expected.items():
        listed = await client.get(URL, headers=world[role].headers)
        assert listed.status_code == 200, role
        assert {a["subject_id"] for a in listed.json()["items"]} == subjects, role
        for subject_id, alert_id in ids.items():
            read = await client.get(f"{URL}/{alert_id}", headers=world[role].headers)
            assert read.status_code == (200 if subject_id in subjects else 404), (role, subject_id)
    for role in ("admin", "coordinator", "auditor"):
        assert (await client.get(URL, headers=other_world[role].headers)).json()["items"] == []
    alert_id = ids[scene.mine.id]
    for path in ("", "/history", "/comments"):
        answer = await client.get(f"{URL}/{alert_id}{path}", headers=other_world.admin.headers)
        assert answer.status_code == 404
    moved = await client.post(
        f"{URL}/{alert_id}/acknowledge", headers=other_world.coordinator.headers
    )
    assert moved.status_code == 404
    on_theirs = {"subject_type": "learner", "subject_id": scene.mine.id, "title": "?"}
    raised = await client.post(URL, json=on_theirs, headers=other_world.admin.headers)
    assert raised.status_code == 404


async def test_lists_filter_by_every_documented_field(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene, ids = await _everything(client, session, world, rules)
    await client.post(f"{URL}/{ids[scene.tutor.id]}/acknowledge", headers=world.staff.headers)

    async def subjects(**params: str) -> set[str]:
        answer = await client.get(URL, params=params, headers=world.coordinator.headers)
        assert answer.status_code == 200, answer.text
        return {a["subject_id"] for a in answer.json()["items"]}

    due = (h.AS_OF + timedelta(days=10)).isoformat()
    assert await subjects(status="acknowledged") == {scene.tutor.id}
    assert await subjects(severity="critical") == {scene.other.id, scene.contract.id}
    assert await subjects(rule=h.CONTRACT_RULE) == {scene.contract.id}
    assert await subjects(subject_type="company") == {scene.company.id}
    assert await subjects(owner_id=world.referent.id) == {scene.mine.id}
    assert await subjects(learner_id=scene.mine.id) == {scene.mine.id, scene.contract.id}
    assert await subjects(company_id=scene.company.id) == {
        scene.contract.id,
        scene.tutor.id,
        scene.company.id,
    }
    assert await subjects(cohort_id=scene.cohort.id) == {scene.mine.id, scene.contract.id}
    assert await subjects(due_from=due, due_to=due) == set(ids)
    assert await subjects(due_before=due) == set()
    bad = await client.get(URL, params={"status": "closed"}, headers=world.coordinator.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "status"]


async def test_titles_and_explanations_follow_accept_language(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene, ids = await _everything(client, session, world, rules)
    url = f"{URL}/{ids[scene.mine.id]}"
    cases = {
        None: "fr",
        "en": "en",
        "en-GB,fr;q=0.5": "en",
        "de-DE, en;q=0.4, fr;q=0.8": "fr",
        "de": "fr",
        "fr;q=0, en;q=0.1": "en",
        ";;; garbage": "fr",
    }
    titles = {"fr": "Sans employeur depuis 61 jours", "en": "No employer for 61 days"}
    for header, lang in cases.items():
        headers = dict(world.staff.headers)
        if header is not None:
            headers["Accept-Language"] = header
        answer = await client.get(url, headers=headers)
        assert answer.json()["title"] == titles[lang], header
        assert answer.headers["Content-Language"] == lang
    english = await client.get(URL, headers={**world.staff.headers, "Accept-Language": "en"})
    explained = {a["subject_id"]: a["explanation"] for a in english.json()["items"]}
    # Facts fill the placeholders; one without a fact stays as written.
    assert explained[scene.mine.id] == (
        "Threshold of 60 days crossed ({missing} stays as written)."
    )
