"""``tutor_overloaded``: the third running apprenticeship of one tutor."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import World
from tests.helpers_alerts import SEPT, Data, one, run

CODE = "tutor_overloaded"
AS_OF = date(2026, 11, 2)


async def test_scenario_a_third_running_apprenticeship_overloads_the_tutor(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    company = await data.company()
    tutor = await data.tutor(company)
    learners = [await data.learner() for _ in range(3)]
    first = await data.contract(learners[0], SEPT, company=company, tutor_id=tutor.id)
    second = await data.contract(learners[1], SEPT, company=company, tutor_id=tutor.id)
    # Not counted: other kinds, contracts not running (draft, ended, not started).
    await data.contract(
        learners[2], SEPT, company=company, tutor_id=tutor.id, kind="professionalisation"
    )
    await data.contract(learners[2], SEPT, company=company, tutor_id=tutor.id, status="draft")
    await data.contract(
        learners[2],
        date(2025, 9, 1),
        date(2026, 8, 31),
        company=company,
        tutor_id=tutor.id,
        status="completed",
    )
    await data.contract(
        learners[2], date(2027, 1, 1), company=company, tutor_id=tutor.id, status="signed"
    )
    await data.save()
    assert await run(session, world, CODE, AS_OF) == []

    third = await data.contract(
        learners[2], date(2026, 10, 1), company=company, tutor_id=tutor.id, status="signed"
    )
    await data.save()
    found = one(await run(session, world, CODE, AS_OF))
    assert (found.subject_type, found.subject_id, found.severity) == ("tutor", tutor.id, "warning")
    assert (found.company_id, found.learner_id, found.contract_id) == (company.id, None, None)
    assert found.owner_id == world.company_relations.id
    assert found.facts == {
        "running_apprenticeships": 3,
        "threshold": 2,
        "contract_ids": sorted([first.id, second.id, third.id]),
    }
    # Before the third started, the tutor was not overloaded.
    assert await run(session, world, CODE, date(2026, 9, 30)) == []
    assert await run(session, world, CODE, AS_OF, {"max_apprentices": 3}) == []

    # Ending one contract (a break taking effect) clears it.
    second.status, second.break_date = "broken", date(2026, 11, 1)
    await data.save()
    assert await run(session, world, CODE, AS_OF) == []
    # Read on a date before the break, the history still shows three.
    assert one(await run(session, world, CODE, date(2026, 10, 20)))


async def test_tutor_scope_follows_the_learners_contracts(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    company = await data.company(owner_id=None)
    tutor = await data.tutor(company)
    learners = [await data.learner() for _ in range(3)]
    for learner in learners:
        await data.contract(learner, SEPT, company=company, tutor_id=tutor.id)
    stranger = await data.learner()
    await data.contract(stranger, SEPT)
    await data.save()
    # One of the tutor's learners in scope: the tutor is evaluated, counting all contracts.
    found = one(await run(session, world, CODE, AS_OF, learner_ids=[learners[0].id]))
    assert found.facts["running_apprenticeships"] == 3
    # A company without owner: the coordinator.
    assert found.owner_id == world.coordinator.id
    assert await run(session, world, CODE, AS_OF, learner_ids=[stranger.id]) == []
    assert await run(session, world, CODE, AS_OF, learner_ids=[]) == []
