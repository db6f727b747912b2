"""Cohorts: reference data every member reads, the CFA office writes; referents round-trip
through the association, move the version and reach the audit log."""

from __future__ import annotations

from datetime import date

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Enrolment, Learner
from tests.factories import World

URL = "/api/v1/cohorts"


async def programme(client: httpx.AsyncClient, world: World, title: str = "BTS MCO") -> str:
    created = await client.post(
        "/api/v1/programmes", json={"title": title, "level": 5}, headers=world.admin.headers
    )
    assert created.status_code == 201
    return str(created.json()["id"])


def body(programme_id: str, **extra: object) -> dict[str, object]:
    return {
        "programme_id": programme_id,
        "name": "BTS MCO 2026-2028",
        "start_date": "2026-09-01",
        "end_date": "2028-06-30",
        **extra,
    }


async def test_office_writes_everyone_in_the_organisation_reads(
    client: httpx.AsyncClient, world: World
) -> None:
    programme_id = await programme(client, world)
    created = await client.post(URL, json=body(programme_id), headers=world.coordinator.headers)
    assert created.status_code == 201, created.text
    cohort_id = created.json()["id"]
    for role in ("admin", "staff"):
        again = await client.post(URL, json=body(programme_id), headers=world[role].headers)
        assert again.status_code == 201
    for role in ("company_relations", "auditor", "referent", "tutor", "learner", "prescriber"):
        assert (
            await client.post(URL, json=body(programme_id), headers=world[role].headers)
        ).status_code == 403
        change = await client.patch(
            f"{URL}/{cohort_id}", json={"name": "x"}, headers=world[role].headers
        )
        assert change.status_code == 403, role
        read = await client.get(f"{URL}/{cohort_id}", headers=world[role].headers)
        assert read.status_code == 200 and read.json()["name"] == "BTS MCO 2026-2028", role
        assert len((await client.get(URL, headers=world[role].headers)).json()["items"]) == 3


