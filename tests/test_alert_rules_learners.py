"""Learner rules: no employer after the window, too long between contracts, no follow-up.

Dates are fixed: the cohort and enrolments start on 1 September 2026 (``SEPT``)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User, cohort_referents
from tests.factories import World
from tests.helpers_alerts import SEPT, Data, one, run

NO_EMPLOYER = "no_employer_after_window"
BETWEEN = "between_contracts_too_long"


async def test_scenario_enrolled_without_contract_warning_at_day_60_critical_at_day_90(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner()
    await data.save()

    assert await run(session, world, NO_EMPLOYER, date(2026, 10, 30)) == []
    warning = one(await run(session, world, NO_EMPLOYER, date(2026, 10, 31)))
    assert (warning.subject_type, warning.subject_id) == ("learner", learner.id)
    assert warning.learner_id == learner.id
    assert warning.severity == "warning"
    assert warning.owner_id == world.referent.id
    assert warning.facts == {
        "days_without_contract": 60,
        "threshold_days": 60,
        "enrolled_on": "2026-09-01",
        "without_contract_since": "2026-09-01",
    }
    critical = one(await run(session, world, NO_EMPLOYER, date(2026, 11, 30)))
    assert critical.severity == "critical"
    assert critical.facts["days_without_contract"] == 90
    assert critical.facts["threshold_days"] == 90

    # Signing a contract that is running makes the condition no longer hold.
    await data.contract(learner, start=date(2026, 11, 16), status="signed")
    await data.save()
    assert await run(session, world, NO_EMPLOYER, date(2026, 11, 30)) == []
    # A signed contract that has not started yet is not running: still without employer.
    assert await run(session, world, NO_EMPLOYER, date(2026, 11, 15)) != []


async def test_no_employer_thresholds_are_parameters(session: AsyncSession, world: World) -> None:
    data = Data(session, world)
    await data.enrolled_learner()
    await data.save()
    params = {"warning_days": 30, "critical_days": 45}
    assert await run(session, world, NO_EMPLOYER, date(2026, 9, 30), params) == []
    found = one(await run(session, world, NO_EMPLOYER, date(2026, 10, 1), params))
    assert (found.severity, found.facts["threshold_days"]) == ("warning", 30)
    found = one(await run(session, world, NO_EMPLOYER, date(2026, 10, 16), params))
    assert (found.severity, found.facts["threshold_days"]) == ("critical", 45)


async def test_no_employer_ignores_ended_enrolments_and_draft_contracts(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    left = await data.learner()
    await data.enrol(left, end_date=date(2026, 10, 15), ended_reason="dropped_out")
    drafted = await data.enrolled_learner()
    await data.contract(drafted, start=date(2026, 9, 15), status="draft")
    not_yet = await data.learner()
    await data.enrol(not_yet, start=date(2026, 12, 1))
    await data.save()
    found = await run(session, world, NO_EMPLOYER, date(2026, 11, 30))
    assert {f.subject_id for f in found} == {drafted.id}


async def test_no_employer_counts_from_the_end_of_a_contract_ended_during_the_enrolment(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner()
    await data.contract(learner, date(2026, 8, 1), date(2026, 10, 31), status="completed")
    await data.save()
    assert await run(session, world, NO_EMPLOYER, date(2026, 12, 29)) == []
    found = one(await run(session, world, NO_EMPLOYER, date(2026, 12, 30)))
    assert found.facts["without_contract_since"] == "2026-10-31"
    assert found.facts["days_without_contract"] == 60


async def test_owner_falls_back_to_cohort_referent_then_coordinator(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    cohort = await data.main_cohort()
    orphan = await data.enrolled_learner(referent_id=None)
    await data.save()
    found = one(await run(session, world, NO_EMPLOYER, date(2026, 11, 1)))
    assert found.owner_id == world.coordinator.id
    await session.execute(
        cohort_referents.insert().values(cohort_id=cohort.id, user_id=world.staff.id)
    )
    await data.save()
    assert one(await run(session, world, NO_EMPLOYER, date(2026, 11, 1))).owner_id == (
        world.staff.id
    )
    # An inactive referent is skipped.
    followed = await data.enrolled_learner()
    await session.execute(update(User).where(User.id == world.referent.id).values(active=False))
    await data.save()
    found_all = await run(session, world, NO_EMPLOYER, SEPT + timedelta(days=61))
    owners = {f.subject_id: f.owner_id for f in found_all}
    assert owners == {orphan.id: world.staff.id, followed.id: world.staff.id}


async def test_between_contracts_after_a_break(session: AsyncSession, world: World) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner()
    company = await data.company()
    broken = await data.contract(
        learner, SEPT, status="broken", break_date=date(2026, 10, 15), company=company
    )
    await data.save()
    # While broken, the learner is left to this rule, not to no_employer_after_window.
    assert await run(session, world, NO_EMPLOYER, date(2027, 3, 1)) == []
    day = date(2026, 10, 15)
    assert await run(session, world, BETWEEN, day + timedelta(days=119)) == []
    warning = one(await run(session, world, BETWEEN, day + timedelta(days=120)))
    assert warning.severity == "warning"
    assert (warning.learner_id, warning.contract_id, warning.company_id) == (
        learner.id,
        broken.id,
        company.id,
    )
    assert warning.owner_id == world.company_relations.id
    assert warning.facts == {
        "days_since_break": 120,
        "threshold_days": 120,
        "broken_on": "2026-10-15",
        "enrolled_on": "2026-09-01",
    }
    critical = one(await run(session, world, BETWEEN, day + timedelta(days=180)))
    assert (critical.severity, critical.facts["threshold_days"]) == ("critical", 180)
    assert await run(session, world, BETWEEN, day + timedelta(days=180), {"critical_days": 200})

    # A company without an (active) owner: the coordinator.
    company.owner_id = None
    await data.save()
    assert one(await run(session, world, BETWEEN, day + timedelta(days=130))).owner_id == (
        world.coordinator.id
    )
    # A new running contract clears it.
    await data.contract(learner, date(2027, 2, 1), status="signed")
    await data.save()
    assert await run(session, world, BETWEEN, day + timedelta(days=130)) == []


async def test_a_break_before_the_enrolment_counts_as_no_employer(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner()
    await data.contract(learner, date(2025, 9, 1), status="broken", break_date=date(2026, 1, 10))
    await data.save()
    assert await run(session, world, BETWEEN, date(2026, 11, 1)) == []
    found = one(await run(session, world, NO_EMPLOYER, date(2026, 11, 1)))
    assert found.facts["without_contract_since"] == "2026-09-01"


async def test_no_follow_up_by_the_team(session: AsyncSession, world: World) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner()
    await data.save()
    # Enrolled less than 60 days ago: not yet.
    assert await run(session, world, "no_follow_up", date(2026, 10, 30)) == []
    found = one(await run(session, world, "no_follow_up", date(2026, 10, 31)))
    assert (found.severity, found.owner_id) == ("info", world.referent.id)
    assert found.facts == {
        "days_without_follow_up": 60,
        "threshold_days": 60,
        "last_follow_up_on": None,
        "enrolled_on": "2026-09-01",
    }
    # Entries by the tutor or the learner are not follow-up by the team.
    await data.entry(learner, date(2026, 10, 20), author="tutor")
    await data.entry(learner, date(2026, 10, 21), author="learner")
    await data.save()
    assert await run(session, world, "no_follow_up", date(2026, 10, 31)) != []
    await data.entry(learner, date(2026, 10, 1), author="referent")
    await data.save()
    assert await run(session, world, "no_follow_up", date(2026, 10, 31)) == []
    found = one(await run(session, world, "no_follow_up", date(2026, 11, 30)))
    assert found.facts["last_follow_up_on"] == "2026-10-01"
    assert found.facts["days_without_follow_up"] == 60
    assert await run(session, world, "no_follow_up", date(2026, 11, 30), {"days": 61}) == []
