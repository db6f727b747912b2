"""Companies: identity checks (SIRET, NAF, IDCC), one SIRET per establishment, scope per role,
the internal sensitivity flag, by-ref sync, If-Match and the audit log."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import World
from tests.helpers_companies import (
    COMPANY_BODY,
    ORG_WIDE,
    PERSONAL,
    READ_ONLY,
    SIRET_A,
    SIRET_B,
    SIRET_C,
    WRITERS,
    make_scene,
)

URL = "/api/v1/companies"
BODY = COMPANY_BODY


async def test_staff_creates_a_company_with_normalised_codes(
    client: httpx.AsyncClient, world: World
) -> None:
    created = await client.post(URL, json=BODY, headers=world.staff.headers)
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    body = created.json()
    assert body["siret"] == SIRET_A and body["naf_code"] == "1071C" and body["idcc"] == "0843"
    assert body["address"]["city"] == "Lyon" and body["contacts"][0]["name"] == "Sophie Martin"
    assert body["sensitive"] is False and body["owner_id"] is None
    read = await client.get(f"{URL}/{body['id']}", headers=world.auditor.headers)
    assert read.json()["siret"] == SIRET_A
    for idcc, siret in (("9999", SIRET_B), ("9998", SIRET_C)):  # none / being negotiated
        other = {**BODY, "siret": siret, "idcc": idcc}
        assert (await client.post(URL, json=other, headers=world.staff.headers)).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siret", "73282932000075"),  # checksum
        ("siret", "7328293200007"),  # length
        ("siret", "ABCDEFGHIJKLMN"),
        ("naf_code", "62.01"),
        ("naf_code", "620Z1"),
        ("idcc", "843"),
        ("name", ""),
    ],
)
async def test_bad_identity_is_refused_naming_the_field_and_nothing_is_created(
    client: httpx.AsyncClient, world: World, field: str, value: str
) -> None:
    answer = await client.post(URL, json={**BODY, field: value}, headers=world.staff.headers)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["loc"][:2] == ["body", field]
    listed = await client.get(URL, headers=world.staff.headers)
    assert listed.json()["items"] == []


async def test_duplicate_siret_is_a_conflict_naming_the_existing_company(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    first = (await client.post(URL, json=BODY, headers=world.staff.headers)).json()
    again = await client.post(
        URL, json={**BODY, "siret": "732.829.320-00074"}, headers=world.coordinator.headers
    )
    assert again.status_code == 409
    assert again.json()["object_id"] == first["id"]
    assert first["id"] in again.json()["detail"]
    # Another establishment of the same company is fine; changing it onto the first SIRET is not.
    second = await client.post(URL, json={**BODY, "siret": SIRET_C}, headers=world.staff.headers)
    assert second.status_code == 201
    moved = await client.patch(
        f"{URL}/{second.json()['id']}", json={"siret": SIRET_A}, headers=world.staff.headers
    )
    assert moved.status_code == 409
    # Another organisation knows nothing of ours.
    theirs = await client.post(URL, json=BODY, headers=other_world.staff.headers)
    assert theirs.status_code == 201


async def test_owner_must_be_a_company_relations_user_of_the_organisation(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    for wrong in (world.referent.id, other_world.company_relations.id, "nope"):
        answer = await client.post(
            URL, json={**BODY, "owner_id": wrong}, headers=world.admin.headers
        )
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["loc"] == ["body", "owner_id"]
    owner = world.company_relations.id
    created = await client.post(URL, json={**BODY, "owner_id": owner}, headers=world.admin.headers)
    assert created.status_code == 201 and created.json()["owner_id"] == owner
    mine = await client.get(URL, params={"owner_id": owner}, headers=world.admin.headers)
    assert [c["id"] for c in mine.json()["items"]] == [created.json()["id"]]


async def test_sensitive_needs_a_reason_and_clearing_the_flag_drops_it(
    client: httpx.AsyncClient, world: World
) -> None:
    bare = await client.post(URL, json={**BODY, "sensitive": True}, headers=world.staff.headers)
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["loc"] == ["body", "sensitive_reason"]
    company = (await client.post(URL, json=BODY, headers=world.staff.headers)).json()
    url = f"{URL}/{company['id']}"
    flag = await client.patch(url, json={"sensitive": True}, headers=world.staff.headers)
    assert flag.status_code == 422
    flagged = await client.patch(
        url, json={"sensitive": True, "sensitive_reason": "Two breaks"}, headers=world.staff.headers
    )
    assert flagged.json()["sensitive_reason"] == "Two breaks"
    listed = await client.get(URL, params={"sensitive": "true"}, headers=world.referent.headers)
    assert listed.status_code == 200  # referents read the flag (none of theirs here)
    cleared = await client.patch(url, json={"sensitive": False}, headers=world.staff.headers)
    assert cleared.json()["sensitive"] is False and cleared.json()["sensitive_reason"] is None
    null = await client.patch(url, json={"name": None}, headers=world.staff.headers)
    assert null.status_code == 422 and null.json()["errors"][0]["loc"] == ["body", "name"]


async def test_scope_matrix(client: httpx.AsyncClient, session: AsyncSession, world: World) -> None:
    scene = await make_scene(session, world)
    everything = {scene.placed.id, scene.unrelated.id}
    for role in ORG_WIDE:
        listed = await client.get(URL, headers=world[role].headers)
        assert {c["id"] for c in listed.json()["items"]} == everything, role
        read = await client.get(f"{URL}/{scene.unrelated.id}", headers=world[role].headers)
        assert read.status_code == 200, role
    for role in PERSONAL:
        listed = await client.get(URL, headers=world[role].headers)
        assert [c["id"] for c in listed.json()["items"]] == [scene.placed.id], role
        assert (
            await client.get(f"{URL}/{scene.placed.id}", headers=world[role].headers)
        ).status_code == 200
        hidden = await client.get(f"{URL}/{scene.unrelated.id}", headers=world[role].headers)
        assert hidden.status_code == 404, role
        by_siret = await client.get(URL, params={"siret": SIRET_B}, headers=world[role].headers)
        assert by_siret.json()["items"] == [], role


async def test_writes_per_role(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    for role in WRITERS:
        changed = await client.patch(
            f"{URL}/{scene.placed.id}", json={"opco": f"OPCO {role}"}, headers=world[role].headers
        )
        assert changed.status_code == 200, role
    for role in READ_ONLY:
        assert (await client.post(URL, json=BODY, headers=world[role].headers)).status_code == 403
        in_scope = await client.patch(
            f"{URL}/{scene.placed.id}", json={"opco": "x"}, headers=world[role].headers
        )
        assert in_scope.status_code == 403, role
        delete = await client.delete(f"{URL}/{scene.placed.id}", headers=world[role].headers)
        assert delete.status_code == 403, role
    for role in PERSONAL:
        out = await client.patch(
            f"{URL}/{scene.unrelated.id}", json={"opco": "x"}, headers=world[role].headers
        )
        assert out.status_code == 404, role


async def test_the_company_side_never_sees_the_sensitivity_flag(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    url = f"{URL}/{scene.placed.id}"
    reason = {"sensitive": True, "sensitive_reason": "Unpaid reminders"}
    assert (await client.patch(url, json=reason, headers=world.staff.headers)).status_code == 200
    for role in ("tutor", "learner", "prescriber"):
        read = (await client.get(url, headers=world[role].headers)).json()
        assert read["sensitive"] is None and read["sensitive_reason"] is None, role
        probe = await client.get(URL, params={"sensitive": "true"}, headers=world[role].headers)
        assert probe.status_code == 403, role
    for role in ("referent", "company_relations"):
        read = (await client.get(url, headers=world[role].headers)).json()
        assert read["sensitive_reason"] == "Unpaid reminders", role


async def test_other_organisation_sees_nothing(
    client: httpx.AsyncClient, session: AsyncSession, world: World, other_world: World
) -> None:
    scene = await make_scene(session, world)
    for role in ("admin", "tutor", "learner"):
        headers = other_world[role].headers
        assert (await client.get(f"{URL}/{scene.placed.id}", headers=headers)).status_code == 404
        assert (await client.get(URL, headers=headers)).json()["items"] == []
    patch = await client.patch(
        f"{URL}/{scene.placed.id}", json={"opco": "x"}, headers=other_world.admin.headers
    )
    assert patch.status_code == 404


async def test_filters(client: httpx.AsyncClient, world: World) -> None:
    for name, siret, opco in (
        ("Boulangerie Martin", SIRET_A, "OPCO EP"),
        ("Garage Durand", SIRET_B, "Mobilités"),
        ("100% Martin_Bio", SIRET_C, "OPCO EP"),
    ):
        body = {**BODY, "name": name, "siret": siret, "opco": opco}
        assert (await client.post(URL, json=body, headers=world.staff.headers)).status_code == 201

    async def names(**params: str) -> list[str]:
        answer = await client.get(URL, params=params, headers=world.staff.headers)
        return sorted(c["name"] for c in answer.json()["items"])

    assert await names(name="martin") == ["100% Martin_Bio", "Boulangerie Martin"]
    assert await names(name="BOUL") == ["Boulangerie Martin"]
    assert await names(name="100%") == ["100% Martin_Bio"]  # wildcards are literal
    assert await names(name="n_b") == ["100% Martin_Bio"]
    assert await names(siret="552 100 554 00013") == ["Garage Durand"]
    assert await names(opco="OPCO EP") == ["100% Martin_Bio", "Boulangerie Martin"]
    assert await names(sensitive="false") == [
        "100% Martin_Bio",
        "Boulangerie Martin",
        "Garage Durand",
    ]


async def test_by_ref_upsert_is_idempotent(client: httpx.AsyncClient, world: World) -> None:
    url = f"{URL}/by-ref/ypareo/E-7"
    first = await client.put(url, json=BODY, headers=world.company_relations.headers)
    assert first.status_code == 201, first.text
    again = await client.put(url, json=BODY, headers=world.company_relations.headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["version"] == 1
    changed = await client.put(url, json={**BODY, "opco": "Akto"}, headers=world.staff.headers)
    assert changed.json()["opco"] == "Akto" and changed.json()["version"] == 2
    found = await client.get(
        URL, params={"external_ref": "ypareo:E-7"}, headers=world.staff.headers
    )
    assert [c["id"] for c in found.json()["items"]] == [first.json()["id"]]
    assert found.json()["items"][0]["external_refs"] == [{"source": "ypareo", "ref": "E-7"}]
    other = await client.put(f"{URL}/by-ref/ypareo/E-8", json=BODY, headers=world.staff.headers)
    assert other.status_code == 409  # same SIRET under another reference


async def test_if_match_and_audit(client: httpx.AsyncClient, world: World) -> None:
    company = (await client.post(URL, json=BODY, headers=world.staff.headers)).json()
    url = f"{URL}/{company['id']}"
    stale = await client.patch(
        url, json={"opco": "Akto"}, headers={**world.staff.headers, "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    fresh = await client.patch(
        url, json={"opco": "Akto"}, headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'
    assert (
        await client.delete(url, headers={**world.staff.headers, "If-Match": '"1"'})
    ).status_code == 412
    assert (await client.delete(url, headers=world.staff.headers)).status_code == 204
    events = await client.get(
        "/api/v1/audit-events",
        params={"object_id": company["id"], "sort": "occurred_at"},
        headers=world.admin.headers,
    )
    items = events.json()["items"]
    assert [e["action"] for e in items] == ["create", "update", "delete"]
    assert items[1]["changes"]["opco"] == {"from": "OPCO EP", "to": "Akto"}
    assert all(e["object_type"] == "company" for e in items)


async def test_a_company_with_contracts_cannot_be_deleted_and_takes_its_tutors_otherwise(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    scene = await make_scene(session, world)
    blocked = await client.delete(f"{URL}/{scene.placed.id}", headers=world.staff.headers)
    assert blocked.status_code == 409
    assert (
        await client.get(f"{URL}/{scene.placed.id}", headers=world.staff.headers)
    ).status_code == 200
    gone = await client.delete(f"{URL}/{scene.unrelated.id}", headers=world.staff.headers)
    assert gone.status_code == 204
    events = await client.get(
        "/api/v1/audit-events",
        params={"object_id": scene.stranger.id, "action": "delete"},
        headers=world.admin.headers,
    )
    assert [e["object_type"] for e in events.json()["items"]] == ["tutor"]
