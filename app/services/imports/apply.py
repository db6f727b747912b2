"""Apply mapped rows: match, then create, update only what changed, or leave alone.

Writes go through the domain services (their permission checks, reference rules, audit log
and alert triggers). Each row runs in a savepoint, so a row refused by a service leaves
nothing behind and the next rows can still be checked; whether the whole transaction is kept
is the job's decision (atomic, partial, dry run)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Problem
from app.schemas.common import ExternalRefIn
from app.schemas.company import CompanyUpdate
from app.schemas.contract import ContractCreate, ContractUpdate
from app.schemas.learner import LearnerUpdate
from app.services import external_refs
from app.services.imports import rows as row_data
from app.services.imports.matching import Index, name_key
from app.services.imports.parsing import fold
from app.services.imports.profiles import MappedRow, Profile
from app.services.imports.writers import Writers
from app.services.resource import Resource

OUTCOMES = ("created", "updated", "unchanged", "rejected")
ProgressCallback = Callable[[int], Awaitable[None]]


@dataclass
class Outcome:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    report: list[dict[str, Any]] = field(default_factory=list)


class RowRejected(Exception):
    def __init__(self, issues: list[dict[str, Any]]) -> None:
        super().__init__("row rejected")
        self.issues = issues


def _problem_issues(row: MappedRow, prefix: str, problem: Problem) -> list[dict[str, Any]]:
    """A service's refusal, pointed at the file's column when it names a field."""
    found = [
        row_data.issue(row, f"{prefix}.{e['loc'][-1]}", str(e.get("msg", problem.detail)))
        for e in problem.errors or []
        if e.get("loc")
    ]
    return found or [row_data.issue(row, None, f"{prefix}: {problem.detail}")]


async def _add_ref(
    session: AsyncSession, resource: str, object_id: str, source: str, ref: str | None,
    index: Index,
) -> list[ExternalRefIn] | None:
    """The object's refs with the file's one added, or None when it already has it."""
    if ref is None or index.find((f"{resource}_ref", ref)) == object_id:
        return None
    current = await external_refs.for_objects(session, resource, [object_id])
    refs = [ExternalRefIn(source=r.source, ref=r.ref) for r in current.get(object_id, [])]
    index.stage(f"{resource}_ref", ref, object_id)
    return [r for r in refs if r.source != source] + [ExternalRefIn(source=source, ref=ref)]


async def _upsert(
    session: AsyncSession, principal: Principal, service: Resource[Any, Any],
    object_id: str | None, create: BaseModel, update: type[BaseModel], changed: dict[str, Any],
    refs: list[ExternalRefIn] | None,
) -> tuple[str, str]:
    if object_id is None:
        obj = await service.create(session, principal, create)
        return obj.id, "created"
    if not changed and refs is None:
        return object_id, "unchanged"
    if refs is not None:
        changed["external_refs"] = refs
    await service.update(session, principal, object_id, update.model_validate(changed), None)
    return object_id, "updated"


def _changes(
    snapshot: dict[str, Any], wanted: dict[str, Any], folded: tuple[str, ...] = ()
) -> dict[str, Any]:
    changed = {}
    for key, value in wanted.items():
        old = snapshot.get(key)
        same = fold(old or "") == fold(value or "") if key in folded else old == value
        if not same:
            changed[key] = value
    return changed


async def _learner(
    session: AsyncSession, principal: Principal, profile: Profile, index: Index, w: Writers,
    row: MappedRow, data: row_data.RowData,
) -> tuple[str, str]:
    new = data.learner
    ref = row.values.get("learner.ref")
    key = name_key(new.last_name, new.first_name, new.birth_date)
    object_id = index.find(("learner_ref", ref), ("learner_ine", new.ine), ("learner_name", key))
    wanted = new.model_dump(exclude_unset=True, exclude={"external_refs"})
    if object_id is None:
        refs = [ExternalRefIn(source=profile.source, ref=ref)] if ref else []
        create = new.model_copy(update={"external_refs": refs})
        object_id, outcome = await _upsert(
            session, principal, w.learners, None, create, LearnerUpdate, {}, None
        )
        index.stage("learner_ref", ref, object_id)
    else:
        changed = _changes(
            index.snapshots.get(object_id, {}), wanted, folded=("last_name", "first_name", "email")
        )
        added = await _add_ref(session, "learner", object_id, profile.source, ref, index)
        object_id, outcome = await _upsert(
            session, principal, w.learners, object_id, new, LearnerUpdate, changed, added
        )
    index.stage_snapshot(object_id, wanted)
    index.stage("learner_ine", new.ine, object_id)
    index.stage("learner_name", key, object_id)
    return object_id, outcome


async def _company(
    session: AsyncSession, principal: Principal, profile: Profile, index: Index, w: Writers,
    row: MappedRow, data: row_data.RowData,
) -> tuple[str, str]:
    new = data.company
    assert new is not None
    ref = row.values.get("company.ref")
    object_id = index.find(("company_ref", ref), ("company_siret", new.siret))
    if object_id is None:
        if not data.company_named:
            raise RowRejected([row_data.issue(row, "company.name", "Required for a new company.")])
        refs = [ExternalRefIn(source=profile.source, ref=ref)] if ref else []
        create = new.model_copy(update={"external_refs": refs})
        object_id, outcome = await _upsert(
            session, principal, w.companies, None, create, CompanyUpdate, {}, None
        )
        index.stage("company_ref", ref, object_id)
        index.stage_snapshot(object_id, {"name": new.name, "siret": new.siret})
    else:
        wanted = {"siret": new.siret} if new.siret else {}
        if "company.name" in row.values:
            wanted["name"] = new.name
        changed = _changes(index.snapshots.get(object_id, {}), wanted)
        added = await _add_ref(session, "company", object_id, profile.source, ref, index)
        object_id, outcome = await _upsert(
            session, principal, w.companies, object_id, new, CompanyUpdate, changed, added
        )
        index.stage_snapshot(object_id, wanted)
    index.stage("company_siret", new.siret, object_id)
    return object_id, outcome


async def _contract(
    session: AsyncSession, principal: Principal, profile: Profile, index: Index, w: Writers,
    row: MappedRow, contract: row_data.ContractData, learner_id: str, company_id: str,
) -> str:
    ref = row.values.get("contract.ref")
    key = (learner_id, company_id, contract.start_date)
    object_id = index.find(("contract_ref", ref), ("contract_key", key))
    wanted = {
        "kind": contract.kind, "learner_id": learner_id, "company_id": company_id,
        "start_date": contract.start_date, "end_date": contract.end_date,
    }
    if object_id is None:
        refs = [ExternalRefIn(source=profile.source, ref=ref)] if ref else []
        create = ContractCreate.model_validate({**wanted, "external_refs": refs})
        object_id, outcome = await _upsert(
            session, principal, w.contracts, None, create, ContractUpdate, {}, None
        )
        index.stage("contract_ref", ref, object_id)
    else:
        if "contract.kind" not in row.values:
            wanted.pop("kind")
        changed = _changes(index.snapshots.get(object_id, {}), wanted)
        added = await _add_ref(session, "contract", object_id, profile.source, ref, index)
        object_id, outcome = await _upsert(
            session, principal, w.contracts, object_id, ContractUpdate(), ContractUpdate, changed,
            added,
        )
    index.stage_snapshot(object_id, wanted)
    index.stage("contract_key", key, object_id)
    return outcome


async def apply_row(
    session: AsyncSession, principal: Principal, profile: Profile, index: Index, w: Writers,
    row: MappedRow, data: row_data.RowData,
) -> str:
    """Write one valid row; its outcome is the strongest of its objects' outcomes."""
    outcomes = []
    step = "learner"
    try:
        learner_id, outcome = await _learner(session, principal, profile, index, w, row, data)
        outcomes.append(outcome)
        if data.company is not None:
            step = "company"
            company_id, outcome = await _company(session, principal, profile, index, w, row, data)
            outcomes.append(outcome)
            if data.contract is not None:
                step = "contract"
                outcomes.append(
                    await _contract(
                        session, principal, profile, index, w, row, data.contract, learner_id,
                        company_id,
                    )
                )
    except Problem as problem:
        raise RowRejected(_problem_issues(row, step, problem)) from problem
    return next((o for o in ("created", "updated") if o in outcomes), "unchanged")
