"""Alert workflow tests without depending on the real rules: fake rules registered in the
catalogue for one test, and an evaluation that answers whatever findings the test says hold.

``scene`` builds: learner ``mine`` (followed by the world's referent, referred by the world's
prescriber, the world's learner account) with a running contract at ``company`` tutored by the
world's tutor; learner ``other`` that only the organisation-wide roles see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Alert, AlertEvent, AuditEvent, Cohort, Company, Contract, Learner, Tutor
from app.services.alerts import evaluation
from app.services.alerts.catalogue import CATALOGUE, Finding, Rule, Scope
from tests import helpers_learners as rows
from tests.factories import World

LEARNER_RULE = "test_learner_rule"
CONTRACT_RULE = "test_contract_rule"
TUTOR_RULE = "test_tutor_rule"
COMPANY_RULE = "test_company_rule"
AS_OF = date(2026, 11, 30)


def local_today() -> date:
    """Today where the test organisations are (the default time zone)."""
    return datetime.now(ZoneInfo("Europe/Paris")).date()


async def _nothing(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    return []


def fake_rule(code: str, subject_type: Any) -> Rule:
    return Rule(
        code=code,
        subject_type=subject_type,
        severity="warning",
        owner="referent",
        title={"fr": "Sans employeur depuis {days} jours", "en": "No employer for {days} days"},
        explanation={
            "fr": "Seuil de {threshold} jours dépassé ({missing} reste tel quel).",
            "en": "Threshold of {threshold} days crossed ({missing} stays as written).",
        },
        source="test",
        defaults={"threshold": 60, "ratio": 0.25, "mode": "calendar", "weights": {"absence": 5}},
        evaluate=_nothing,
        due_in_days=10,
        limits={"threshold": (int, 1, 365), "ratio": (float, 0.0, 1.0)},
    )


@dataclass
class FakeRules:
    """Stands in for ``evaluation.evaluate``: the findings a test says hold, narrowed like the
    real evaluation (enabled rules only; a change's learners only)."""

    findings: list[Finding] = field(default_factory=list)
    calls: list[tuple[Scope, dict[str, Any]]] = field(default_factory=list)
    organisation_id: str | None = None  # answer only for this organisation's scans

    def hold(self, *findings: Finding, organisation_id: str | None = None) -> None:
        self.findings, self.organisation_id = list(findings), organisation_id

    async def evaluate(
        self, session: AsyncSession, scope: Scope, settings: dict[str, Any]
    ) -> list[Finding]:
        self.calls.append((scope, settings))
        if self.organisation_id not in (None, scope.organisation_id):
            return []
        return [
            f
            for f in self.findings
            if settings.get(f.rule, (False, {}))[0]
            and (scope.learner_ids is None or f.learner_id in scope.learner_ids)
        ]


def install(monkeypatch: pytest.MonkeyPatch) -> FakeRules:
    fake = FakeRules()
    for code, subject in (
        (LEARNER_RULE, "learner"),
        (CONTRACT_RULE, "contract"),
        (TUTOR_RULE, "tutor"),
        (COMPANY_RULE, "company"),
    ):
        monkeypatch.setitem(CATALOGUE, code, fake_rule(code, subject))
    monkeypatch.setattr(evaluation, "evaluate", fake.evaluate)
    return fake


def on_learner(
    learner: Learner, severity: Any = "warning", owner_id: str | None = None, **facts: Any
) -> Finding:
    return Finding(
        rule=LEARNER_RULE,
        subject_type="learner",
        subject_id=learner.id,
        severity=severity,
        facts=facts or {"days": 61, "threshold": 60},
        learner_id=learner.id,
        owner_id=owner_id,
    )


def on_contract(contract: Contract, **facts: Any) -> Finding:
    return Finding(
        rule=CONTRACT_RULE,
        subject_type="contract",
        subject_id=contract.id,
        severity="critical",
        facts=facts or {"days": 6, "threshold": 5},
        learner_id=contract.learner_id,
        contract_id=contract.id,
        company_id=contract.company_id,
    )


def on_tutor(tutor: Tutor) -> Finding:
    return Finding(
        rule=TUTOR_RULE,
        subject_type="tutor",
        subject_id=tutor.id,
        severity="warning",
        facts={"days": 3, "threshold": 2},
        company_id=tutor.company_id,
    )


def on_company(company: Company) -> Finding:
    return Finding(
        rule=COMPANY_RULE,
        subject_type="company",
        subject_id=company.id,
        severity="info",
        facts={"days": 2, "threshold": 1},
        company_id=company.id,
    )


@dataclass
class Scene:
    mine: Learner
    other: Learner
    cohort: Cohort
    company: Company
    tutor: Tutor
    contract: Contract


async def scene(session: AsyncSession, world: World) -> Scene:
    cohort = await rows.cohort(session, world)
    mine = await rows.learner(
        session,
        world,
        referent_id=world.referent.id,
        prescriber_id=world.prescriber.id,
        user_id=world.learner.id,
    )
    other = await rows.learner(session, world)
    await rows.enrolment(session, world, mine, cohort)
    company, tutor = await rows.company_with_tutor(session, world, world.tutor.id)
    contract = await rows.contract(session, world, mine, company, tutor)
    return Scene(mine, other, cohort, company, tutor, contract)


async def scan(
    client: httpx.AsyncClient, world: World, as_of: date = AS_OF, role: str = "coordinator"
) -> dict[str, Any]:
    answer = await client.post(
        "/api/v1/alerts/scan", json={"as_of": as_of.isoformat()}, headers=world[role].headers
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def alerts_of(session: AsyncSession, organisation_id: str) -> list[Alert]:
    found = await session.scalars(
        select(Alert)
        .where(Alert.organisation_id == organisation_id)
        .order_by(Alert.opened_at, Alert.id)
        .execution_options(populate_existing=True)
    )
    return list(found)


async def footprint(session: AsyncSession) -> tuple[int, int, int, int]:
    """(alerts, their versions summed, history lines, audit entries on alerts): what a no-op
    must leave exactly as it was."""
    alerts = await session.scalar(select(func.count()).select_from(Alert))
    versions = await session.scalar(select(func.coalesce(func.sum(Alert.version), 0)))
    lines = await session.scalar(select(func.count()).select_from(AlertEvent))
    audits = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "alert")
    )
    return alerts or 0, versions or 0, lines or 0, audits or 0
