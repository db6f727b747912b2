"""Decide, for each object of a valid row, whether it is created, updated or left alone.

Planning only reads the ``Index`` (and records in it what the row will create, with ids chosen
now), so a whole chunk of rows can be planned and then written together; when a chunk is
rolled back, ``Index.undo`` takes its plans back."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.schemas.common import ExternalRefIn
from app.schemas.company import CompanyUpdate
from app.schemas.contract import ContractCreate, ContractUpdate
from app.schemas.learner import LearnerUpdate
from app.services.imports import rows as row_data
from app.services.imports import training as training_plan
from app.services.imports.matching import Index, name_key
from app.services.imports.parsing import fold
from app.services.imports.profiles import MappedRow, Profile
from app.services.imports.steps import Action, Plan, RowRejected, Step


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


def _step(
    index: Index, profile: Profile, resource: str, object_id: str | None, ref: str | None,
    create: BaseModel | None, changed: dict[str, Any], update_schema: type[BaseModel],
) -> Step:
    if object_id is None:
        assert create is not None
        refs = [ExternalRefIn(source=profile.source, ref=ref)] if ref else []
        with_refs = create.model_copy(update={"external_refs": refs})
        step = Step(resource, Step.new_id(), "created", create=with_refs)
        index.add(f"{resource}_ref", ref, step.object_id)
        return step
    new_ref = None
    if ref is not None and index.find((f"{resource}_ref", ref)) != object_id:
        new_ref = ExternalRefIn(source=profile.source, ref=ref)
        index.add(f"{resource}_ref", ref, object_id)
    action: Action = "updated" if changed or new_ref else "unchanged"
    return Step(resource, object_id, action, changed=changed, update_schema=update_schema,
                new_ref=new_ref)


def _learner(index: Index, profile: Profile, row: MappedRow, data: row_data.RowData) -> Step:
    new = data.learner
    ref = row.values.get("learner.ref")
    key = name_key(new.last_name, new.first_name, new.birth_date)
    found = index.find(("learner_ref", ref), ("learner_ine", new.ine), ("learner_name", key))
    wanted = new.model_dump(exclude_unset=True, exclude={"external_refs"})
    changed = {} if found is None else _changes(
        index.snapshots.get(found, {}), wanted, folded=("last_name", "first_name", "email")
    )
    step = _step(index, profile, "learner", found, ref, new, changed, LearnerUpdate)
    index.snapshot(step.object_id, wanted)
    index.add("learner_ine", new.ine, step.object_id)
    index.add("learner_name", key, step.object_id)
    return step


def _company(index: Index, profile: Profile, row: MappedRow, job: row_data.Employment) -> Step:
    new, slot = job.company, job.slot
    ref = row.values.get(f"company.ref{slot}")
    found = index.find(("company_ref", ref), ("company_siret", new.siret))
    if found is None and not job.named:
        issue = row_data.issue(row, f"company.name{slot}", "Required for a new company.")
        raise RowRejected([issue])
    wanted: dict[str, Any] = {"siret": new.siret} if new.siret else {}
    if found is None or f"company.name{slot}" in row.values:
        wanted["name"] = new.name
    changed = {} if found is None else _changes(index.snapshots.get(found, {}), wanted)
    step = _step(index, profile, "company", found, ref, new, changed, CompanyUpdate)
    index.snapshot(step.object_id, wanted)
    index.add("company_siret", new.siret, step.object_id)
    return step


def _contract(
    index: Index, profile: Profile, row: MappedRow, job: row_data.Employment,
    learner_id: str, company_id: str, cohort_id: str | None,
) -> Step:
    contract, slot = job.contract, job.slot
    assert contract is not None
    ref = row.values.get(f"contract.ref{slot}")
    key = (learner_id, company_id, contract.start_date)
    found = index.find(("contract_ref", ref), ("contract_key", key))
    wanted = {
        "kind": contract.kind, "learner_id": learner_id, "company_id": company_id,
        "start_date": contract.start_date, "end_date": contract.end_date,
    }
    if cohort_id is not None:  # a file without the training leaves the contract's alone
        wanted["cohort_id"] = cohort_id
    if found is not None and f"contract.kind{slot}" not in row.values:
        wanted.pop("kind")
    changed = {} if found is None else _changes(index.snapshots.get(found, {}), wanted)
    create = ContractCreate.model_validate(wanted) if found is None else None
    step = _step(index, profile, "contract", found, ref, create, changed, ContractUpdate)
    index.snapshot(step.object_id, wanted)
    index.add("contract_key", key, step.object_id)
    return step


def plan_row(index: Index, profile: Profile, row: MappedRow, data: row_data.RowData) -> Plan:
    """The row's plan, recorded in the index; on RowRejected the caller undoes the index."""
    learner = _learner(index, profile, row, data)
    steps = [learner]
    cohort_id = None
    if data.training is not None:
        steps += training_plan.plan(index, row, data.training, learner.object_id)
        cohort_id = next(s.object_id for s in steps if s.resource == "cohort")
    for job in data.employments:
        company = _company(index, profile, row, job)
        steps.append(company)
        if job.contract is not None:
            contract = _contract(
                index, profile, row, job, learner.object_id, company.object_id, cohort_id
            )
            steps += [contract, *_break(index, job.contract, contract.object_id)]
    return Plan(row, steps)


def _break(index: Index, contract: row_data.ContractData, contract_id: str) -> list[Step]:
    """The file says the contract broke: a break the contract does not have yet."""
    if contract.break_date is None:
        return []
    if index.snapshots.get(contract_id, {}).get("break_date") == contract.break_date:
        return []
    index.snapshot(contract_id, {"break_date": contract.break_date})
    return [
        Step(
            "contract_break", contract_id, "updated", break_on=contract.break_date,
            break_reason=contract.break_reason,
        )
    ]
