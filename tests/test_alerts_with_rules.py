"""The workflow with the real rule catalogue: RULES.md scenarios through the scan endpoint and
through a change's trigger (the rules themselves are tested in tests/test_alert_rules_*)."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models import Alert
from app.services.alerts import scan as scanning
from tests import helpers_alert_workflow as h
from tests import helpers_learners as rows
from tests.factories import World


def _of(alerts: list[Alert], rule: str) -> list[Alert]:
    return [a for a in alerts if a.rule == rule]


async def test_no_employer_warns_at_day_60_escalates_at_90_and_clears_with_a_contract(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    cohort = await rows.cohort(session, world, start_date=date(2026, 9, 1))
    learner = await rows.learner(session, world, referent_id=world.referent.id)
    await rows.enrolment(session, world, learner, cohort, start_date=date(2026, 9, 1))
    rule = "no_employer_after_window"
    await h.scan(client, world, date(2026, 10, 30))
    assert _of(await h.alerts_of(session, world.organisation.id), rule) == []
    await h.scan(client, world, date(2026, 10, 31))
    [alert] = _of(await h.alerts_of(session, world.organisation.id), rule)
    assert (alert.severity, alert.owner_id) == ("warning", world.referent.id)
    assert alert.facts["days_without_contract"] == 60
    await h.scan(client, world, date(2026, 11, 30))
    [alert] = _of(await h.alerts_of(session, world.organisation.id), rule)
    assert alert.severity == "critical" and alert.facts["days_without_contract"] == 90
    english = await client.get(
        f"/api/v1/alerts/{alert.id}", headers={**world.referent.headers, "Accept-Language": "en"}
    )
    assert "90" in english.json()["explanation"]
    company, tutor = await rows.company_with_tutor(session, world)
    await rows.contract(
        session, world, learner, company, tutor, start_date=date(2026, 11, 20), status="signed"
    )
    before = await h.scan(client, world, date(2026, 11, 30))
    assert before["resolved"] >= 1
    [alert] = _of(await h.alerts_of(session, world.organisation.id), rule)
    assert (alert.status, alert.resolution) == ("resolved", "condition_cleared")
    again = await h.scan(client, world, date(2026, 11, 30))
    assert (again["opened"], again["updated"], again["resolved"]) == (0, 0, 0)


async def test_a_change_trigger_clears_an_overloaded_tutor(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    company, tutor = await rows.company_with_tutor(session, world)
    learners = [await rows.learner(session, world) for _ in range(3)]
    contracts = [
        await rows.contract(session, world, learner, company, tutor) for learner in learners
    ]
    await h.scan(client, world, h.local_today())
    [alert] = _of(await h.alerts_of(session, world.organisation.id), "tutor_overloaded")
    assert alert.subject_id == tutor.id and alert.facts["running_apprenticeships"] == 3
    ended = contracts[2]
    ended.status, ended.break_date = "broken", h.local_today() - timedelta(days=1)
    ended.break_initiator = "mutual"
    await session.commit()
    staff = Principal("user", world.staff.id, world.organisation.id, frozenset({"staff"}))
    counts = await scanning.trigger(session, staff, [ended.learner_id])
    await session.commit()
    assert counts.resolved >= 1
    [alert] = _of(await h.alerts_of(session, world.organisation.id), "tutor_overloaded")
    assert (alert.status, alert.resolution) == ("resolved", "condition_cleared")
