"""Rules on the follow-up of running contracts: trial period check-in, two-month interview,
end of contract review, company visits."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import World
from tests.helpers_alerts import SEPT, Data, one, run

OCT1 = date(2026, 10, 1)


def day(start: date, n: int) -> date:
    return start + timedelta(days=n)


async def test_trial_period_check_between_day_30_and_the_end_of_the_period(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner()
    contract = await data.contract(learner, date(2026, 9, 25), practical_start_date=OCT1)
    await data.save()
    code = "trial_period_check"
    assert await run(session, world, code, day(OCT1, 29)) == []
    found = one(await run(session, world, code, day(OCT1, 30)))
    assert (found.subject_id, found.severity, found.owner_id) == (
        contract.id,
        "warning",
        world.referent.id,
    )
    assert found.facts == {
        "days_in_company": 30,
        "threshold_days": 30,
        "trial_period_days": 45,
        "days_left": 15,
        "practical_start_date": "2026-10-01",
        "practical_start_recorded": True,
    }
    assert one(await run(session, world, code, day(OCT1, 44))).facts["days_left"] == 1
    # Day 45 is past the free-break period (contract_lifecycle.within_trial_period).
    assert await run(session, world, code, day(OCT1, 45)) == []
    assert one(await run(session, world, code, day(OCT1, 20), {"from_day": 20}))

    # An entry about another company does not count; one with this company does.
    other = await data.company()
    await data.entry(learner, day(OCT1, 10), company_id=other.id)
    await data.save()
    assert await run(session, world, code, day(OCT1, 30)) != []
    await data.entry(learner, day(OCT1, 10), company_id=contract.company_id)
    await data.save()
    assert await run(session, world, code, day(OCT1, 30)) == []


async def test_trial_period_check_counts_a_done_review_and_only_apprenticeships(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    reviewed = await data.contract(await data.learner(), OCT1)
    await data.review(reviewed, "visit", scheduled_on=day(OCT1, 5))  # planned, not done
    await data.contract(await data.learner(), OCT1, kind="professionalisation")
    unrecorded = await data.contract(await data.learner(), OCT1)  # no practical start: start
    await data.save()
    found = await run(session, world, "trial_period_check", day(OCT1, 31))
    assert {f.subject_id for f in found} == {reviewed.id, unrecorded.id}
    assert one(found, unrecorded.id).facts["practical_start_recorded"] is False
    await data.review(reviewed, "two_month_interview", done_on=day(OCT1, 20))
    await data.save()
    assert {
        f.subject_id for f in await run(session, world, "trial_period_check", day(OCT1, 31))
    } == {unrecorded.id}


async def test_two_month_interview_missing_escalates_at_75_days(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    contract = await data.contract(await data.learner(), SEPT)
    await data.contract(await data.learner(), SEPT, kind="internship")
    ended = await data.learner()
    await data.contract(ended, date(2026, 3, 1), status="broken", break_date=date(2026, 8, 1))
    await data.save()
    code = "two_month_interview_missing"
    assert await run(session, world, code, day(SEPT, 59)) == []
    found = one(await run(session, world, code, day(SEPT, 60)))
    assert (found.subject_id, found.severity, found.owner_id) == (
        contract.id,
        "warning",
        world.referent.id,
    )
    assert found.facts == {"days_since_start": 60, "threshold_days": 60, "start_date": "2026-09-01"}
    critical = one(await run(session, world, code, day(SEPT, 75)))
    assert (critical.severity, critical.facts["threshold_days"]) == ("critical", 75)
    # Scheduled is not done; done is.
    interview = await data.review(contract, "two_month_interview", scheduled_on=day(SEPT, 50))
    await data.save()
    assert await run(session, world, code, day(SEPT, 75)) != []
    interview.done_on = day(SEPT, 70)
    await data.save()
    assert await run(session, world, code, day(SEPT, 75)) == []
    # As of a date before it was done, it was still missing.
    assert await run(session, world, code, day(SEPT, 65)) != []


async def test_contract_ending_soon_without_end_review(session: AsyncSession, world: World) -> None:
    data = Data(session, world)
    end = date(2027, 6, 30)
    contract = await data.contract(await data.learner(), SEPT, end)
    await data.save()
    code = "contract_ending_soon"
    assert await run(session, world, code, day(end, -61)) == []
    found = one(await run(session, world, code, day(end, -60)))
    assert (found.subject_id, found.severity, found.owner_id) == (
        contract.id,
        "info",
        world.referent.id,
    )
    assert found.facts == {"days_to_end": 60, "threshold_days": 60, "end_date": "2027-06-30"}
    assert one(await run(session, world, code, day(end, -61), {"within_days": 90}))
    # Past its end, the contract no longer runs.
    assert await run(session, world, code, day(end, 1)) == []
    await data.review(contract, "end_of_contract", scheduled_on=day(end, -10))
    await data.save()
    assert await run(session, world, code, day(end, -30)) == []


async def test_visit_overdue_after_90_days_without_visit(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    contract = await data.contract(await data.learner(), SEPT)
    await data.save()
    code = "visit_overdue"
    assert await run(session, world, code, day(SEPT, 89)) == []
    found = one(await run(session, world, code, day(SEPT, 90)))
    assert (found.subject_id, found.severity, found.owner_id) == (
        contract.id,
        "warning",
        world.referent.id,
    )
    assert found.facts == {
        "reasons": ["no_recent_visit"],
        "days_running": 90,
        "threshold_days": 90,
        "last_visit_on": None,
        "days_since_last_visit": None,
        "missed_review_kind": None,
        "missed_review_scheduled_on": None,
    }
    visited = date(2026, 10, 15)
    await data.review(contract, "visit", done_on=visited)
    await data.save()
    assert await run(session, world, code, day(SEPT, 90)) == []
    assert await run(session, world, code, day(visited, 89)) == []
    again = one(await run(session, world, code, day(visited, 90)))
    assert again.facts["last_visit_on"] == "2026-10-15"
    assert again.facts["days_since_last_visit"] == 90
    assert await run(session, world, code, day(visited, 90), {"days": 120}) == []


async def test_visit_overdue_when_a_scheduled_review_was_missed(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    contract = await data.contract(await data.learner(), SEPT)
    planned = await data.review(contract, "mid_term", scheduled_on=date(2026, 10, 20))
    await data.save()
    code = "visit_overdue"
    assert await run(session, world, code, date(2026, 10, 20)) == []
    found = one(await run(session, world, code, date(2026, 10, 21)))
    assert found.facts["reasons"] == ["missed_scheduled_review"]
    assert found.facts["missed_review_kind"] == "mid_term"
    assert found.facts["missed_review_scheduled_on"] == "2026-10-20"
    planned.done_on = date(2026, 10, 22)
    await data.save()
    assert await run(session, world, code, date(2026, 10, 23)) == []
