"""A learner's enrolments, nested under the learner: whoever sees the learner sees them, and
whoever may change the learner may change them (``Learners.check_may_change``)."""

from __future__ import annotations

from collections.abc import Sequence
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


async def _cohort_known(session: AsyncSession, principal: Principal, cohort_id: str) -> bool:
    found = await session.scalar(
        select(Cohort.id).where(
            Cohort.id == cohort_id, Cohort.organisation_id == principal.organisation_id
        )
    )
    return found is not None


def _check(values: dict[str, Any], cohort_known: bool) -> None:
    """The cohort belongs to the organisation; the dates are in order; a reason needs an end."""
    if not cohort_known:
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
    (enrolment,) = await create_many(session, principal, [(learner_id, data)])
    await alerts.trigger(session, principal, [enrolment.learner_id])
    return enrolment


async def create_many(
    session: AsyncSession,
    principal: Principal,
    items: Sequence[tuple[str, EnrolmentCreate]],
    ids: Sequence[str] | None = None,
) -> Sequence[Enrolment]:
    """Enrol each learner in a cohort, with ``create``'s checks, in a few statements (imports).
    The alert rules are the caller's to trigger, once for all the learners."""
    wanted = sorted({learner_id for learner_id, _ in items})
    visible = await session.scalars(learners.visible(principal).where(Learner.id.in_(wanted)))
    found = {learner.id: learner for learner in visible}
    for learner_id in wanted:
        if learner_id not in found:
            raise not_found("learner", learner_id)
        await learners.check_may_change(session, principal, found[learner_id])
    cohorts = {data.cohort_id for _, data in items}
    known = set(
        await session.scalars(
            select(Cohort.id).where(
                Cohort.id.in_(cohorts), Cohort.organisation_id == principal.organisation_id
            )
        )
    )
    enrolments = []
    for learner_id, data in items:
        values = data.model_dump()
        _check(values, values["cohort_id"] in known)
        enrolments.append(Enrolment(learner_id=learner_id, **values))
    for enrolment, object_id in zip(enrolments, ids or (), strict=False):
        enrolment.id = object_id
    return await records.create_many(session, principal, enrolments, NAME)


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
    merged = {**current, **values}
    _check(merged, await _cohort_known(session, principal, merged["cohort_id"]))
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