async def test_other_organisation_sees_nothing_and_cannot_use_our_programme(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    programme_id = await programme(client, world)
    cohort = (await client.post(URL, json=body(programme_id), headers=world.staff.headers)).json()
    theirs = other_world.admin.headers
    assert (await client.get(f"{URL}/{cohort['id']}", headers=theirs)).status_code == 404
    assert (await client.get(URL, headers=theirs)).json()["items"] == []
    borrowed = await client.post(URL, json=body(programme_id), headers=theirs)
    assert borrowed.status_code == 422
    assert borrowed.json()["errors"][0]["loc"] == ["body", "programme_id"]


async def test_bad_input_names_the_field_and_creates_nothing(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    programme_id = await programme(client, world)
    cases: list[tuple[dict[str, object], list[str | int]]] = [
        (body("nope"), ["body", "programme_id"]),
        (body(programme_id, end_date="2026-08-31"), ["body", "end_date"]),
        (body(programme_id, referent_ids=[world.tutor.id]), ["body", "referent_ids", 0]),
        (
            body(programme_id, referent_ids=[world.referent.id, other_world.referent.id]),
            ["body", "referent_ids", 1],
        ),
        ({**body(programme_id), "name": ""}, ["body", "name"]),
    ]
    for payload, loc in cases:
        answer = await client.post(URL, json=payload, headers=world.staff.headers)
        assert answer.status_code == 422, payload
        assert answer.json()["errors"][0]["loc"][: len(loc)] == loc
    assert (await client.get(URL, headers=world.staff.headers)).json()["items"] == []
    cohort = (await client.post(URL, json=body(programme_id), headers=world.staff.headers)).json()
    early = await client.patch(
        f"{URL}/{cohort['id']}", json={"end_date": "2025-01-01"}, headers=world.staff.headers
    )
    assert early.status_code == 422 and early.json()["errors"][0]["loc"] == ["body", "end_date"]


async def test_referents_round_trip_with_version_and_audit(
    client: httpx.AsyncClient, world: World
) -> None:
    programme_id = await programme(client, world)
    referents = sorted([world.referent.id, world.coordinator.id])
    created = await client.post(
        URL, json=body(programme_id, referent_ids=referents), headers=world.staff.headers
    )
    cohort = created.json()
    assert cohort["referent_ids"] == referents and cohort["version"] == 1
    url = f"{URL}/{cohort['id']}"
    assert (await client.get(url, headers=world.learner.headers)).json()[
        "referent_ids"
    ] == referents
    same = await client.patch(
        url, json={"referent_ids": referents[::-1]}, headers=world.staff.headers
    )
    assert same.json()["version"] == 1  # same set: nothing changed
    stale = await client.patch(
        url, json={"referent_ids": []}, headers={**world.staff.headers, "If-Match": '"3"'}
    )
    assert stale.status_code == 412
    assert (await client.get(url, headers=world.staff.headers)).json()["referent_ids"] == referents
    changed = await client.patch(
        url,
        json={"referent_ids": [world.referent.id]},
        headers={**world.staff.headers, "If-Match": '"1"'},
    )
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
    assert changed.json()["referent_ids"] == [world.referent.id]
    both = await client.patch(
        url, json={"name": "Groupe A", "referent_ids": []}, headers=world.staff.headers
    )
    assert both.json()["version"] == 3 and both.json()["referent_ids"] == []
    events = await client.get(
        "/api/v1/audit-events",
        params={"object_id": cohort["id"], "sort": "occurred_at"},
        headers=world.admin.headers,
    )
    items = events.json()["items"]
    assert items[0]["action"] == "create"
    assert items[0]["changes"]["referent_ids"] == {"from": None, "to": referents}
    moves = [e["changes"]["referent_ids"] for e in items[1:] if "referent_ids" in e["changes"]]
    assert moves == [
        {"from": referents, "to": [world.referent.id]},
        {"from": [world.referent.id], "to": []},
    ]
    assert any(e["changes"].get("name") for e in items[1:])


async def test_filters(client: httpx.AsyncClient, world: World) -> None:
    mco, ndrc = await programme(client, world), await programme(client, world, "BTS NDRC")
    first = await client.post(
        URL,
        json=body(
            mco,
            name="MCO 2025",
            start_date="2025-09-01",
            end_date="2027-06-30",
            referent_ids=[world.referent.id],
        ),
        headers=world.staff.headers,
    )
    await client.post(URL, json=body(mco, name="MCO 2026"), headers=world.staff.headers)
    await client.post(URL, json=body(ndrc, name="NDRC 2026"), headers=world.staff.headers)

    async def names(**params: str) -> list[str]:
        answer = await client.get(URL, params=params, headers=world.referent.headers)
        assert answer.status_code == 200, answer.text
        return sorted(c["name"] for c in answer.json()["items"])

    assert await names(programme_id=mco) == ["MCO 2025", "MCO 2026"]
    assert await names(referent_id=world.referent.id) == ["MCO 2025"]
    assert await names(active_on="2025-10-01") == ["MCO 2025"]
    assert await names(active_on="2027-06-30") == ["MCO 2025", "MCO 2026", "NDRC 2026"]
    assert await names(active_on="2028-07-01") == []
    found = await client.get(
        URL,
        params={"programme_id": ndrc, "referent_id": world.referent.id},
        headers=world.staff.headers,
    )
    assert found.json()["items"] == [] and first.status_code == 201


async def test_by_ref_upsert_is_idempotent(client: httpx.AsyncClient, world: World) -> None:
    programme_id = await programme(client, world)
    url = f"{URL}/by-ref/ypareo/P-1"
    payload = body(programme_id, referent_ids=[world.referent.id])
    first = await client.put(url, json=payload, headers=world.staff.headers)
    assert first.status_code == 201, first.text
    again = await client.put(url, json=payload, headers=world.staff.headers)
    assert again.status_code == 200 and again.json()["version"] == 1
    assert again.json()["referent_ids"] == [world.referent.id]
    replaced = await client.put(url, json=body(programme_id), headers=world.staff.headers)
    assert replaced.json()["referent_ids"] == [] and replaced.json()["version"] == 2


async def test_a_cohort_in_use_cannot_be_deleted(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    programme_id = await programme(client, world)
    used = (
        await client.post(
            URL,
            json=body(programme_id, referent_ids=[world.referent.id]),
            headers=world.staff.headers,
        )
    ).json()
    empty = (
        await client.post(
            URL,
            json=body(programme_id, referent_ids=[world.referent.id]),
            headers=world.staff.headers,
        )
    ).json()
    learner = Learner(organisation_id=world.organisation.id, first_name="Jade", last_name="Moreau")
    session.add(learner)
    await session.flush()
    session.add(
        Enrolment(
            organisation_id=world.organisation.id,
            learner_id=learner.id,
            cohort_id=used["id"],
            start_date=date(2026, 9, 1),
        )
    )
    await session.commit()
    assert (
        await client.delete(f"{URL}/{used['id']}", headers=world.staff.headers)
    ).status_code == 409
    assert (
        await client.delete(f"{URL}/{empty['id']}", headers=world.auditor.headers)
    ).status_code == 403
    assert (
        await client.delete(f"{URL}/{empty['id']}", headers=world.staff.headers)
    ).status_code == 204
    left = await client.get(
        URL, params={"referent_id": world.referent.id}, headers=world.staff.headers
    )
    assert [c["id"] for c in left.json()["items"]] == [used["id"]]
