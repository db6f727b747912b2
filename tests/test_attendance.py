"""Attendance: the register (idempotent, all or nothing), who records on which day, scope,
justifications, rates, and the absence alert opened and cleared by marks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AttendanceMark, AuditEvent
from tests.factories import World
from tests.helpers_attendance import (
    REGISTER,
    URL,
    Scene,
    add_mark,
    make_scene,
    post_mark,
)

WHOLE = ("admin", "coordinator", "staff", "company_relations", "auditor")


@pytest.fixture
def api(client: httpx.AsyncClient) -> httpx.AsyncClient:
    return client


@pytest.fixture
async def scene(session: AsyncSession, world: World) -> Scene:
    return await make_scene(session, world)


async def _counts(session: AsyncSession) -> tuple[int, int]:
    await session.commit()  # a fresh snapshot: the API wrote in its own transactions
    marks = await session.scalar(select(func.count()).select_from(AttendanceMark))
    audits = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.object_type == "attendance_mark")
    )
    return marks or 0, audits or 0


def _register(scene: Scene, *rows: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {
        "cohort_id": scene.main.id,
        "day": scene.cfa_day.isoformat(),
        "half_day": "am",
        "marks": list(rows),
        **values,
    }


async def test_register_taken_twice_gives_the_same_marks_and_no_new_versions(
    api: httpx.AsyncClient, scene: Scene, session: AsyncSession
) -> None:
    staff = scene.world.staff.headers
    body = _register(
        scene,
        {"learner_id": scene.mine.id, "status": "late", "minutes": 15, "reason": "Train"},
        {"learner_id": scene.peer.id, "status": "present"},
    )
    first = await api.post(REGISTER, json=body, headers=staff)
    assert first.status_code == 200, first.text
    answer = first.json()
    assert (answer["created"], answer["updated"], answer["unchanged"]) == (2, 0, 0)
    late, present = answer["marks"]
    assert (late["learner_id"], late["status"], late["minutes"]) == (scene.mine.id, "late", 15)
    assert late["cohort_id"] == scene.main.id and late["recorded_by_id"] == scene.world.staff.id
    assert present["status"] == "present" and present["session_label"] == ""
    assert await _counts(session) == (2, 2)

    again = (await api.post(REGISTER, json=body, headers=staff)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert [m["version"] for m in again["marks"]] == [1, 1]
    assert [m["id"] for m in again["marks"]] == [late["id"], present["id"]]
    assert await _counts(session) == (2, 2)

    # A correction changes only the row that differs; leaving `late` clears the minutes.
    body["marks"][0] = {"learner_id": scene.mine.id, "status": "absent"}  # type: ignore[index]
    fixed = (await api.post(REGISTER, json=body, headers=scene.world.referent.headers)).json()
    assert (fixed["created"], fixed["updated"], fixed["unchanged"]) == (0, 1, 1)
    mark = fixed["marks"][0]
    assert (mark["status"], mark["minutes"], mark["reason"], mark["version"]) == (
        "absent",
        None,
        "Train",  # left out of the row: kept
        2,
    )
    assert mark["recorded_by_id"] == scene.world.referent.id
    assert await _counts(session) == (2, 3)
    # Another slot of the same day is another mark.
    session_body = _register(
        scene,
        {"learner_id": scene.peer.id, "status": "absent"},
        half_day="session",
        session_label="TP réseaux",
    )
    other_slot = await api.post(REGISTER, json=session_body, headers=staff)
    assert other_slot.json()["created"] == 1


async def test_a_bad_register_row_is_a_422_naming_it_and_nothing_is_written(
    api: httpx.AsyncClient, scene: Scene, session: AsyncSession
) -> None:
    staff = scene.world.staff.headers
    good: dict[str, Any] = {"learner_id": scene.mine.id, "status": "present"}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"learner_id": scene.other.id, "status": "absent"}, "learner_id"),  # other cohort
        ({"learner_id": "no-such-learner", "status": "absent"}, "learner_id"),
        ({"learner_id": scene.mine.id, "status": "present"}, "learner_id"),  # twice
        ({"learner_id": scene.peer.id, "status": "late"}, "minutes"),
        ({"learner_id": scene.peer.id, "status": "present", "minutes": 5}, "minutes"),
    ]
    for row, field in cases:
        answer = await api.post(REGISTER, json=_register(scene, good, row), headers=staff)
        assert answer.status_code == 422, (row, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        locs = [e["loc"] for e in answer.json()["errors"]]
        assert locs == [["body", "marks", 1, field]], (row, locs)
    assert await _counts(session) == (0, 0)

    bad = [
        (_register(scene, good, cohort_id="nope"), ["body", "cohort_id"]),
        (_register(scene, good, half_day="session"), ["body", "session_label"]),
        (_register(scene, good, session_label="TP"), ["body", "session_label"]),
        (
            _register(scene, good, day=(scene.today + timedelta(days=5)).isoformat()),
            ["body", "marks", 0, "status"],
        ),
    ]
    for body, loc in bad:
        answer = await api.post(REGISTER, json=body, headers=staff)
        assert answer.status_code == 422 and loc in [e["loc"] for e in answer.json()["errors"]]
    # Not enrolled any more on that day.
    before = (scene.main.start_date - timedelta(days=1)).isoformat()
    early = await api.post(REGISTER, json=_register(scene, good, day=before), headers=staff)
    assert early.json()["errors"][0]["loc"] == ["body", "marks", 0, "learner_id"]
    assert await _counts(session) == (0, 0)


async def test_who_records_on_company_and_cfa_days(
    api: httpx.AsyncClient, scene: Scene, session: AsyncSession
) -> None:
    mine, company, cfa = scene.mine, scene.company_day, scene.cfa_day
    # The tutor records their apprentice's company days, not CFA days (nor undeclared days).
    created = await post_mark(api, "tutor", scene, mine, company)
    assert created.status_code == 201, created.text
    assert created.json()["cohort_id"] == scene.main.id  # their cohort of the day
    assert created.headers["ETag"] == '"1"'
    refused = await post_mark(api, "tutor", scene, mine, cfa)
    assert refused.status_code == 403 and "CFA day" in refused.json()["detail"]
    undeclared = await post_mark(api, "tutor", scene, mine, scene.today - timedelta(days=4))
    assert undeclared.status_code == 403
    # ...and only for a learner they tutor (others are invisible: 422 naming the field).
    peer = await post_mark(api, "tutor", scene, scene.peer, company, half_day="pm")
    assert peer.status_code == 422 and peer.json()["errors"][0]["loc"] == ["body", "learner_id"]
    # The referent records CFA days of their learners, not company days.
    assert (await post_mark(api, "referent", scene, mine, cfa)).status_code == 201
    referent_company = await post_mark(api, "referent", scene, mine, company, half_day="pm")
    assert referent_company.status_code == 403
    # Staff records any day; a taken slot is a 409 naming the mark.
    assert (await post_mark(api, "staff", scene, mine, company, half_day="pm")).status_code == 201
    taken = await post_mark(api, "staff", scene, mine, cfa)
    assert taken.status_code == 409 and taken.json()["existing_id"]
    for role in ("company_relations", "auditor", "learner", "prescriber"):
        answer = await post_mark(api, role, scene, mine, cfa, half_day="pm")
        assert answer.status_code == 403, role
    # The tutor may correct the company-day mark, not the CFA-day one.
    tutor = scene.world.tutor.headers
    marks = {(m.day, m.half_day): m.id for m in await session.scalars(select(AttendanceMark))}
    on_company = await api.patch(
        f"{URL}/{marks[(company, 'am')]}", json={"status": "present"}, headers=tutor
    )
    assert on_company.status_code == 200 and on_company.json()["version"] == 2
    on_cfa = f"{URL}/{marks[(cfa, 'am')]}"
    assert (await api.patch(on_cfa, json={"status": "present"}, headers=tutor)).status_code == 403
    assert (await api.delete(on_cfa, headers=tutor)).status_code == 403
    # A tutor's register on a company day: refused as a whole when a row is not theirs.
    day = {"day": company.isoformat(), "half_day": "session", "session_label": "Atelier"}
    rows = [{"learner_id": mine.id, "status": "present"}]
    ok = await api.post(REGISTER, json=_register(scene, *rows, **day), headers=tutor)
    assert ok.status_code == 200, ok.text
    for role in ("learner", "company_relations", "auditor"):
        refused = await api.post(
            REGISTER, json=_register(scene, *rows), headers=scene.world[role].headers
        )
        assert refused.status_code == 403, role
    on_cfa_register = await api.post(REGISTER, json=_register(scene, *rows), headers=tutor)
    assert on_cfa_register.status_code == 403
    assert on_cfa_register.json()["errors"][0]["loc"] == ["body", "marks", 0, "learner_id"]


async def test_single_mark_validation_names_the_field_and_writes_nothing(
    api: httpx.AsyncClient, scene: Scene, session: AsyncSession
) -> None:
    mine, cfa = scene.mine, scene.cfa_day
    ahead = scene.today + timedelta(days=7)
    cases: list[tuple[dict[str, Any], date, str]] = [
        ({"half_day": "session"}, cfa, "session_label"),
        ({"session_label": "TP"}, cfa, "session_label"),
        ({"status": "late"}, cfa, "minutes"),
        ({"minutes": 10}, cfa, "minutes"),
        ({"status": "absent"}, ahead, "status"),
        ({"cohort_id": scene.second.id}, cfa, "cohort_id"),
        ({"cohort_id": "unknown"}, cfa, "cohort_id"),
        ({"half_day": "evening"}, cfa, "half_day"),
        ({"status": "sick"}, cfa, "status"),
        ({"colour": "red"}, cfa, "colour"),
    ]
    for values, day, field in cases:
        answer = await post_mark(api, "staff", scene, mine, day, **values)
        assert answer.status_code == 422, (values, answer.text)
        assert answer.json()["errors"][0]["loc"] == ["body", field], values
    assert await _counts(session) == (0, 0)
    # An excused absence may be recorded ahead.
    excused = await post_mark(api, "staff", scene, mine, ahead, status="excused")
    assert excused.status_code == 201


async def test_scope_of_reads_per_role_and_organisation(
    api: httpx.AsyncClient, scene: Scene, session: AsyncSession, other_world: World
) -> None:
    mine = await add_mark(session, scene, scene.mine, scene.cfa_day)
    peer = await add_mark(session, scene, scene.peer, scene.cfa_day, status="present")
    other = await add_mark(session, scene, scene.other, scene.cfa_day)
    everything = {mine.id, peer.id, other.id}
    expected = {role: everything for role in WHOLE}
    expected.update(
        referent={mine.id, peer.id}, tutor={mine.id}, learner={mine.id}, prescriber={mine.id}
    )
    for role, ids in expected.items():
        headers = scene.world[role].headers
        answer = await api.get(URL, headers=headers)
        assert answer.status_code == 200, role
        assert {m["id"] for m in answer.json()["items"]} == ids, role
        for mark_id in everything:
            read = await api.get(f"{URL}/{mark_id}", headers=headers)
            assert read.status_code == (200 if mark_id in ids else 404), (role, mark_id)
    # A referent cannot touch a mark they cannot see: 404, not 403.
    hidden = await api.patch(
        f"{URL}/{other.id}", json={"status": "present"}, headers=scene.world.referent.headers
    )
    assert hidden.status_code == 404
    for role in ("admin", "learner"):
        outsider = other_world[role].headers
        assert (await api.get(URL, headers=outsider)).json()["items"] == []
        assert (await api.get(f"{URL}/{mine.id}", headers=outsider)).status_code == 404
    admin = other_world.admin.headers
    assert (await api.delete(f"{URL}/{mine.id}", headers=admin)).status_code == 404
    body = {"learner_id": scene.mine.id, "day": scene.cfa_day.isoformat(), "half_day": "pm"}
    outsider_post = await api.post(URL, json={**body, "status": "absent"}, headers=admin)
    assert outsider_post.status_code == 422
    assert outsider_post.json()["errors"][0]["loc"] == ["body", "learner_id"]
    # Filters.
    staff = scene.world.staff.headers

    async def listed(**params: Any) -> set[str]:
        answer = await api.get(URL, params=params, headers=staff)
        assert answer.status_code == 200, answer.text
        return {m["id"] for m in answer.json()["items"]}

    assert await listed(learner_id=scene.peer.id) == {peer.id}
    assert await listed(cohort_id=scene.second.id) == {other.id}
    assert await listed(status="present") == {peer.id}
    assert len(await listed(justified="false", half_day="am")) == 3
    assert await listed(**{"from": scene.today.isoformat()}) == set()
    assert len(await listed(to=scene.cfa_day.isoformat())) == 3
    window = {"from": scene.today.isoformat(), "to": scene.cfa_day.isoformat()}
    backwards = await api.get(URL, params=window, headers=staff)
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["loc"] == ["query", "to"]
