"""Contract paperwork rules: not filed, OPCO decision late, apprentice's age, sensitive
company placement."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User
from app.services.alerts.rules.contract_not_filed import working_days_between
from tests.factories import World
from tests.helpers_alerts import SEPT, Data, one, run

OCT1 = date(2026, 10, 1)


async def test_scenario_contract_still_signed_a_week_after_its_start_is_not_filed(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner()
    contract = await data.contract(learner, OCT1, status="signed")
    await data.save()

    assert await run(session, world, "contract_not_filed", date(2026, 10, 6)) == []
    found = one(await run(session, world, "contract_not_filed", date(2026, 10, 7)))
    assert (found.subject_type, found.subject_id, found.severity) == (
        "contract",
        contract.id,
        "critical",
    )
    assert (found.learner_id, found.contract_id, found.company_id) == (
        learner.id,
        contract.id,
        contract.company_id,
    )
    assert found.owner_id == world.staff.id
    assert found.facts == {
        "days_since_start": 6,
        "threshold_days": 5,
        "day_count": "calendar",
        "start_date": "2026-10-01",
        "status": "signed",
    }
    contract.status = "filed"
    await data.save()
    assert await run(session, world, "contract_not_filed", date(2026, 10, 7)) == []


async def test_contract_not_filed_working_days_and_staff_fallback(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner()
    await data.contract(learner, OCT1, status="draft")  # a Thursday
    await session.execute(update(User).where(User.id == world.staff.id).values(active=False))
    await data.save()
    params = {"working_days": True}
    # Fri 2, Mon 5, Tue 6, Wed 7: 4 working days.
    assert await run(session, world, "contract_not_filed", date(2026, 10, 7), params) == []
    found = one(await run(session, world, "contract_not_filed", date(2026, 10, 9), params))
    assert found.facts["days_since_start"] == 6
    assert found.facts["day_count"] == "working"
    # No active staff member: the coordinator owns it.
    assert found.owner_id == world.coordinator.id
    assert one(await run(session, world, "contract_not_filed", date(2026, 10, 9), {"max_days": 7}))
    assert await run(session, world, "contract_not_filed", date(2026, 10, 9), {"max_days": 8}) == []


def test_working_days_between() -> None:
    thursday = date(2026, 10, 1)
    assert working_days_between(thursday, thursday) == 0
    assert working_days_between(thursday, date(2026, 10, 4)) == 1  # Fri; Sat, Sun do not count
    assert working_days_between(thursday, date(2026, 10, 15)) == 10
    assert working_days_between(thursday, date(2026, 9, 1)) == 0


async def test_opco_decision_late_counts_from_the_last_filing(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner()
    contract = await data.contract(learner, SEPT, status="filed")
    await data.event(contract, "filed", date(2026, 9, 5))
    await data.event(contract, "rejected", date(2026, 9, 20))
    await data.event(contract, "filed", date(2026, 10, 10))
    unknown = await data.contract(await data.enrolled_learner(), date(2026, 10, 2), status="filed")
    await data.save()

    assert await run(session, world, "opco_decision_late", date(2026, 10, 22)) == []
    found = await run(session, world, "opco_decision_late", date(2026, 10, 30))
    # Without a filing event, the count starts at the contract's start (28 days).
    assert one(found).subject_id == unknown.id
    assert one(found).facts == {
        "days_since_filed": 28,
        "threshold_days": 20,
        "filed_on": None,
        "counted_from": "2026-10-02",
    }
    late = one(await run(session, world, "opco_decision_late", date(2026, 10, 31)), contract.id)
    assert (late.severity, late.owner_id) == ("warning", world.staff.id)
    assert late.facts["days_since_filed"] == 21
    assert late.facts["filed_on"] == "2026-10-10"
    contract.status = "registered"
    await data.save()
    assert contract.id not in {
        f.subject_id for f in await run(session, world, "opco_decision_late", date(2026, 10, 31))
    }


async def test_apprentice_age_out_of_range_at_the_start(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    cases = {
        date(1996, 9, 2): False,  # 29 on 1 Sept 2026 (30 the next day)
        date(1996, 9, 1): True,  # 30 that very day
        date(2010, 9, 1): False,  # 16 that very day
        date(2010, 9, 2): True,  # 15
    }
    contracts = {}
    for birth, flagged in cases.items():
        learner = await data.learner(birth_date=birth)
        contracts[(await data.contract(learner, SEPT, status="signed")).id] = (birth, flagged)
    # Not flagged: no birth date; not an apprenticeship; over.
    await data.contract(await data.learner(birth_date=None), SEPT)
    old = await data.learner(birth_date=date(1980, 1, 1))
    await data.contract(old, SEPT, kind="professionalisation")
    await data.contract(old, date(2024, 9, 1), date(2026, 6, 30), status="completed")
    await data.save()

    found = {
        f.subject_id: f for f in await run(session, world, "apprentice_age_out_of_range", SEPT)
    }
    assert set(found) == {cid for cid, (_, flagged) in contracts.items() if flagged}
    thirty = next(f for f in found.values() if f.facts["birth_date"] == "1996-09-01")
    assert thirty.facts == {
        "age_at_start": 30,
        "min_age": 16,
        "max_age": 29,
        "birth_date": "1996-09-01",
        "start_date": "2026-09-01",
    }
    assert (thirty.severity, thirty.owner_id) == ("warning", world.staff.id)
    widened = await run(session, world, "apprentice_age_out_of_range", SEPT, {"max_age": 35})
    assert [f.facts["age_at_start"] for f in widened] == [15]


async def test_sensitive_company_placement(session: AsyncSession, world: World) -> None:
    data = Data(session, world)
    sensitive = await data.company(sensitive=True, sensitive_reason="turnover")
    breaking = await data.company()
    calm = await data.company()
    on_sensitive = await data.contract(
        await data.learner(), SEPT, company=sensitive, status="draft"
    )
    on_breaking = await data.contract(await data.learner(), SEPT, company=breaking)
    on_calm = await data.contract(await data.learner(), SEPT, company=calm)
    for broke_on in (date(2025, 11, 1), date(2026, 3, 1)):
        await data.contract(
            await data.learner(),
            date(2025, 9, 1),
            status="broken",
            break_date=broke_on,
            company=breaking,
        )
    # A break over a year old does not count.
    await data.contract(
        await data.learner(),
        date(2024, 9, 1),
        status="broken",
        break_date=date(2025, 2, 1),
        company=calm,
    )
    await data.contract(
        await data.learner(),
        date(2025, 9, 1),
        status="broken",
        break_date=date(2026, 2, 1),
        company=calm,
    )
    await data.save()

    found = {
        f.subject_id: f for f in await run(session, world, "sensitive_company_placement", SEPT)
    }
    assert set(found) == {on_sensitive.id, on_breaking.id}
    assert on_calm.id not in found
    assert found[on_sensitive.id].facts == {
        "company_sensitive": True,
        "sensitive_reason": "turnover",
        "breaks_last_year": 0,
        "threshold_breaks": 2,
        "window_days": 365,
        "contract_status": "draft",
    }
    assert found[on_breaking.id].facts["breaks_last_year"] == 2
    assert found[on_breaking.id].owner_id == world.company_relations.id
    assert found[on_breaking.id].company_id == breaking.id
    # Later, the November break leaves the window.
    later = {
        f.subject_id
        for f in await run(session, world, "sensitive_company_placement", date(2026, 11, 2))
    }
    assert later == {on_sensitive.id}
    lenient = await run(session, world, "sensitive_company_placement", SEPT, {"min_breaks": 1})
    assert {f.subject_id for f in lenient} == {on_sensitive.id, on_breaking.id, on_calm.id}
