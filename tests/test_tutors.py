"""Tutors, nested under their company: scope per role, the extranet account, by-ref sync,
If-Match, the audit log, and no deletion while a contract still names them."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import World
from tests.helpers_companies import ORG_WIDE, PERSONAL, READ_ONLY, WRITERS, make_scene

BODY = {
    "first_name": "Nadia",
    "last_name": "Faure",
    "email": "nadia.faure@example.fr",
    "phone": "06 12 34 56 78",
    "job_title": "Cheffe d'atelier",
}


def tutors_url(company_id: str) -> str:
    return f"/api/v1/companies/{company_id}/tutors"


async def test_scope_matrix(client: httpx.AsyncClient, session: AsyncSession, world: World) -> None:
    scene = await make_scene(session, world)
    placed, unrelated = tutors_url(scene.placed.id), tutors_url(scene.unrelated.id)
    for role in ORG_WIDE:
        listed = await client.get(placed, headers=world[role].headers)
        assert {t["id"] for t in listed.json()["items"]} == {scene.mentor.id, scene.colleague.id}
        read = await client.get(f"{unrelated}/{scene.stranger.id}", headers=world[role].headers)
        assert read.status_code == 200 and read.json()["company_id"] == scene.unrelated.id
    for role in PERSONAL:
        # Only the tutor of the contracts they see (for the tutor: their own record).
        listed = await client.get(placed, headers=world[role].headers)
        assert [t["id"] for t in listed.json()["items"]] == [scene.mentor.id], role
        mentor = await client.get(f"{placed}/{scene.mentor.id}", headers=world[role].headers)
        assert mentor.status_code == 200 and mentor.headers["ETag"] == '"1"'
        colleague = await client.get(f"{placed}/{scene.colleague.id}", headers=world[role].headers)
        assert colleague.status_code == 404, role
        assert (await client.get(unrelated, headers=world[role].headers)).status_code == 404
        hidden = await client.get(f"{unrelated}/{scene.stranger.id}", headers=world[role].headers)
        assert hidden.status_code == 404, role


async def test_a_tutor_is_only_found_under_its_own_company(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    wrong = await client.get(
        f"{tutors_url(scene.unrelated.id)}/{scene.mentor.id}", headers=world.admin.headers
    )
    assert wrong.status_code == 404


async def test_a_tutor_account_without_contracts_sees_its_company(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    linked = await client.patch(
        f"{tutors_url(scene.unrelated.id)}/{scene.stranger.id}",
        json={"user_id": world.tutor.id},
        headers=world.staff.headers,
    )
    assert linked.status_code == 200 and linked.json()["user_id"] == world.tutor.id
    companies = await client.get("/api/v1/companies", headers=world.tutor.headers)
    assert {c["id"] for c in companies.json()["items"]} == {scene.placed.id, scene.unrelated.id}
    mine = await client.get(tutors_url(scene.unrelated.id), headers=world.tutor.headers)
    assert [t["id"] for t in mine.json()["items"]] == [scene.stranger.id]


async def test_writes_per_role(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    placed = tutors_url(scene.placed.id)
    for role in WRITERS:
        created = await client.post(placed, json=BODY, headers=world[role].headers)
        assert created.status_code == 201, role
        assert created.headers["Location"] == f"{placed}/{created.json()['id']}"
        assert created.json()["company_id"] == scene.placed.id
    for role in READ_ONLY:
        assert (
            await client.post(placed, json=BODY, headers=world[role].headers)
        ).status_code == 403
        change = await client.patch(
            f"{placed}/{scene.mentor.id}", json={"phone": "0600000000"}, headers=world[role].headers
        )
        assert change.status_code == 403, role
        delete = await client.delete(f"{placed}/{scene.mentor.id}", headers=world[role].headers)
        assert delete.status_code == 403, role
    for role in PERSONAL:
        out = await client.patch(
            f"{placed}/{scene.colleague.id}",
            json={"phone": "0600000000"},
            headers=world[role].headers,
        )
        assert out.status_code == 404, role
        elsewhere = await client.post(
            tutors_url(scene.unrelated.id), json=BODY, headers=world[role].headers
        )
        assert elsewhere.status_code == 404, role
    listed = await client.get(placed, headers=world.admin.headers)
    assert len(listed.json()["items"]) == 2 + len(WRITERS)


async def test_user_id_must_be_a_tutor_account_of_the_organisation(
    client: httpx.AsyncClient, session: AsyncSession, world: World, other_world: World
) -> None:
    scene = await make_scene(session, world)
    url = tutors_url(scene.placed.id)
    for wrong in (world.learner.id, other_world.tutor.id, "nope"):
        answer = await client.post(
            url, json={**BODY, "user_id": wrong}, headers=world.staff.headers
        )
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["loc"] == ["body", "user_id"]
    bad_email = await client.post(url, json={**BODY, "email": "nope"}, headers=world.staff.headers)
    assert bad_email.status_code == 422 and bad_email.json()["errors"][0]["loc"][:2] == [
        "body",
        "email",
    ]
    listed = await client.get(url, headers=world.staff.headers)
    assert len(listed.json()["items"]) == 2  # nothing created
    unknown = await client.post(tutors_url("nope"), json=BODY, headers=world.staff.headers)
    assert unknown.status_code == 404


async def test_other_organisation_sees_nothing(
    client: httpx.AsyncClient, session: AsyncSession, world: World, other_world: World
) -> None:
    scene = await make_scene(session, world)
    url = tutors_url(scene.placed.id)
    for role in ("admin", "tutor"):
        headers = other_world[role].headers
        assert (await client.get(url, headers=headers)).status_code == 404
        assert (await client.get(f"{url}/{scene.mentor.id}", headers=headers)).status_code == 404
    created = await client.post(url, json=BODY, headers=other_world.admin.headers)
    assert created.status_code == 404


async def test_tutor_still_tutoring_cannot_be_deleted(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    url = tutors_url(scene.placed.id)
    blocked = await client.delete(f"{url}/{scene.mentor.id}", headers=world.staff.headers)
    assert blocked.status_code == 409
    assert blocked.headers["content-type"] == "application/problem+json"
    stale = await client.delete(
        f"{url}/{scene.colleague.id}", headers={**world.staff.headers, "If-Match": '"4"'}
    )
    assert stale.status_code == 412
    gone = await client.delete(f"{url}/{scene.colleague.id}", headers=world.staff.headers)
    assert gone.status_code == 204
    assert (
        await client.get(f"{url}/{scene.colleague.id}", headers=world.staff.headers)
    ).status_code == 404


async def test_by_ref_upsert_is_idempotent(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    url = f"{tutors_url(scene.placed.id)}/by-ref/ypareo/T-1"
    first = await client.put(url, json=BODY, headers=world.staff.headers)
    assert first.status_code == 201, first.text
    again = await client.put(url, json=BODY, headers=world.staff.headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["version"] == 1
    changed = await client.put(
        url, json={**BODY, "job_title": "Gérante"}, headers=world.staff.headers
    )
    assert changed.json()["job_title"] == "Gérante" and changed.json()["version"] == 2
    found = await client.get(
        tutors_url(scene.placed.id),
        params={"external_ref": "ypareo:T-1"},
        headers=world.staff.headers,
    )
    assert [t["id"] for t in found.json()["items"]] == [first.json()["id"]]
    assert found.json()["items"][0]["external_refs"] == [{"source": "ypareo", "ref": "T-1"}]
    # The same reference under another company is someone else's tutor.
    elsewhere = await client.put(
        f"{tutors_url(scene.unrelated.id)}/by-ref/ypareo/T-1",
        json=BODY,
        headers=world.staff.headers,
    )
    assert elsewhere.status_code == 409 and elsewhere.json()["object_id"] == first.json()["id"]
    denied = await client.put(url, json=BODY, headers=world.tutor.headers)
    assert denied.status_code == 403


async def test_if_match_filters_and_audit(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    url = f"{tutors_url(scene.placed.id)}/{scene.colleague.id}"
    stale = await client.patch(
        url, json={"job_title": "Chef"}, headers={**world.staff.headers, "If-Match": '"2"'}
    )
    assert stale.status_code == 412
    fresh = await client.patch(
        url, json={"job_title": "Chef"}, headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'
    null = await client.patch(url, json={"last_name": None}, headers=world.staff.headers)
    assert null.status_code == 422 and null.json()["errors"][0]["loc"] == ["body", "last_name"]
    by_user = await client.get(
        tutors_url(scene.placed.id), params={"user_id": world.tutor.id}, headers=world.staff.headers
    )
    assert [t["id"] for t in by_user.json()["items"]] == [scene.mentor.id]
    events = await client.get(
        "/api/v1/audit-events",
        params={"object_id": scene.colleague.id},
        headers=world.admin.headers,
    )
    [event] = events.json()["items"]
    assert event["object_type"] == "tutor" and event["action"] == "update"
    assert event["changes"]["job_title"] == {"from": None, "to": "Chef"}
