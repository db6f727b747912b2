"""Learner rules on attendance and on the follow-up after a completed contract."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.services.alerts.rules.post_contract_follow_up_due import checkpoint
from tests.factories import World
from tests.helpers_alerts import Data, one, run

AS_OF = date(2026, 11, 30)
ENDED = date(2027, 6, 30)


async def test_absences_threshold_counts_unjustified_half_days_of_the_last_30_days(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner()
    for n in range(3):
        await data.absence(learner, AS_OF - timedelta(days=n), "am")
    # Not counted: justified, excused, late, present, or older than 30 days.
    await data.absence(learner, AS_OF, "pm", justified=True)
    await data.absence(learner, AS_OF - timedelta(days=3), "am", status="excused")
    await data.absence(learner, AS_OF - timedelta(days=4), "am", status="late")
    await data.absence(learner, AS_OF - timedelta(days=5), "am", status="present")
    await data.absence(learner, AS_OF - timedelta(days=30), "am")
    await data.save()
    code = "absences_threshold"
    assert await run(session, world, code, AS_OF) == []
    await data.absence(learner, AS_OF - timedelta(days=29), "session")
    await data.save()
    found = one(await run(session, world, code, AS_OF))
    assert (found.subject_id, found.severity, found.owner_id) == (
        learner.id,
        "warning",
        world.referent.id,
    )
    assert found.facts == {
        "unjustified_absences": 4,
        "threshold": 4,
        "window_days": 30,
        "since": "2026-11-01",
    }
    for n in range(4):
        await data.absence(learner, AS_OF - timedelta(days=10 + n), "pm")
    await data.save()
    critical = one(await run(session, world, code, AS_OF))
    assert (critical.severity, critical.facts["threshold"]) == ("critical", 8)
    assert critical.facts["unjustified_absences"] == 8
    relaxed = one(
        await run(session, world, code, AS_OF, {"warning_count": 6, "critical_count": 10})
    )
    assert (relaxed.severity, relaxed.facts["threshold"]) == ("warning", 6)
    # A month later, they have all left the window.
    assert await run(session, world, code, AS_OF + timedelta(days=30)) == []


def test_checkpoints_each_need_their_own_entry() -> None:
    points = [30, 90, 180]
    assert checkpoint(ENDED, ENDED + timedelta(days=22), points, 7) is None
    assert checkpoint(ENDED, ENDED + timedelta(days=23), points, 7) == (30, ENDED)
    assert checkpoint(ENDED, ENDED + timedelta(days=37), points, 7) == (30, ENDED)
    assert checkpoint(ENDED, ENDED + timedelta(days=38), points, 7) is None
    # For 90 days, an entry counts from the day after the 30-day window closed (day 38).
    assert checkpoint(ENDED, ENDED + timedelta(days=90), points, 7) == (
        90,
        ENDED + timedelta(days=38),
    )
    assert checkpoint(ENDED, ENDED + timedelta(days=187), points, 7) == (
        180,
        ENDED + timedelta(days=98),
    )


async def test_post_contract_follow_up_due_at_30_90_and_180_days(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.learner()
    contract = await data.contract(learner, date(2025, 9, 1), ENDED, status="completed")
    # A contract ended on the same day but broken, and one still running: never due.
    await data.contract(await data.learner(), date(2025, 9, 1), status="broken", break_date=ENDED)
    await data.save()
    code = "post_contract_follow_up_due"
    assert await run(session, world, code, ENDED + timedelta(days=22)) == []
    found = one(await run(session, world, code, ENDED + timedelta(days=23)))
    assert (found.subject_type, found.subject_id, found.contract_id) == (
        "learner",
        learner.id,
        contract.id,
    )
    assert (found.severity, found.owner_id) == ("info", world.referent.id)
    assert found.facts == {
        "days_since_end": 23,
        "checkpoint_days": 30,
        "tolerance_days": 7,
        "contract_ended_on": "2027-06-30",
        "last_post_contract_entry_on": None,
    }
    assert await run(session, world, code, ENDED + timedelta(days=60)) == []
    # Only ``post_contract`` entries count.
    await data.entry(learner, ENDED + timedelta(days=25), kind="call")
    await data.save()
    assert await run(session, world, code, ENDED + timedelta(days=30)) != []
    await data.entry(learner, ENDED + timedelta(days=28), kind="post_contract")
    await data.save()
    assert await run(session, world, code, ENDED + timedelta(days=30)) == []
    # The 30-day entry does not answer the 90-day checkpoint...
    due = one(await run(session, world, code, ENDED + timedelta(days=90)))
    assert due.facts["checkpoint_days"] == 90
    assert due.facts["last_post_contract_entry_on"] == "2027-07-28"
    # ...a later one does.
    await data.entry(learner, ENDED + timedelta(days=85), kind="post_contract")
    await data.save()
    assert await run(session, world, code, ENDED + timedelta(days=90)) == []
    assert one(await run(session, world, code, ENDED + timedelta(days=180)))
    assert await run(session, world, code, ENDED + timedelta(days=180), {"third_days": 365}) == []
