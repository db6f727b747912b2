"""The learner's timeline: enrolments, contract events and follow-up entries in date order,
each part limited to what the caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Learner, Review
from tests import helpers_learners as make
from tests.factories import World


def url(learner_id: str) -> str:
    return f"/api/v1/learners/{learner_id}/timeline"


@dataclass
class Story:
    learner: Learner
    ids: dict[str, str]


async def story(session: AsyncSession, world: World) -> Story:
    """One learner: enrolled, a first contract (another tutor) broken, a second one tutored by
    ``world.tutor``, and entries of every visibility."""
    learner = await make.learner(
        session, world, referent_id=world.referent.id, prescriber_id=world.prescriber.id,
        user_id=world.learner.id,
    )
    promo = await make.cohort(session, world, name="BTS MCO 2026", start_date=date(2026, 9, 1))
    enrolment = await make.enrolment(
        session, world, learner, promo, end_date=date(2027, 6, 30), ended_reason="completed"
    )
    company, other_tutor = await make.company_with_tutor(session, world)
    _, my_tutor = await make.company_with_tutor(session, world, world.tutor.id)
    first = await make.contract(session, world, learner, company, other_tutor, status="broken",
                                start_date=date(2026, 10, 1), break_date=date(2026, 12, 1))
    second = await make.contract(session, world, learner, company, my_tutor,
                                 start_date=date(2027, 1, 15))
    ids = {"enrolment": enrolment.id}
    ids["first_created"] = (await make.contract_event(
        session, world, first, kind="created", to_status="draft", on=date(2026, 9, 20))).id
    ids["first_broken"] = (await make.contract_event(
        session, world, first, from_status="registered", to_status="broken",
        on=date(2026, 12, 1), reason="Conflict with the employer")).id
    ids["second_signed"] = (await make.contract_event(
        session, world, second, from_status="draft", to_status="signed", on=date(2027, 1, 10))).id
    ids["tutor_change"] = (await make.contract_event(
        session, world, second, kind="tutor_change", on=date(2027, 3, 1),
        from_tutor_id=other_tutor.id, to_tutor_id=my_tutor.id)).id
    for visibility, on in [("internal", date(2026, 11, 5)), ("learner", date(2026, 11, 20)),
                           ("company", date(2027, 2, 1)), ("all", date(2027, 4, 2))]:
        row = await make.entry(session, world, learner, visibility=visibility, occurred_on=on,
                               summary=f"{visibility} entry", contract_id=None)
        ids[visibility] = row.id
    return Story(learner, ids)


async def test_everything_in_date_order_for_the_organisation(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    s = await story(session, world)
    answer = await client.get(url(s.learner.id), headers=world.coordinator.headers)
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert [(i["date"], i["kind"]) for i in items] == [
        ("2026-09-01", "enrolment_started"),
        ("2026-09-20", "contract_event"),
        ("2026-11-05", "follow_up_entry"),
        ("2026-11-20", "follow_up_entry"),
        ("2026-12-01", "contract_event"),
        ("2027-01-10", "contract_event"),
        ("2027-02-01", "follow_up_entry"),
        ("2027-03-01", "contract_event"),
        ("2027-04-02", "follow_up_entry"),
        ("2027-06-30", "enrolment_ended"),
    ]
    assert items[0]["summary"] == "Enrolled in BTS MCO 2026"
    assert items[0]["object_type"] == "enrolment" and items[0]["object_id"] == s.ids["enrolment"]
    broken = items[4]
    assert broken["object_id"] == s.ids["first_broken"]
    assert broken["details"]["to_status"] == "broken"
    assert "Conflict with the employer" in broken["summary"]
    assert items[-1]["details"]["ended_reason"] == "completed"
    assert items[2]["summary"] == "internal entry"
    for role in ("admin", "staff", "company_relations", "auditor", "referent"):
        same = await client.get(url(s.learner.id), headers=world[role].headers)
        assert len(same.json()["items"]) == 10, role


async def test_each_role_sees_only_its_part(
    client: httpx.AsyncClient, session: AsyncSession, world: World, other_world: World
) -> None:
    s = await story(session, world)

    async def seen(role: str) -> set[str]:
        answer = await client.get(url(s.learner.id), headers=world[role].headers)
        assert answer.status_code == 200, role
        return {i["object_id"] for i in answer.json()["items"]}

    everything = set(s.ids.values())
    first_contract = {s.ids["first_created"], s.ids["first_broken"]}
    # The tutor: only their contract's events, entries shared with the company.
    assert await seen("tutor") == everything - first_contract - {s.ids["internal"],
                                                                 s.ids["learner"]}
    # The learner: all their contracts, entries shared with them.
    assert await seen("learner") == everything - {s.ids["internal"], s.ids["company"]}
    # The prescriber: the contracts of whom they referred, entries shared with all.
    assert await seen("prescriber") == everything - {
        s.ids["internal"], s.ids["learner"], s.ids["company"]}
    for role in ("admin", "tutor"):
        foreign = await client.get(url(s.learner.id), headers=other_world[role].headers)
        assert foreign.status_code == 404


async def test_a_learner_outside_the_scope_has_no_timeline(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    stranger = await make.learner(session, world)
    for role in ("referent", "tutor", "learner", "prescriber"):
        answer = await client.get(url(stranger.id), headers=world[role].headers)
        assert answer.status_code == 404, role
    empty = await client.get(url(stranger.id), headers=world.staff.headers)
    assert empty.json() == {"items": []}


async def test_from_and_to_limit_the_period(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    s = await story(session, world)
    answer = await client.get(
        url(s.learner.id), params={"from": "2026-11-20", "to": "2027-01-10"},
        headers=world.staff.headers,
    )
    assert [i["date"] for i in answer.json()["items"]] == ["2026-11-20", "2026-12-01", "2027-01-10"]
    bad = await client.get(url(s.learner.id), params={"from": "soon"}, headers=world.staff.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "from"]


async def test_a_done_review_appears_planned_ones_do_not(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    s = await story(session, world)
    before = (await client.get(url(s.learner.id), headers=world.staff.headers)).json()["items"]
    # The second contract, tutored by world.tutor.
    tutored = next(i["contract_id"] for i in before if i["object_id"] == s.ids["second_signed"])
    done = Review(organisation_id=world.organisation.id, contract_id=tutored,
                  learner_id=s.learner.id, kind="visit", done_on=date(2027, 3, 15),
                  outcome="watch", summary="À suivre", signoffs=[{"role": "tutor"}])
    planned = Review(organisation_id=world.organisation.id, contract_id=tutored,
                     learner_id=s.learner.id, kind="mid_term", scheduled_on=date(2027, 3, 20))
    session.add_all([done, planned])
    await session.commit()
    answer = await client.get(url(s.learner.id), headers=world.coordinator.headers)
    items = answer.json()["items"]
    reviews = [i for i in items if i["kind"] == "review_done"]
    assert [(i["date"], i["object_type"], i["object_id"]) for i in reviews] == [
        ("2027-03-15", "review", done.id)
    ]
    assert reviews[0]["summary"] == "Company visit done (watch)"
    assert reviews[0]["contract_id"] == tutored
    assert reviews[0]["details"]["signed_by"] == ["tutor"]
    assert items.index(reviews[0]) == 8  # between the tutor change and the April entry
    for role, sees in (("tutor", True), ("learner", True), ("referent", True),
                       ("prescriber", False)):
        seen = await client.get(url(s.learner.id), headers=world[role].headers)
        assert (done.id in {i["object_id"] for i in seen.json()["items"]}) is sees, role
