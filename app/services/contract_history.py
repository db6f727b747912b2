"""What happens to a contract over time: status moves by the lifecycle table, tutor changes,
and the history of both (``/contracts/{id}/events``). Every move is version-checked
(``If-Match``), audited, and recorded as a contract event with who, when and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import IllegalTransition, ValidationFailed
from app.models import Contract, ContractEvent
from app.models.contract import ContractStatus
from app.pagination import PageRequest, paginate
from app.schemas.contract import ContractEventRead, TransitionCreate, TutorChangeCreate
from app.services import contract_checks, records
from app.services import contract_lifecycle as lifecycle
from app.services.alerts import scan as alerts
from app.services.contracts import contracts, local_today, record_event


async def transition(
    session: AsyncSession,
    principal: Principal,
    contract_id: str,
    data: TransitionCreate,
    expected_version: int | None,
    *,
    evaluate_alerts: bool = True,
) -> Contract:
    """Move the status; an illegal move is a 409 naming the moves allowed on that date.
    ``evaluate_alerts=False``: the caller evaluates the rules once for many (imports)."""
    obj = await contracts.get(session, principal, contract_id)
    contracts.check_may_write(principal, obj)
    records.check_version(obj, expected_version)
    current, target = ContractStatus(obj.status), ContractStatus(data.to)
    is_break = target == ContractStatus.broken
    if is_break and data.initiator is None:
        raise ValidationFailed.on(
            ["body", "initiator"],
            "A break needs its initiator: employer, learner, mutual or other.",
        )
    if not is_break and data.initiator is not None:
        raise ValidationFailed.on(["body", "initiator"], "Only a break has an initiator.")
    on = data.on or await local_today(session, obj.organisation_id)
    why = lifecycle.refusal(current, target, on, obj.start_date, obj.end_date)
    if why:
        allowed = lifecycle.allowed_targets(current, on, obj.start_date, obj.end_date)
        raise IllegalTransition(
            why, allowed=[s.value for s in allowed], current_status=current.value
        )
    # History reads in date order: a move may not be dated before the previous one.
    last_on = await session.scalar(
        select(ContractEvent.on)
        .where(ContractEvent.contract_id == obj.id, ContractEvent.kind == "transition")
        .order_by(ContractEvent.on.desc())
        .limit(1)
    )
    if last_on is not None and on < last_on:
        raise ValidationFailed.on(
            ["body", "on"], f"Must not be before the previous move ({last_on.isoformat()})."
        )
    values: dict[str, Any] = {"status": target.value}
    if is_break:
        values.update(break_date=on, break_initiator=data.initiator, break_reason=data.reason)
    await records.update(session, principal, obj, values, contracts.name, action="transition")
    await record_event(
        session,
        principal,
        obj,
        "transition",
        on,
        from_status=current.value,
        to_status=target.value,
        reason=data.reason,
    )
    if evaluate_alerts:
        await alerts.trigger(session, principal, [obj.learner_id])
    return obj


async def change_tutor(
    session: AsyncSession,
    principal: Principal,
    contract_id: str,
    data: TutorChangeCreate,
    expected_version: int | None,
) -> Contract:
    """Hand the contract to another tutor of the same company (or to none), saying why."""
    obj = await contracts.get(session, principal, contract_id)
    contracts.check_may_write(principal, obj)
    records.check_version(obj, expected_version)
    if data.tutor_id == obj.tutor_id:
        raise ValidationFailed.on(["body", "tutor_id"], "Already the contract's tutor.")
    if data.tutor_id is not None:
        message = await contract_checks.tutor_refusal(
            session, principal, data.tutor_id, obj.company_id
        )
        if message:
            raise ValidationFailed.on(["body", "tutor_id"], message)
    before = obj.tutor_id
    await records.update(
        session,
        principal,
        obj,
        {"tutor_id": data.tutor_id},
        contracts.name,
        action="tutor_change",
    )
    on = data.on or await local_today(session, obj.organisation_id)
    await record_event(
        session,
        principal,
        obj,
        "tutor_change",
        on,
        from_tutor_id=before,
        to_tutor_id=obj.tutor_id,
        reason=data.reason,
    )
    await alerts.trigger(session, principal, [obj.learner_id])
    return obj


async def events(
    session: AsyncSession, principal: Principal, contract_id: str, page: PageRequest
) -> tuple[list[ContractEventRead], str | None]:
    """The contract's history in the order it was recorded (404 if the contract is out of
    scope: whoever sees the contract sees its history)."""
    obj = await contracts.get(session, principal, contract_id)
    stmt = select(ContractEvent).where(
        ContractEvent.organisation_id == principal.organisation_id,
        ContractEvent.contract_id == obj.id,
    )
    rows, cursor = await paginate(session, stmt, ContractEvent, page)
    return [ContractEventRead.model_validate(row) for row in rows], cursor
