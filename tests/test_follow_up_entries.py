"""The follow-up log: who reads which entry (visibility), who may add or change one, filters."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, FollowUpEntry
from tests.factories import World
from tests.helpers_follow_up_entries import Scene, make_scene

URL = "/api/v1/follow-up-entries"
WHOLE = ("admin", "coordinator", "staff", "company_relations", "auditor")


@pytest.fixture
async def scene(session: AsyncSession, world: World) -> Scene:
    return await make_scene(session, world)


def _body(scene: Scene, **values: object) -> dict[str, object]:
    return {
        "learner_id": scene.mine.id,
        "contract_id": scene.contract.id,
        "kind": "call",
        "occurred_on": "2026-10-05",
        "summary": "Appel du tuteur",
        **values,
    }


async def _count(session: AsyncSession) -> tuple[int, int]:
    entries = await session.scalar(select(func.count()).select_from(FollowUpEntry))
    audits = await session.scalar(select(func.count()).select_from(AuditEvent))
    return entries or 0, audits or 0


async def test_scope_matrix_lists_and_reads(
    client: httpx.AsyncClient, world: World, other_world: World, scene: Scene
) -> None:
    e = scene.entries
    everything = {*e.values(), scene.other_entry}
    expected = {role: everything for role in WHOLE}
    expected["referent"] = set(e.values())
    expected["tutor"] = {e["company"], e["all"]}  # never internal nor learner
    expected["learner"] = {e["learner"], e["all"]}  # never internal nor company
    expected["prescriber"] = {e["all"]}
    for role, ids in expected.items():
        listed = await client.get(URL, headers=world[role].headers)
        assert listed.status_code == 200, role
        assert {i["id"] for i in listed.json()["items"]} == ids, role
        for entry_id in everything:
            read = await client.get(f"{URL}/{entry_id}", headers=world[role].headers)
            assert read.status_code == (200 if entry_id in ids else 404), (role, entry_id)
    for role in ("admin", "learner"):
        assert (await client.get(URL, headers=other_world[role].headers)).json()["items"] == []
        other = await client.get(f"{URL}/{e['all']}", headers=other_world[role].headers)
        assert other.status_code == 404


async def test_org_writer_creates_company_filled_from_contract_and_audited(
    client: httpx.AsyncClient, world: World, scene: Scene, session: AsyncSession
) -> None:
    created = await client.post(URL, json=_body(scene), headers=world.staff.headers)
    assert created.status_code == 201, created.text
    entry = created.json()
    assert entry["company_id"] == scene.company.id
    assert entry["author_id"] == world.staff.id and entry["visibility"] == "internal"
    assert created.headers["ETag"] == '"1"'
    audit = await session.scalar(select(AuditEvent).where(AuditEvent.object_id == entry["id"]))
    assert audit is not None and audit.action == "create"
    assert audit.object_type == "follow_up_entry" and audit.actor_id == world.staff.id


async def test_what_each_role_may_add(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    for role in ("prescriber", "auditor"):
        answer = await client.post(URL, json=_body(scene), headers=world[role].headers)
        assert answer.status_code == 403, role
    # referent: any visibility on the learners they follow; others are unknown to them
    ok = await client.post(URL, json=_body(scene), headers=world.referent.headers)
    assert ok.status_code == 201 and ok.json()["author_id"] == world.referent.id
    hidden = _body(scene, learner_id=scene.other.id, contract_id=None)
    answer = await client.post(URL, json=hidden, headers=world.referent.headers)
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == ["body", "learner_id"]
    # tutor: company or all, on a contract they tutor
    shared = await client.post(
        URL, json=_body(scene, visibility="company"), headers=world.tutor.headers
    )
    assert shared.status_code == 201, shared.text
    for visibility in ("internal", "learner"):
        answer = await client.post(
            URL, json=_body(scene, visibility=visibility), headers=world.tutor.headers
        )
        assert answer.status_code == 403, visibility
    no_contract = _body(scene, visibility="all", contract_id=None)
    answer = await client.post(URL, json=no_contract, headers=world.tutor.headers)
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == [
        "body",
        "contract_id",
    ]
    # learner: their own job_search steps, visibility learner or all
    step = _body(scene, kind="job_search", visibility="learner", contract_id=None)
    mine = await client.post(URL, json=step, headers=world.learner.headers)
    assert mine.status_code == 201 and mine.json()["author_id"] == world.learner.id
    for change in ({"kind": "note"}, {"visibility": "internal"}, {"visibility": "company"}):
        answer = await client.post(URL, json={**step, **change}, headers=world.learner.headers)
        assert answer.status_code == 403, change
    answer = await client.post(
        URL, json={**step, "learner_id": scene.other.id}, headers=world.learner.headers
    )
    assert answer.status_code == 422


async def test_machine_client_entries_have_no_author(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    created = await client.post(
        "/api/v1/api-clients",
        json={"name": "ERP", "scopes": ["write"]},
        headers=world.admin.headers,
    )
    credentials = created.json()
    token = await client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
        },
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    entry = await client.post(URL, json=_body(scene), headers=headers)
    assert entry.status_code == 201, entry.text
    assert entry.json()["author_id"] is None


async def test_only_the_author_or_the_team_changes_an_entry(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    e = scene.entries
    # the referent sees the coordinator's entry but did not write it
    answer = await client.patch(
        f"{URL}/{e['internal']}", json={"summary": "x"}, headers=world.referent.headers
    )
    assert answer.status_code == 403
    for role in ("learner", "tutor", "prescriber"):
        answer = await client.delete(f"{URL}/{e['all']}", headers=world[role].headers)
        assert answer.status_code == 403, role
    answer = await client.patch(
        f"{URL}/{scene.other_entry}", json={"summary": "x"}, headers=world.tutor.headers
    )
    assert answer.status_code == 404
    assert (
        await client.delete(f"{URL}/{e['all']}", headers=world.auditor.headers)
    ).status_code == 403
    changed = await client.patch(
        f"{URL}/{e['all']}",
        json={"summary": "Visite faite"},
        headers=world.company_relations.headers,
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert changed.json()["author_id"] == world.coordinator.id  # the author stays
    # a tutor edits their own entry but may not hide it from the company
    own = await client.post(URL, json=_body(scene, visibility="all"), headers=world.tutor.headers)
    url = f"{URL}/{own.json()['id']}"
    assert (
        await client.patch(url, json={"body": "Précision"}, headers=world.tutor.headers)
    ).status_code == 200
    hide = await client.patch(url, json={"visibility": "internal"}, headers=world.tutor.headers)
    assert hide.status_code == 403
    assert (await client.delete(url, headers=world.tutor.headers)).status_code == 204
    assert (await client.get(url, headers=world.admin.headers)).status_code == 404


async def test_if_match_is_honoured(client: httpx.AsyncClient, world: World, scene: Scene) -> None:
    url = f"{URL}/{scene.entries['internal']}"
    stale = await client.patch(
        url, json={"summary": "x"}, headers={**world.staff.headers, "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    fresh = await client.patch(
        url, json={"summary": "x"}, headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'
    gone = await client.delete(url, headers={**world.staff.headers, "If-Match": '"1"'})
    assert gone.status_code == 412
    assert (await client.get(url, headers=world.staff.headers)).json()["summary"] == "x"


async def test_next_step_and_its_due_date(
    client: httpx.AsyncClient, world: World, scene: Scene
) -> None:
    step = {"next_step": "Bilan mi-parcours", "next_step_due_on": "2026-10-20"}
    created = await client.post(URL, json=_body(scene, **step), headers=world.staff.headers)
    assert created.status_code == 201 and created.json()["next_step_due_on"] == "2026-10-20"
    url = f"{URL}/{created.json()['id']}"
    early = await client.patch(url, json={"occurred_on": "2026-10-25"}, headers=world.staff.headers)
    assert early.status_code == 422
    assert early.json()["errors"][0]["loc"] == ["body", "next_step_due_on"]
    cleared = await client.patch(url, json={"next_step": None}, headers=world.staff.headers)
    assert cleared.status_code == 200
    assert cleared.json()["next_step"] is None and cleared.json()["next_step_due_on"] is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"summary": None}, "summary"),
        ({"kind": "gossip"}, "kind"),
        ({"visibility": "public"}, "visibility"),
        ({"author_id": "someone"}, "author_id"),
        ({"occurred_on": (date.today() + timedelta(days=5)).isoformat()}, "occurred_on"),
        ({"occurred_on": "1999-12-31"}, "occurred_on"),
        ({"next_step": "Rappeler", "next_step_due_on": "2026-10-01"}, "next_step_due_on"),
        ({"next_step_due_on": "2026-12-01"}, "next_step_due_on"),
        ({"contract_id": "no-such-contract"}, "contract_id"),
        ({"company_id": "no-such-company", "contract_id": None}, "company_id"),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
    world: World,
    scene: Scene,
    session: AsyncSession,
    values: dict[str, object],
    field: str,
) -> None:
    before = await _count(session)
    answer = await client.post(URL, json=_body(scene, **values), headers=world.staff.headers)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in answer.json()["errors"][0]["loc"]
    assert await _count(session) == before


async def test_contract_and_company_must_match_the_learner(
    client: httpx.AsyncClient, world: World, scene: Scene, session: AsyncSession
) -> None:
    before = await _count(session)
    wrong = await client.post(
        URL, json=_body(scene, contract_id=scene.other_contract.id), headers=world.staff.headers
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == ["body", "contract_id"]
    mismatch = await client.post(
        URL, json=_body(scene, company_id=scene.other_company.id), headers=world.staff.headers
    )
    assert mismatch.status_code == 422 and mismatch.json()["errors"][0]["loc"] == [
        "body",
        "company_id",
    ]
    moved = await client.patch(
        f"{URL}/{scene.entries['all']}",
        json={"learner_id": scene.other.id},
        headers=world.staff.headers,
    )
    assert moved.status_code == 422
    assert await _count(session) == before
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    ok = await client.post(
        URL, json=_body(scene, occurred_on=tomorrow), headers=world.staff.headers
    )
    assert ok.status_code == 201


async def test_filters(client: httpx.AsyncClient, world: World, scene: Scene) -> None:
    h = world.staff.headers
    await client.post(URL, json=_body(scene, occurred_on="2026-11-02"), headers=h)
    await client.post(URL, json=_body(scene, occurred_on="2026-09-15", kind="incident"), headers=h)

    async def ids(**params: str) -> list[str]:
        answer = await client.get(URL, params=params, headers=h)
        assert answer.status_code == 200, answer.text
        return [i["occurred_on"] + ":" + i["kind"] for i in answer.json()["items"]]

    assert len(await ids(learner_id=scene.mine.id)) == 6
    assert await ids(learner_id=scene.other.id) == ["2026-10-01:visit"]
    assert len(await ids(contract_id=scene.contract.id)) == 6
    assert len(await ids(company_id=scene.other_company.id)) == 1
    assert await ids(kind="incident") == ["2026-09-15:incident"]
    assert len(await ids(author_id=world.staff.id)) == 2
    assert len(await ids(visibility="company")) == 1
    assert await ids(occurred_from="2026-10-02") == ["2026-11-02:call"]
    assert await ids(occurred_to="2026-09-30") == ["2026-09-15:incident"]
    assert len(await ids(occurred_from="2026-10-01", occurred_to="2026-10-01")) == 5
    newest = await ids(sort="-created_at", limit="1")
    assert newest == ["2026-09-15:incident"]
    bad = await client.get(
        URL, params={"occurred_from": "2026-10-02", "occurred_to": "2026-10-01"}, headers=h
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "occurred_to"]
