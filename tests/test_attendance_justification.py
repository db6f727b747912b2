"""Attendance over time: justifications, If-Match, audit, rates, and the absence alert that
marks open and justifications clear."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Alert, AuditEvent
from tests.factories import World
from tests.helpers_attendance import (
    REGISTER,
    URL,
    Scene,
    add_mark,
    make_scene,
    post_mark,
)

RATES = f"{URL}/rates"


@pytest.fixture
def api(client: httpx.AsyncClient) -> httpx.AsyncClient:
    return client


@pytest.fixture
async def scene(session: AsyncSession, world: World) -> Scene:
    return await make_scene(session, world)


async def test_justification_if_match_and_audit(
    api: httpx.AsyncClient, scene: Scene, session: AsyncSession
) -> None:
    staff = scene.world.staff.headers
    created = await post_mark(api, "staff", scene, scene.mine, scene.cfa_day, reason="Malade")
    mark = created.json()
    assert (mark["justified"], mark["justified_at"], mark["reason"]) == (False, None, "Malade")
    path = f"{URL}/{mark['id']}/justification"
    body = {"reason": "Arrêt maladie", "document_ref": "GED-412"}
    stale = await api.post(path, json=body, headers={**staff, "If-Match": '"7"'})
    assert stale.status_code == 412
    justified = await api.post(path, json=body, headers={**staff, "If-Match": '"1"'})
    assert justified.status_code == 200, justified.text
    read = justified.json()
    assert (read["justified"], read["reason"], read["document_ref"]) == (
        True,
        "Arrêt maladie",
        "GED-412",
    )
    assert read["justified_at"] is not None and justified.headers["ETag"] == '"2"'
    # The same justification again changes nothing; a correction keeps justified_at.
    same = await api.post(path, json=body, headers=staff)
    assert same.json()["version"] == 2
    corrected = await api.post(path, json={"reason": "Hospitalisation"}, headers=staff)
    assert corrected.json()["justified_at"] == read["justified_at"]
    assert corrected.json()["document_ref"] is None and corrected.json()["version"] == 3
    # Learners and tutors (on a CFA day) see it but may not justify it.
    for role in ("learner", "tutor", "auditor"):
        assert (
            await api.post(path, json=body, headers=scene.world[role].headers)
        ).status_code == 403
    withdrawn = await api.delete(path, headers=staff)
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["justified"], withdrawn.json()["justified_at"]) == (False, None)
    # Nothing to justify on a present mark; becoming present clears a justification.
    await api.post(path, json=body, headers=staff)
    present = await api.patch(f"{URL}/{mark['id']}", json={"status": "present"}, headers=staff)
    assert (present.json()["justified"], present.json()["document_ref"]) == (False, None)
    assert (await api.post(path, json=body, headers=staff)).status_code == 409
    # If-Match on PATCH and DELETE.
    version = present.json()["version"]
    one = f"{URL}/{mark['id']}"
    stale_patch = await api.patch(
        one, json={"status": "absent"}, headers={**staff, "If-Match": f'"{version - 1}"'}
    )
    assert stale_patch.status_code == 412
    assert (await api.delete(one, headers={**staff, "If-Match": '"1"'})).status_code == 412
    assert (await api.patch(one, json={"status": None}, headers=staff)).status_code == 422
    assert (await api.delete(one, headers={**staff, "If-Match": f'"{version}"'})).status_code == 204
    assert (await api.get(one, headers=staff)).status_code == 404
    actions = [
        e.action
        for e in await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_id == mark["id"])
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    ]
    assert actions[0] == "create" and actions[-1] == "delete"
    assert actions.count("update") == 5  # justify, correct, withdraw, justify again, present


async def test_rates_per_learner_and_cohort_are_exact(
    api: httpx.AsyncClient, scene: Scene, session: AsyncSession
) -> None:
    day = scene.cfa_day
    for half_day, status, extra in (
        ("am", "present", {}),
        ("pm", "absent", {}),
        ("session", "absent", {"justified": True, "session_label": "TP"}),
    ):
        await add_mark(session, scene, scene.mine, day, half_day=half_day, status=status, **extra)
    earlier = day - timedelta(days=7)
    await add_mark(session, scene, scene.mine, earlier, status="late", minutes=20)
    await add_mark(session, scene, scene.mine, earlier, half_day="pm", status="excused")
    await add_mark(session, scene, scene.peer, day, status="present")
    await add_mark(session, scene, scene.other, day, status="absent")
    staff = scene.world.staff.headers

    learner = await api.get(RATES, params={"learner_id": scene.mine.id}, headers=staff)
    assert learner.status_code == 200, learner.text
    assert learner.json()["totals"] == {
        "marks": 5,
        "present": 1,
        "absent": 2,
        "late": 1,
        "excused": 1,
        "unjustified_absent": 1,
        "late_minutes": 20,
        "absence_rate": 0.6,  # (2 absent + 1 excused) / 5
        "unjustified_absence_rate": 0.2,
    }
    assert learner.json()["learners"] is None
    cohort = (await api.get(RATES, params={"cohort_id": scene.main.id}, headers=staff)).json()
    assert cohort["totals"]["marks"] == 6 and cohort["totals"]["absence_rate"] == 0.5
    per_learner = {row["learner_id"]: row for row in cohort["learners"]}
    assert set(per_learner) == {scene.mine.id, scene.peer.id}
    assert per_learner[scene.peer.id]["absence_rate"] == 0.0
    assert per_learner[scene.mine.id]["unjustified_absence_rate"] == 0.2
    window = {"learner_id": scene.mine.id, "from": day.isoformat(), "to": day.isoformat()}
    totals = (await api.get(RATES, params=window, headers=staff)).json()["totals"]
    assert (totals["marks"], totals["absence_rate"]) == (3, 0.6667)
    empty = {"learner_id": scene.mine.id, "to": (earlier - timedelta(days=1)).isoformat()}
    nothing = (await api.get(RATES, params=empty, headers=staff)).json()["totals"]
    assert (nothing["marks"], nothing["absence_rate"], nothing["unjustified_absence_rate"]) == (
        0,
        None,
        None,
    )
    everything = (await api.get(RATES, headers=staff)).json()
    assert everything["totals"]["marks"] == 7 and everything["learners"] is None
    # Scope: a tutor counts only their apprentice's marks; a hidden learner is a 404.
    tutor = scene.world.tutor.headers
    mine_only = (await api.get(RATES, params={"cohort_id": scene.main.id}, headers=tutor)).json()
    assert [row["learner_id"] for row in mine_only["learners"]] == [scene.mine.id]
    hidden = await api.get(RATES, params={"learner_id": scene.other.id}, headers=tutor)
    assert hidden.status_code == 404
    assert (await api.get(RATES, params={"cohort_id": "nope"}, headers=staff)).status_code == 404


async def _absence_alert(api: httpx.AsyncClient, scene: Scene) -> list[dict[str, object]]:
    params = {"learner_id": scene.mine.id, "rule": "absences_threshold"}
    answer = await api.get("/api/v1/alerts", params=params, headers=scene.world.admin.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


async def test_four_unjustified_absences_open_the_alert_and_justifying_clears_it(
    api: httpx.AsyncClient, scene: Scene, session: AsyncSession
) -> None:
    staff = scene.world.staff.headers
    ids = []
    for n in range(1, 5):
        day = (scene.today - timedelta(days=5 * n)).isoformat()
        marks = [{"learner_id": scene.mine.id, "status": "absent"}]
        body = {"cohort_id": scene.main.id, "day": day, "half_day": "am", "marks": marks}
        answer = await api.post(REGISTER, json=body, headers=staff)
        assert answer.status_code == 200, answer.text
        ids.append(answer.json()["marks"][0]["id"])
        alerts = await _absence_alert(api, scene)
        assert len(alerts) == (1 if n == 4 else 0), n
    (alert,) = alerts
    assert (alert["status"], alert["severity"]) == ("open", "warning")
    assert alert["facts"]["unjustified_absences"] == 4  # type: ignore[index]
    justified = await api.post(
        f"{URL}/{ids[0]}/justification", json={"reason": "Convocation"}, headers=staff
    )
    assert justified.status_code == 200
    (cleared,) = await _absence_alert(api, scene)
    assert (cleared["status"], cleared["resolution"]) == ("resolved", "condition_cleared")
    # Withdrawing the justification opens it again; deleting a mark clears it.
    await api.delete(f"{URL}/{ids[0]}/justification", headers=staff)
    live = [a for a in await _absence_alert(api, scene) if a["status"] == "open"]
    assert len(live) == 1
    assert (await api.delete(f"{URL}/{ids[1]}", headers=staff)).status_code == 204
    session.expunge_all()
    rows = await session.scalars(select(Alert).where(Alert.learner_id == scene.mine.id))
    assert {a.status for a in rows if a.rule == "absences_threshold"} == {"resolved"}


async def test_tutors_see_that_an_absence_is_justified_not_why(
    api: httpx.AsyncClient, scene: Scene
) -> None:
    staff, tutor = scene.world.staff.headers, scene.world.tutor.headers
    created = await post_mark(api, "staff", scene, scene.mine, scene.cfa_day)
    path = f"{URL}/{created.json()['id']}"
    body = {"reason": "Arrêt maladie", "document_ref": "GED-412"}
    assert (await api.post(f"{path}/justification", json=body, headers=staff)).status_code == 200
    seen = (await api.get(path, headers=tutor)).json()
    assert (seen["justified"], seen["reason"], seen["document_ref"]) == (True, None, None)
    exported = await api.get(URL, headers={**tutor, "Accept": "text/csv"})
    assert exported.status_code == 200 and "maladie" not in exported.text
    team = (await api.get(path, headers=staff)).json()
    assert (team["reason"], team["document_ref"]) == ("Arrêt maladie", "GED-412")
    # What the tutor wrote on a company day, the tutor reads back.
    own = await post_mark(api, "tutor", scene, scene.mine, scene.company_day, reason="Bouchons")
    assert own.status_code == 201, own.text
    assert (await api.get(f"{URL}/{own.json()['id']}", headers=tutor)).json()["reason"] == (
        "Bouchons"
    )
