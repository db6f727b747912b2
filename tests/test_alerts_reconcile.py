"""Reconciliation: findings become alerts, one per (rule, subject), kept in line with the data,
and a second run on the same data changes nothing."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models import Alert, AlertEvent, AuditEvent
from app.services.alerts import scan as scanning
from app.services.alerts.reconcile import Counts
from tests import helpers_alert_workflow as h
from tests.factories import World


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> h.FakeRules:
    return h.install(monkeypatch)


async def _history(session: AsyncSession, alert_id: str) -> list[AlertEvent]:
    found = await session.scalars(
        select(AlertEvent).where(AlertEvent.alert_id == alert_id).order_by(AlertEvent.created_at)
    )
    return list(found)


async def test_open_update_clear_and_rescans_are_no_ops(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine, days=61, threshold=60))
    assert await h.scan(client, world) == {
        "as_of": h.AS_OF.isoformat(),
        "opened": 1,
        "updated": 0,
        "resolved": 0,
    }
    [alert] = await h.alerts_of(session, world.organisation.id)
    assert (alert.rule, alert.subject_type, alert.subject_id) == (
        h.LEARNER_RULE,
        "learner",
        scene.mine.id,
    )
    assert alert.status == "open" and alert.severity == "warning"
    assert alert.learner_id == scene.mine.id
    assert alert.owner_id == world.coordinator.id  # nobody named: the coordinator
    assert alert.due_on == h.AS_OF + timedelta(days=10)  # the rule's due_in_days
    assert alert.facts == {"days": 61, "threshold": 60}
    [opened] = await _history(session, alert.id)
    assert opened.kind == "opened" and opened.actor_id == world.coordinator.id
    before = await h.footprint(session)
    again = await h.scan(client, world)
    assert (again["opened"], again["updated"], again["resolved"]) == (0, 0, 0)
    assert await h.footprint(session) == before

    rules.hold(h.on_learner(scene.mine, "critical", days=91, threshold=90))
    assert (await h.scan(client, world))["updated"] == 1
    [alert] = await h.alerts_of(session, world.organisation.id)
    assert alert.severity == "critical" and alert.facts["days"] == 91 and alert.version == 2
    updated = (await _history(session, alert.id))[-1]
    assert updated.kind == "updated"
    assert updated.data["severity"] == {"from": "warning", "to": "critical"}
    before = await h.footprint(session)
    assert (await h.scan(client, world))["updated"] == 0
    assert await h.footprint(session) == before

    rules.hold()
    assert (await h.scan(client, world))["resolved"] == 1
    [alert] = await h.alerts_of(session, world.organisation.id)
    assert alert.status == "resolved" and alert.resolution == "condition_cleared"
    assert alert.resolved_at is not None
    assert (await _history(session, alert.id))[-1].kind == "resolved"
    before = await h.footprint(session)
    assert (await h.scan(client, world))["resolved"] == 0
    assert await h.footprint(session) == before

    rules.hold(h.on_learner(scene.mine))
    assert (await h.scan(client, world))["opened"] == 1  # a new occurrence, a new alert
    assert len(await h.alerts_of(session, world.organisation.id)) == 2
    audit = await session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == alert.id))
    assert sorted(audit) == ["create", "resolve", "update"]


async def test_the_rule_names_the_owner_and_acknowledged_alerts_stay_acknowledged(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine, owner_id=world.referent.id))
    await h.scan(client, world)
    [alert] = await h.alerts_of(session, world.organisation.id)
    assert alert.owner_id == world.referent.id
    url = f"/api/v1/alerts/{alert.id}/acknowledge"
    assert (await client.post(url, headers=world.referent.headers)).status_code == 200
    rules.hold(h.on_learner(scene.mine, owner_id=world.staff.id, days=70, threshold=60))
    assert (await h.scan(client, world))["updated"] == 1
    [alert] = await h.alerts_of(session, world.organisation.id)
    assert alert.status == "acknowledged" and alert.facts["days"] == 70
    assert alert.owner_id == world.referent.id  # an open alert keeps its owner
    rules.hold()
    assert (await h.scan(client, world))["resolved"] == 1


async def test_a_snoozed_dismissal_stays_quiet_until_its_date_then_a_new_alert_opens(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    today = h.local_today()
    rules.hold(h.on_learner(scene.mine))
    await h.scan(client, world, today)
    [alert] = await h.alerts_of(session, world.organisation.id)
    until = today + timedelta(days=20)
    dismissed = await client.post(
        f"/api/v1/alerts/{alert.id}/dismiss",
        json={"reason": "Déjà vu avec la famille", "snoozed_until": until.isoformat()},
        headers=world.coordinator.headers,
    )
    assert dismissed.status_code == 200, dismissed.text
    before = await h.footprint(session)
    for day in (today, until - timedelta(days=1)):
        quiet = await h.scan(client, world, day)
        assert (quiet["opened"], quiet["updated"], quiet["resolved"]) == (0, 0, 0)
    assert await h.footprint(session) == before
    assert (await h.scan(client, world, until))["opened"] == 1
    statuses = [a.status for a in await h.alerts_of(session, world.organisation.id)]
    assert statuses == ["dismissed", "open"]


async def test_a_dismissal_without_date_is_quiet_while_the_condition_holds(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine))
    await h.scan(client, world)
    [alert] = await h.alerts_of(session, world.organisation.id)
    url = f"/api/v1/alerts/{alert.id}/dismiss"
    answer = await client.post(url, json={"reason": "Faux positif"}, headers=world.staff.headers)
    assert answer.json()["resolution"] == "dismissed" and answer.json()["snoozed_until"] is None
    assert (await h.scan(client, world, h.AS_OF + timedelta(days=30)))["opened"] == 0
    rules.hold()  # the situation ends: the dismissal has done its job
    assert await h.scan(client, world) == {
        "as_of": h.AS_OF.isoformat(),
        "opened": 0,
        "updated": 0,
        "resolved": 0,
    }
    [alert] = await h.alerts_of(session, world.organisation.id)
    assert alert.status == "dismissed" and alert.snoozed_until == h.AS_OF
    assert (await _history(session, alert.id))[-1].kind == "quiet_ended"
    before = await h.footprint(session)
    await h.scan(client, world)
    assert await h.footprint(session) == before
    rules.hold(h.on_learner(scene.mine))  # it happens again: news
    assert (await h.scan(client, world, h.AS_OF + timedelta(days=1)))["opened"] == 1


async def test_disabling_a_rule_resolves_its_alerts_and_stops_evaluating_it(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine), h.on_contract(scene.contract))
    assert (await h.scan(client, world))["opened"] == 2
    off = await client.patch(
        f"/api/v1/alert-rules/{h.LEARNER_RULE}",
        json={"enabled": False},
        headers=world.coordinator.headers,
    )
    assert off.status_code == 200 and off.json()["enabled"] is False
    assert (await h.scan(client, world))["resolved"] == 1
    scope, settings = rules.calls[-1]
    assert settings[h.LEARNER_RULE][0] is False and settings[h.CONTRACT_RULE][0] is True
    by_rule = {a.rule: a for a in await h.alerts_of(session, world.organisation.id)}
    assert by_rule[h.LEARNER_RULE].resolution == "rule_disabled"
    assert by_rule[h.CONTRACT_RULE].status == "open"


async def test_trigger_reconciles_only_what_the_change_touched(
    session: AsyncSession, world: World, rules: h.FakeRules, client: httpx.AsyncClient
) -> None:
    scene = await h.scene(session, world)
    rules.hold(
        h.on_learner(scene.mine),
        h.on_learner(scene.other),
        h.on_contract(scene.contract),
        h.on_tutor(scene.tutor),
        h.on_company(scene.company),
    )
    assert (await h.scan(client, world))["opened"] == 5
    staff = Principal("user", world.staff.id, world.organisation.id, frozenset({"staff"}))
    calls = len(rules.calls)
    assert await scanning.trigger(session, staff, []) == Counts()
    assert await scanning.trigger(session, staff, [None]) == Counts()
    assert len(rules.calls) == calls  # nothing to do: not even an evaluation
    rules.hold()  # nothing holds any more, but only mine's change is re-evaluated
    counts = await scanning.trigger(session, staff, [scene.mine.id, scene.mine.id])
    await session.commit()
    assert counts == Counts(resolved=4)  # mine, its contract, its tutor, its company
    scope, _ = rules.calls[-1]
    assert list(scope.learner_ids or []) == [scene.mine.id]
    assert scope.as_of == h.local_today()
    still = [a for a in await h.alerts_of(session, world.organisation.id) if a.status == "open"]
    assert [a.subject_id for a in still] == [scene.other.id]
    actors = await session.scalars(
        select(AuditEvent.actor_id).where(
            AuditEvent.object_type == "alert", AuditEvent.action == "resolve"
        )
    )
    assert set(actors) == {world.staff.id}  # the person whose change it was


async def test_a_bulk_change_re_evaluates_the_whole_organisation(
    session: AsyncSession,
    world: World,
    rules: h.FakeRules,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scene = await h.scene(session, world)
    monkeypatch.setattr(scanning, "MAX_TRIGGER_LEARNERS", 1)
    staff = Principal("user", world.staff.id, world.organisation.id, frozenset({"staff"}))
    rules.hold(h.on_learner(scene.mine), h.on_learner(scene.other))
    counts = await scanning.trigger(session, staff, [scene.mine.id, scene.other.id])
    await session.commit()
    assert counts == Counts(opened=2)
    scope, _ = rules.calls[-1]
    assert scope.learner_ids is None


async def test_the_database_refuses_a_raced_duplicate(
    client: httpx.AsyncClient, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    """Two triggers racing cannot both open the same alert: a partial unique index keeps one
    live alert per (rule, subject); the losing request fails whole and changes nothing."""
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine))
    await h.scan(client, world)
    [first] = await h.alerts_of(session, world.organisation.id)
    twin = Alert(
        organisation_id=world.organisation.id,
        rule=first.rule,
        subject_type="learner",
        subject_id=scene.mine.id,
        learner_id=scene.mine.id,
        severity="warning",
        status="open",
        facts=dict(first.facts),
        opened_at=first.opened_at + timedelta(seconds=1),
    )
    organisation_id = world.organisation.id  # read before the rollback expires it
    session.add(twin)
    with pytest.raises(IntegrityError):
        await session.commit()
    await session.rollback()
    assert len(await h.alerts_of(session, organisation_id)) == 1


async def test_the_command_line_scan_is_audited_as_the_system(
    session: AsyncSession, world: World, other_world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine), organisation_id=world.organisation.id)
    results = await scanning.scan_organisations(session, h.AS_OF)
    await session.commit()
    by_name = {name: (day, counts) for name, day, counts in results}
    assert by_name[world.organisation.name] == (h.AS_OF, Counts(opened=1))
    assert by_name[other_world.organisation.name] == (h.AS_OF, Counts())
    actor = await session.scalar(
        select(AuditEvent.actor_type).where(AuditEvent.object_type == "alert")
    )
    assert actor == "system"
    only = await scanning.scan_organisations(session, None, other_world.organisation.name)
    assert [name for name, _, _ in only] == [other_world.organisation.name]
