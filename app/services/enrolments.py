"""A learner's enrolments, nested under the learner: whoever sees the learner sees them, and
whoever may change the learner may change them (``Learners.check_may_change``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import ValidationFailed, not_found
from app.models import Cohort, Enrolment, Learner
from app.pagination import PageRequest, paginate
from app.schemas.enrolment import EnrolmentCreate, EnrolmentUpdate
from app.services import records
from app.services.alerts import scan as alerts
from app.services.learners import learners

NAME = "enrolment"


async def _changeable_learner(
    session: AsyncSession, principal: Principal, learner_id: str
) -> Learner:
    learner = await learners.get(session, principal, learner_id)
    await learners.check_may_change(session, principal, learner)
    return learner


async def _find(session: AsyncSession, learner: Learner, enrolment_id: str) -> Enrolment:
    enrolment = await session.scalar(
        select(Enrolment).where(
            Enrolment.id == enrolment_id,
            Enrolment.learner_id == learner.id,
            Enrolment.organisation_id == learner.organisation_id,
        )
    )
    if enrolment is None:
        raise not_found(NAME, enrolment_id)
    return enrolment


async def _check(session: AsyncSession, principal: Principal, values: dict[str, Any]) -> None:
    """The cohort belongs to the organisation; the dates are in order; a reason needs an end."""
    cohort = await session.scalar(
        select(Cohort.id).where(
            Cohort.id == values["cohort_id"], Cohort.organisation_id == principal.organisation_id
        )
    )
    if cohort is None:
        message = f"No cohort with id {values['cohort_id']!r} in your organisation."
        raise ValidationFailed.on(["body", "cohort_id"], message)
    if values["end_date"] is not None and values["end_date"] < values["start_date"]:
        raise ValidationFailed.on(["body", "end_date"], "end_date must not be before start_date.")
    if values["ended_reason"] is not None and values["end_date"] is None:
        raise ValidationFailed.on(
            ["body", "ended_reason"], "An ended_reason needs the end_date it ended on."
        )


async def list_(
    session: AsyncSession, principal: Principal, learner_id: str, page: PageRequest
) -> tuple[list[Enrolment], str | None]:
    learner = await learners.get(session, principal, learner_id)
    stmt = select(Enrolment).where(
        Enrolment.learner_id == learner.id, Enrolment.organisation_id == learner.organisation_id
    )
    return await paginate(session, stmt, Enrolment, page)


async def get(
    session: AsyncSession, principal: Principal, learner_id: str, enrolment_id: str
) -> Enrolment:
    learner = await learners.get(session, principal, learner_id)
    return await _find(session, learner, enrolment_id)


async def create(
    session: AsyncSession, principal: Principal, learner_id: str, data: EnrolmentCreate
) -> Enrolment:
    learner = await _changeable_learner(session, principal, learner_id)
    values = data.model_dump()
    await _check(session, principal, values)
    enrolment = await records.create(
        session, principal, Enrolment(learner_id=learner.id, **values), NAME
    )
    await alerts.trigger(session, principal, [learner.id])
    return enrolment


async def update(
    session: AsyncSession,
    principal: Principal,
    learner_id: str,
    enrolment_id: str,
    data: EnrolmentUpdate,
    expected_version: int | None,
) -> Enrolment:
    learner = await _changeable_learner(session, principal, learner_id)
    enrolment = await _find(session, learner, enrolment_id)
    records.check_version(enrolment, expected_version)
    values = data.model_dump(exclude_unset=True)
    current = {
        "cohort_id": enrolment.cohort_id,
        "start_date": enrolment.start_date,
        "end_date": enrolment.end_date,
        "ended_reason": enrolment.ended_reason,
    }
    await _check(session, principal, {**current, **values})
    await records.update(session, principal, enrolment, values, NAME)
    await alerts.trigger(session, principal, [learner.id])
    return enrolment


async def delete(
    session: AsyncSession,
    principal: Principal,
    learner_id: str,
    enrolment_id: str,
    expected_version: int | None,
) -> None:
    learner = await _changeable_learner(session, principal, learner_id)
    enrolment = await _find(session, learner, enrolment_id)
    await records.delete(session, principal, enrolment, NAME, expected_version=expected_version)
    await alerts.trigger(session, principal, [learner.id])
