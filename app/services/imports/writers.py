"""The domain services as an import uses them: every rule, audit and reference check the
same, but the alert rules are evaluated once for all the learners the import touched (per
chunk) instead of once per written object, which would dominate a large file's time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models import Company, Contract, Learner
from app.models.contract import ContractStatus
from app.schemas.contract import TransitionCreate
from app.services import contract_history, enrolments
from app.services.alerts import scan as alerts
from app.services.cohorts import cohorts
from app.services.companies import Companies
from app.services.contracts import Contracts
from app.services.imports.steps import Step
from app.services.learners import Learners
from app.services.programmes import programmes
from app.services.resource import Resource

SIGNED_BEFORE = "Imported: the file reports a break, so the contract had been signed."


class _Touched:
    def __init__(self) -> None:
        self.pending: set[str] = set()


class ImportLearners(Learners):
    def __init__(self, touched: _Touched) -> None:
        self.touched = touched

    async def after_write(self, session: AsyncSession, principal: Principal, obj: Learner) -> None:
        self.touched.pending.add(obj.id)

    async def after_create_many(
        self, session: AsyncSession, principal: Principal, objs: Sequence[Learner]
    ) -> None:
        self.touched.pending.update(obj.id for obj in objs)


class ImportCompanies(Companies):
    def __init__(self, touched: _Touched) -> None:
        self.touched = touched

    async def after_create_many(
        self, session: AsyncSession, principal: Principal, objs: Sequence[Company]
    ) -> None:
        """A new company has no contracts yet: its learners are the contracts' to report."""

    async def after_write(self, session: AsyncSession, principal: Principal, obj: Company) -> None:
        learner_ids = await session.scalars(
            select(Contract.learner_id).where(Contract.company_id == obj.id)
        )
        self.touched.pending.update(learner_ids)


class ImportContracts(Contracts):
    def __init__(self, touched: _Touched) -> None:
        self.touched = touched

    async def after_write(
        self, session: AsyncSession, principal: Principal, obj: Contract
    ) -> None:
        self.touched.pending.add(obj.learner_id)

    async def prepare_many(
        self, session: AsyncSession, principal: Principal, items: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """A file reports contracts that exist: they enter Relais signed (their "created"
        event and audit line say so), not as drafts still waiting for a signature, which would
        show every imported apprentice as seeking an employer."""
        prepared = await super().prepare_many(session, principal, items)
        return [{**values, "status": ContractStatus.signed.value} for values in prepared]

    async def after_create_many(
        self, session: AsyncSession, principal: Principal, objs: Sequence[Contract]
    ) -> None:
        self.touched.pending.update(obj.learner_id for obj in objs)


@dataclass
class Writers:
    touched: _Touched = field(default_factory=_Touched)
    kept: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.learners = ImportLearners(self.touched)
        self.companies = ImportCompanies(self.touched)
        self.contracts = ImportContracts(self.touched)

    def of(self, resource: str) -> Resource[Any, Any]:
        services: dict[str, Resource[Any, Any]] = {
            "learner": self.learners, "company": self.companies, "contract": self.contracts,
            "programme": programmes, "cohort": cohorts,
        }
        return services[resource]

    async def break_contract(self, session: AsyncSession, principal: Principal, step: Step) -> None:
        """Record the break the file reports, through the contract's lifecycle. A contract the
        file says broke had been signed: one still a draft in Relais is first marked signed on
        its start date (or the break's, if earlier). Files do not say who broke it: the
        initiator is "other"."""
        assert step.break_on is not None
        contract = await self.contracts.get(session, principal, step.object_id)
        moves = [TransitionCreate(to="broken", on=step.break_on, initiator="other",
                                  reason=step.break_reason)]
        if contract.status == "draft":
            signed_on = min(contract.start_date, step.break_on)
            moves.insert(0, TransitionCreate(to="signed", on=signed_on, reason=SIGNED_BEFORE))
        for move in moves:
            await contract_history.transition(
                session, principal, contract.id, move, None, evaluate_alerts=False
            )
        self.touched.pending.add(contract.learner_id)

    async def create_many(
        self, session: AsyncSession, principal: Principal, resource: str, steps: list[Step]
    ) -> None:
        """Create the objects of these steps (all of one resource), with their chosen ids."""
        ids = [step.object_id for step in steps]
        if resource == "enrolment":
            # Nested under learners: not a Resource of its own; each step knows its learner.
            items = [(step.parent_id, step.create) for step in steps]
            await enrolments.create_many(session, principal, items, ids)  # type: ignore[arg-type]
            self.touched.pending.update(step.parent_id for step in steps if step.parent_id)
            return
        data = [step.create for step in steps if step.create is not None]
        await self.of(resource).create_many(session, principal, data, ids)

    def keep(self) -> None:
        """The row's savepoint was released: its learners' alerts are due."""
        self.kept |= self.touched.pending
        self.touched.pending.clear()

    def drop(self) -> None:
        self.touched.pending.clear()

    async def trigger_alerts(self, session: AsyncSession, principal: Principal) -> None:
        """One evaluation for every learner the import kept. Past the trigger's limit it is a
        whole-organisation scan: the rules' subqueries read the organisation's tables whatever
        the learners asked, so evaluating a large file slice by slice would read them once per
        slice (quadratic in the file's size)."""
        await alerts.trigger(session, principal, self.kept)
