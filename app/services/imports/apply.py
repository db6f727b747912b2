"""Write planned rows through the domain services: their permission checks, reference rules,
audit log and alert triggers, exactly as the API applies them.

Creations are written together, one ``create_many`` per resource (references first), so a
chunk of new rows costs a few batched INSERTs; updates follow one by one, in file order. The
caller decides what is kept (savepoints, atomic or partial, dry run)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Problem
from app.schemas.common import ExternalRefIn
from app.services import external_refs
from app.services.imports import rows as row_data
from app.services.imports.profiles import MappedRow
from app.services.imports.steps import RESOURCES, Plan, Step
from app.services.imports.writers import Writers

OUTCOMES = ("created", "updated", "unchanged", "rejected")


@dataclass
class Outcome:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    report: list[dict[str, Any]] = field(default_factory=list)


class StepFailed(Exception):
    """A service refused a step: which resource, and the service's problem."""

    def __init__(self, resource: str, problem: Problem) -> None:
        super().__init__(problem.detail)
        self.resource = resource
        self.problem = problem


def problem_issues(row: MappedRow, failed: StepFailed) -> list[dict[str, Any]]:
    """A service's refusal, pointed at the file's column when it names a field."""
    problem, prefix = failed.problem, failed.resource
    if prefix == "contract_break":  # the lifecycle's refusal, about the file's break date
        return [row_data.issue(row, "contract.break_date", str(problem.detail))]
    found = [
        row_data.issue(row, f"{prefix}.{e['loc'][-1]}", str(e.get("msg", problem.detail)))
        for e in problem.errors or []
        if e.get("loc")
    ]
    return found or [row_data.issue(row, None, f"{prefix}: {problem.detail}")]


async def execute(
    session: AsyncSession, principal: Principal, writers: Writers, plans: list[Plan]
) -> None:
    """Every step of ``plans``: creations in bulk per resource, then updates in order."""
    steps = [step for plan in plans for step in plan.steps]
    for resource in RESOURCES:
        created = [s for s in steps if s.resource == resource and s.action == "created"]
        if not created:
            continue
        try:
            await writers.create_many(session, principal, resource, created)
        except Problem as problem:
            raise StepFailed(resource, problem) from problem
    for step in steps:
        if step.action == "updated":
            try:
                if step.resource == "contract_break":
                    await writers.break_contract(session, principal, step)
                else:
                    await _update(session, principal, writers, step)
            except Problem as problem:
                raise StepFailed(step.resource, problem) from problem


async def _update(
    session: AsyncSession, principal: Principal, writers: Writers, step: Step
) -> None:
    changed = dict(step.changed)
    if step.new_ref is not None:
        # The file's code replaces the object's code from the same source, others are kept.
        current = await external_refs.for_objects(session, step.resource, [step.object_id])
        kept = [
            ExternalRefIn(source=r.source, ref=r.ref)
            for r in current.get(step.object_id, [])
            if r.source != step.new_ref.source
        ]
        changed["external_refs"] = [*kept, step.new_ref]
    assert step.update_schema is not None
    data: BaseModel = step.update_schema.model_validate(changed)
    await writers.of(step.resource).update(session, principal, step.object_id, data, None)
