"""Rows the alert rule tests need, written through the ORM with fixed dates, and a runner that
evaluates one rule (or the whole catalogue) and checks every finding is explainable.

``Data`` builds inside one organisation (a ``World``): learners followed by the world's
referent, companies owned by the world's company-relations user, one cohort starting on
1 September 2026. Each builder flushes; tests commit with ``await data.save()``."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    AttendanceMark,
    Cohort,
    Company,
    Contract,
    ContractEvent,
    Enrolment,
    FollowUpEntry,
    Learner,
    Programme,
    Review,
    Tutor,
)
from app.services.alerts.catalogue import CATALOGUE, Finding, Scope
from app.services.alerts.evaluation import RuleSettings, evaluate, explain, merge_parameters
from tests.factories import World

SEPT = date(2026, 9, 1)
COHORT_END = date(2028, 6, 30)
_n = itertools.count(1)


@dataclass
class Data:
    session: AsyncSession
    world: World
    cohort: Cohort | None = None

    @property
    def org(self) -> str:
        return self.world.organisation.id

    async def _add(self, row: Any) -> Any:
        self.session.add(row)
        await self.session.flush()
        return row

    async def save(self) -> None:
        await self.session.commit()

    async def main_cohort(self) -> Cohort:
        if self.cohort is None:
            self.cohort = await self.new_cohort()
        return self.cohort

    async def new_cohort(self, start: date = SEPT, end: date = COHORT_END) -> Cohort:
        programme = await self._add(Programme(organisation_id=self.org, title="BTS MCO"))
        return await self._add(  # type: ignore[no-any-return]
            Cohort(
                organisation_id=self.org,
                programme_id=programme.id,
                name=f"Promo {next(_n)}",
                start_date=start,
                end_date=end,
            )
        )

    async def learner(self, **values: Any) -> Learner:
        n = next(_n)
        values.setdefault("referent_id", self.world.referent.id)
        values.setdefault("birth_date", date(2005, 5, 10))
        return await self._add(  # type: ignore[no-any-return]
            Learner(
                organisation_id=self.org,
                first_name=f"Jeune{n}",
                last_name=f"Nom{n}",
                needs=values.pop("needs", []),
                fragile=values.pop("fragile", False),
                **values,
            )
        )

    async def enrol(
        self, learner: Learner, start: date = SEPT, cohort: Cohort | None = None, **values: Any
    ) -> Enrolment:
        cohort = cohort or await self.main_cohort()
        return await self._add(  # type: ignore[no-any-return]
            Enrolment(
                organisation_id=self.org,
                learner_id=learner.id,
                cohort_id=cohort.id,
                start_date=start,
                **values,
            )
        )

    async def enrolled_learner(self, start: date = SEPT, **values: Any) -> Learner:
        learner = await self.learner(**values)
        await self.enrol(learner, start)
        return learner

    async def company(self, **values: Any) -> Company:
        values.setdefault("owner_id", self.world.company_relations.id)
        values.setdefault("name", f"Entreprise {next(_n)}")
        return await self._add(Company(organisation_id=self.org, **values))  # type: ignore[no-any-return]

    async def tutor(self, company: Company) -> Tutor:
        n = next(_n)
        return await self._add(  # type: ignore[no-any-return]
            Tutor(
                organisation_id=self.org,
                company_id=company.id,
                first_name=f"Tuteur{n}",
                last_name=f"Nom{n}",
            )
        )

    async def contract(
        self,
        learner: Learner,
        start: date,
        end: date = date(2028, 6, 30),
        status: str = "registered",
        company: Company | None = None,
        **values: Any,
    ) -> Contract:
        company = company or await self.company()
        values.setdefault("kind", "apprenticeship")
        return await self._add(  # type: ignore[no-any-return]
            Contract(
                organisation_id=self.org,
                learner_id=learner.id,
                company_id=company.id,
                start_date=start,
                end_date=end,
                status=status,
                **values,
            )
        )

    async def event(self, contract: Contract, to_status: str, on: date) -> ContractEvent:
        return await self._add(  # type: ignore[no-any-return]
            ContractEvent(
                organisation_id=self.org,
                contract_id=contract.id,
                kind="transition",
                to_status=to_status,
                on=on,
            )
        )

    async def review(
        self,
        contract: Contract,
        kind: str = "visit",
        scheduled_on: date | None = None,
        done_on: date | None = None,
    ) -> Review:
        return await self._add(  # type: ignore[no-any-return]
            Review(
                organisation_id=self.org,
                contract_id=contract.id,
                learner_id=contract.learner_id,
                kind=kind,
                scheduled_on=scheduled_on,
                done_on=done_on,
            )
        )

    async def absence(
        self,
        learner: Learner,
        day: date,
        half_day: str = "am",
        status: str = "absent",
        justified: bool = False,
    ) -> AttendanceMark:
        return await self._add(  # type: ignore[no-any-return]
            AttendanceMark(
                organisation_id=self.org,
                learner_id=learner.id,
                day=day,
                half_day=half_day,
                status=status,
                justified=justified,
            )
        )

    async def entry(
        self,
        learner: Learner,
        on: date,
        kind: str = "call",
        author: str | None = "referent",
        **values: Any,
    ) -> FollowUpEntry:
        return await self._add(  # type: ignore[no-any-return]
            FollowUpEntry(
                organisation_id=self.org,
                learner_id=learner.id,
                kind=kind,
                occurred_on=on,
                author_id=self.world[author].id if author else None,
                summary="Point",
                **values,
            )
        )


def check_explainable(finding: Finding) -> None:
    """Facts are JSON as they are, and fill every placeholder of the rule's texts."""
    assert json.loads(json.dumps(finding.facts)) == finding.facts
    rule = CATALOGUE[finding.rule]
    assert finding.subject_type == rule.subject_type
    for language in ("fr", "en"):
        title, text = explain(rule, finding.facts, language)
        assert title and "{" not in text and "}" not in text, (finding.rule, language, text)


async def run(
    session: AsyncSession,
    world: World,
    code: str,
    as_of: date,
    params: dict[str, Any] | None = None,
    learner_ids: list[str] | None = None,
) -> list[Finding]:
    """One rule's findings on ``as_of`` in ``world``'s organisation."""
    rule = CATALOGUE[code]
    scope = Scope(world.organisation.id, as_of, learner_ids)
    findings = await rule.evaluate(session, scope, merge_parameters(rule, params))
    for finding in findings:
        assert finding.rule == code
        check_explainable(finding)
    return findings


async def run_all(
    session: AsyncSession,
    world: World,
    as_of: date,
    settings: RuleSettings | None = None,
    learner_ids: list[str] | None = None,
) -> list[Finding]:
    scope = Scope(world.organisation.id, as_of, learner_ids)
    findings = await evaluate(session, scope, settings or {})
    for finding in findings:
        check_explainable(finding)
    return findings


def one(findings: list[Finding], subject_id: str | None = None) -> Finding:
    """The only finding (on ``subject_id`` when given)."""
    chosen = [f for f in findings if subject_id is None or f.subject_id == subject_id]
    assert len(chosen) == 1, chosen
    return chosen[0]


def subjects(findings: list[Finding]) -> set[str]:
    return {f.subject_id for f in findings}
