"""Learners: who sees whom (every role), who may change them, redaction, input, conventions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models import Learner
from tests import helpers_learners as make
from tests.factories import World, make_user

URL = "/api/v1/learners"
BODY = {
    "first_name": "Inès",
    "last_name": "Moreau",
    "birth_date": "2007-03-14",
    "email": "ines@example.fr",
    "phone": "06 12 34 56 78",
    "ine": "1234567890A",
    "address": {"line": "3 chemin des Prés", "postcode": "43100", "city": "Brioude"},
    "referral": {"education_level": "CAP", "target_job": "Vendeuse"},
    "needs": ["transport", "housing"],
    "fragile": True,
    "fragile_reason": "Family situation",
}
WHOLE_ORGANISATION = ("admin", "coordinator", "staff", "company_relations", "auditor")
WRITERS = ("admin", "coordinator", "staff", "company_relations")


@dataclass
class Cast:
    """One learner per way of being seen."""

    by_referent: Learner
    in_referent_cohort: Learner
    tutored: Learner
    themself: Learner
    prescribed: Learner
    nobody: Learner

    def ids(self, *names: str) -> set[str]:
        return {getattr(self, n).id for n in names}


async def cast(session: AsyncSession, world: World) -> Cast:
    personal = {"address": BODY["address"], "needs": ["housing"], "referral": BODY["referral"],
                "fragile": True, "fragile_reason": "Family situation"}
    by_referent = await make.learner(session, world, referent_id=world.referent.id)
    in_cohort = await make.learner(session, world)
    promo = await make.cohort(session, world, referent_ids=(world.referent.id,))
    await make.enrolment(session, world, in_cohort, promo)
    tutored = await make.learner(session, world, **personal)
    company, tutor = await make.company_with_tutor(session, world, world.tutor.id)
    await make.contract(session, world, tutored, company, tutor)
    themself = await make.learner(session, world, user_id=world.learner.id)
    prescribed = await make.learner(session, world, prescriber_id=world.prescriber.id, **personal)
    nobody = await make.learner(session, world)
    return Cast(by_referent, in_cohort, tutored, themself, prescribed, nobody)


def expected_scope(c: Cast) -> dict[str, set[str]]:
    everyone = c.ids("by_referent", "in_referent_cohort", "tutored", "themself", "prescribed",
                     "nobody")
    return {
        **{role: everyone for role in WHOLE_ORGANISATION},
        "referent": c.ids("by_referent", "in_referent_cohort"),
        "tutor": c.ids("tutored"),
        "learner": c.ids("themself"),
        "prescriber": c.ids("prescribed"),
    }


async def test_every_role_sees_exactly_its_scope(
    client: httpx.AsyncClient, session: AsyncSession, world: World, other_world: World
) -> None:
    c = await cast(session, world)
    everyone = expected_scope(c)["admin"]
    for role, visible in expected_scope(c).items():
        listed = await client.get(URL, headers=world[role].headers)
        assert listed.status_code == 200, role
        assert {item["id"] for item in listed.json()["items"]} == visible, role
        for learner_id in everyone:
            read = await client.get(f"{URL}/{learner_id}", headers=world[role].headers)
            assert read.status_code == (200 if learner_id in visible else 404), role
    for role in other_world.actors:
        listed = await client.get(URL, headers=other_world[role].headers)
        assert listed.json()["items"] == [], role
        read = await client.get(f"{URL}/{c.by_referent.id}", headers=other_world[role].headers)
        assert read.status_code == 404
        assert read.headers["content-type"] == "application/problem+json"


async def test_tutors_and_prescribers_do_not_see_personal_fields(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    c = await cast(session, world)
    tutor_view = (await client.get(f"{URL}/{c.tutored.id}", headers=world.tutor.headers)).json()
    assert tutor_view["address"] is None and tutor_view["referral"] is None
    assert tutor_view["needs"] == [] and tutor_view["fragile"] is None
    assert tutor_view["fragile_reason"] is None
    assert tutor_view["first_name"] == c.tutored.first_name
    assert tutor_view["status"] == "under_contract"
    prescriber_view = (
        await client.get(f"{URL}/{c.prescribed.id}", headers=world.prescriber.headers)
    ).json()
    assert prescriber_view["address"] is None and prescriber_view["needs"] == []
    assert prescriber_view["fragile"] is None and prescriber_view["fragile_reason"] is None
    assert prescriber_view["referral"]["target_job"] == "Vendeuse"  # they wrote it
    assert prescriber_view["status"] == "referred"
    staff_view = (await client.get(f"{URL}/{c.tutored.id}", headers=world.staff.headers)).json()
    assert staff_view["address"]["city"] == "Brioude" and staff_view["needs"] == ["housing"]
    assert staff_view["fragile"] is True


async def test_who_may_create(client: httpx.AsyncClient, world: World) -> None:
    for role in WRITERS:
        created = await client.post(URL, json=BODY, headers=world[role].headers)
        assert created.status_code == 201, role
        assert created.headers["ETag"] == '"1"'
        assert created.headers["Location"] == f"{URL}/{created.json()['id']}"
        assert created.json()["status"] == "referred"
        assert created.json()["needs"] == ["transport", "housing"]
    for role in ("referent", "auditor", "tutor", "learner"):
        refused = await client.post(URL, json=BODY, headers=world[role].headers)
        assert refused.status_code == 403, role


async def test_a_prescriber_creates_the_learner_they_refer(
    client: httpx.AsyncClient, world: World
) -> None:
    body = {**BODY, "prescriber_id": world.staff.id}
    created = await client.post(URL, json=body, headers=world.prescriber.headers)
    assert created.status_code == 201
    learner_id = created.json()["id"]
    assert created.json()["prescriber_id"] == world.prescriber.id
    assert created.json()["address"] is None  # still hidden from them, though they sent it
    read = await client.get(f"{URL}/{learner_id}", headers=world.prescriber.headers)
    assert read.status_code == 200
    full = (await client.get(f"{URL}/{learner_id}", headers=world.staff.headers)).json()
    assert full["address"]["postcode"] == "43100"
    change = await client.patch(
        f"{URL}/{learner_id}", json={"phone": "0600000000"}, headers=world.prescriber.headers
    )
    assert change.status_code == 403


async def test_who_may_change_and_delete(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    c = await cast(session, world)
    for role in WRITERS:
        changed = await client.patch(
            f"{URL}/{c.nobody.id}", json={"phone": "0600000001"}, headers=world[role].headers
        )
        assert changed.status_code == 200, role
    for learner in (c.by_referent, c.in_referent_cohort):
        mine = await client.patch(
            f"{URL}/{learner.id}", json={"needs": ["health"]}, headers=world.referent.headers
        )
        assert mine.status_code == 200
        assert mine.json()["needs"] == ["health"]
    not_mine = await client.patch(
        f"{URL}/{c.nobody.id}", json={"needs": []}, headers=world.referent.headers
    )
    assert not_mine.status_code == 404
    seen_not_changeable = {"auditor": c.nobody, "tutor": c.tutored, "learner": c.themself,
                           "prescriber": c.prescribed}
    for role, learner in seen_not_changeable.items():
        refused = await client.patch(
            f"{URL}/{learner.id}", json={"phone": "0600000002"}, headers=world[role].headers
        )
        assert refused.status_code == 403, role
        refused = await client.delete(f"{URL}/{learner.id}", headers=world[role].headers)
        assert refused.status_code == 403, role
    for role in ("tutor", "learner", "prescriber"):
        hidden = await client.patch(
            f"{URL}/{c.nobody.id}", json={"phone": "0600000003"}, headers=world[role].headers
        )
        assert hidden.status_code == 404, role
    refused = await client.delete(f"{URL}/{c.by_referent.id}", headers=world.referent.headers)
    assert refused.status_code == 403
    deleted = await client.delete(f"{URL}/{c.by_referent.id}", headers=world.staff.headers)
    assert deleted.status_code == 204
    gone = await client.get(f"{URL}/{c.by_referent.id}", headers=world.staff.headers)
    assert gone.status_code == 404
    with_contract = await client.delete(f"{URL}/{c.tutored.id}", headers=world.admin.headers)
    assert with_contract.status_code == 409


async def test_a_referent_who_is_also_a_tutor_changes_only_the_learners_they_follow(
    client: httpx.AsyncClient, session: AsyncSession, world: World, settings: Settings
) -> None:
    both = await make_user(session, settings, world.organisation, ["referent", "tutor"])
    await session.commit()
    tutored = await make.learner(session, world)
    company, tutor = await make.company_with_tutor(session, world, both.id)
    await make.contract(session, world, tutored, company, tutor)
    assert (await client.get(f"{URL}/{tutored.id}", headers=both.headers)).status_code == 200
    refused = await client.patch(
        f"{URL}/{tutored.id}", json={"phone": "0600000004"}, headers=both.headers
    )
    assert refused.status_code == 403


async def test_bad_input_names_the_field_and_changes_nothing(
    client: httpx.AsyncClient, world: World, other_world: World
) -> None:
    cases = [
        ({**BODY, "needs": ["money"]}, "needs"),
        ({**BODY, "first_name": ""}, "first_name"),
        ({**BODY, "birth_date": (date.today() + timedelta(days=1)).isoformat()}, "birth_date"),
        ({**BODY, "ine": "12"}, "ine"),
        ({**BODY, "email": "not-an-email"}, "email"),
        ({**BODY, "address": {"postcode": "<script>"}}, "address"),
        ({**BODY, "status": "completed"}, "status"),
        ({**BODY, "referent_id": other_world.referent.id}, "referent_id"),
        ({**BODY, "prescriber_id": "no-such-user"}, "prescriber_id"),
        ({**BODY, "user_id": other_world.learner.id}, "user_id"),
        ({k: v for k, v in BODY.items() if k != "last_name"}, "last_name"),
    ]
    for body, field in cases:
        answer = await client.post(URL, json=body, headers=world.staff.headers)
        assert answer.status_code == 422, field
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["loc"][:2] == ["body", field], answer.json()
    assert (await client.get(URL, headers=world.staff.headers)).json()["items"] == []
    created = (await client.post(URL, json=BODY, headers=world.staff.headers)).json()
    for patch, field in [({"first_name": None}, "first_name"), ({"needs": None}, "needs"),
                         ({"referent_id": other_world.referent.id}, "referent_id")]:
        answer = await client.patch(
            f"{URL}/{created['id']}", json=patch, headers=world.staff.headers
        )
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["loc"][:2] == ["body", field]
    again = (await client.get(f"{URL}/{created['id']}", headers=world.staff.headers)).json()
    assert again["version"] == 1 and again["first_name"] == "Inès"


async def test_references_to_users_of_the_organisation_are_kept(
    client: httpx.AsyncClient, world: World
) -> None:
    body = {**BODY, "referent_id": world.referent.id, "user_id": world.learner.id}
    created = await client.post(URL, json=body, headers=world.staff.headers)
    assert created.status_code == 201
    assert created.json()["user_id"] == world.learner.id
    mine = await client.get(f"{URL}/{created.json()['id']}", headers=world.learner.headers)
    assert mine.status_code == 200 and mine.json()["address"]["city"] == "Brioude"
    unlinked = await client.patch(
        f"{URL}/{created.json()['id']}", json={"user_id": None}, headers=world.staff.headers
    )
    assert unlinked.json()["user_id"] is None
    gone = await client.get(f"{URL}/{created.json()['id']}", headers=world.learner.headers)
    assert gone.status_code == 404


async def test_if_match_and_audit(client: httpx.AsyncClient, world: World) -> None:
    created = await client.post(URL, json=BODY, headers=world.staff.headers)
    learner_id = created.json()["id"]
    changed = await client.patch(
        f"{URL}/{learner_id}", json={"last_name": "Moreau-Petit"},
        headers={**world.staff.headers, "If-Match": '"1"'},
    )
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
    stale = await client.patch(
        f"{URL}/{learner_id}", json={"last_name": "Petit"},
        headers={**world.staff.headers, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    stale_delete = await client.delete(
        f"{URL}/{learner_id}", headers={**world.staff.headers, "If-Match": '"1"'}
    )
    assert stale_delete.status_code == 412
    log = await client.get(
        "/api/v1/audit-events", params={"object_id": learner_id}, headers=world.auditor.headers
    )
    events = log.json()["items"]
    assert [e["action"] for e in events] == ["update", "create"]
    assert all(e["actor_id"] == world.staff.id and e["object_type"] == "learner" for e in events)
    assert events[0]["changes"] == {"last_name": {"from": "Moreau", "to": "Moreau-Petit"}}


async def test_by_ref_upsert_is_idempotent(client: httpx.AsyncClient, world: World) -> None:
    url = f"{URL}/by-ref/ypareo/A123"
    first = await client.put(url, json=BODY, headers=world.staff.headers)
    assert first.status_code == 201
    again = await client.put(url, json=BODY, headers=world.staff.headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["version"] == 1
    changed = await client.put(
        url, json={**BODY, "phone": "0700000000"}, headers=world.staff.headers
    )
    assert changed.json()["version"] == 2 and changed.json()["phone"] == "0700000000"
    found = await client.get(
        URL, params={"external_ref": "ypareo:A123"}, headers=world.staff.headers
    )
    assert [i["id"] for i in found.json()["items"]] == [first.json()["id"]]
    assert found.json()["items"][0]["external_refs"] == [{"source": "ypareo", "ref": "A123"}]
    refused = await client.put(url, json=BODY, headers=world.referent.headers)
    assert refused.status_code == 404  # not theirs to see


async def test_filters(client: httpx.AsyncClient, session: AsyncSession, world: World) -> None:
    c = await cast(session, world)
    promo = await make.cohort(session, world)
    await make.enrolment(session, world, c.nobody, promo)

    async def ids(**params: str) -> set[str]:
        answer = await client.get(URL, params=params, headers=world.coordinator.headers)
        assert answer.status_code == 200, answer.text
        return {item["id"] for item in answer.json()["items"]}

    assert await ids(referent_id=world.referent.id) == c.ids("by_referent")
    assert await ids(prescriber_id=world.prescriber.id) == c.ids("prescribed")
    assert await ids(user_id=world.learner.id) == c.ids("themself")
    assert await ids(cohort_id=promo.id) == c.ids("nobody")
    assert await ids(last_name=c.tutored.last_name.upper()) == c.ids("tutored")
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert await ids(updated_since=later) == set()
    assert len(await ids(updated_since="2000-01-01T00:00:00Z")) == 6
    bad = await client.get(URL, params={"status": "lost"}, headers=world.coordinator.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "status"]


async def test_status_filter_pages_through_derived_statuses(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    today = date.today()
    promo = await make.cohort(
        session, world, start_date=today - timedelta(days=30), end_date=today + timedelta(days=600)
    )
    company, tutor = await make.company_with_tutor(session, world)
    seeking, working = [], []
    for n in range(7):
        row = await make.learner(session, world)
        if n % 3 == 0:
            continue  # referred
        await make.enrolment(session, world, row, promo)
        if n % 3 == 1:
            seeking.append(row.id)
        else:
            await make.contract(
                session, world, row, company, tutor,
                start_date=today - timedelta(days=10), end_date=today + timedelta(days=300),
            )
            working.append(row.id)
    found: list[str] = []
    cursor = None
    while True:
        params = {"status": "enrolled_seeking", "limit": "1"}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get(URL, params=params, headers=world.staff.headers)).json()
        assert all(item["status"] == "enrolled_seeking" for item in page["items"])
        found += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert found == seeking  # in creation order, each once
    under = await client.get(URL, params={"status": "under_contract"}, headers=world.staff.headers)
    assert [item["id"] for item in under.json()["items"]] == working
    referred = await client.get(URL, params={"status": "referred"}, headers=world.staff.headers)
    assert len(referred.json()["items"]) == 3
