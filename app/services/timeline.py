"""A learner's timeline (the *livret de suivi* as one read): enrolments, the events of the
contracts the caller may see, the follow-up entries and the done reviews the caller may see, in
date order."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models import (
    Cohort,
    Contract,
    ContractEvent,
    Enrolment,
    FollowUpEntry,
    Learner,
    Review,
)
from app.schemas.learner import Timeline, TimelineItem
from app.services import organisations, scope
from app.services.learners import learners
from app.services.reviews import review_condition

# On one day: joining first, then contract events and entries, leaving last.
_RANK = {
    "enrolment_started": 0,
    "contract_event": 1,
    "review_done": 2,
    "follow_up_entry": 2,
    "enrolment_ended": 3,
}
_REVIEW_KINDS = {
    "visit": "Company visit",
    "two_month_interview": "Two-month interview",
    "trial_check": "Trial period check",
    "mid_term": "Mid-term review",
    "end_of_contract": "End of contract review",
    "post_contract": "Post-contract review",
}
_EPOCH = datetime(1970, 1, 1)


def _between(stmt: Select[Any], column: Any, start: date | None, end: date | None) -> Select[Any]:
    if start is not None:
        stmt = stmt.where(column >= start)
    if end is not None:
        stmt = stmt.where(column <= end)
    return stmt


def _in_range(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


async def for_learner(
    session: AsyncSession,
    principal: Principal,
    learner_id: str,
    start: date | None = None,
    end: date | None = None,
) -> Timeline:
    learner = await learners.get(session, principal, learner_id)
    today = await organisations.local_today(session, principal.organisation_id)
    dated = [
        *await _enrolment_items(session, learner, today, start, end),
        *await _contract_event_items(session, principal, learner, start, end),
        *await _follow_up_items(session, principal, learner, start, end),
        *await _review_items(session, principal, learner, start, end),
    ]
    # Ties broken by when each row was written, then by id: the same order on every engine.
    dated.sort(key=lambda d: (d[0].date, _RANK[d[0].kind], _naive(d[1]), d[0].object_id))
    return Timeline(items=[item for item, _ in dated])


Dated = tuple[TimelineItem, datetime | None]


async def _enrolment_items(
    session: AsyncSession, learner: Learner, today: date, start: date | None, end: date | None
) -> list[Dated]:
    rows = await session.execute(
        select(Enrolment, Cohort.name)
        .outerjoin(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Enrolment.learner_id == learner.id,
            Enrolment.organisation_id == learner.organisation_id,
        )
    )
    dated: list[Dated] = []
    for enrolment, cohort_name in rows:
        details = {"cohort_id": enrolment.cohort_id, "cohort_name": cohort_name}
        if _in_range(enrolment.start_date, start, end):
            item = TimelineItem(
                date=enrolment.start_date,
                kind="enrolment_started",
                summary=f"Enrolled in {cohort_name}",
                object_type="enrolment",
                object_id=enrolment.id,
                details=details,
            )
            dated.append((item, enrolment.created_at))
        if enrolment.end_date is not None and _in_range(enrolment.end_date, start, end):
            verb = "Left" if enrolment.end_date <= today else "Leaves (planned)"
            reason = f" ({enrolment.ended_reason})" if enrolment.ended_reason else ""
            item = TimelineItem(
                date=enrolment.end_date,
                kind="enrolment_ended",
                summary=f"{verb} {cohort_name}{reason}",
                object_type="enrolment",
                object_id=enrolment.id,
                details={**details, "ended_reason": enrolment.ended_reason},
            )
            dated.append((item, enrolment.updated_at))
    return dated


async def _contract_event_items(
    session: AsyncSession,
    principal: Principal,
    learner: Learner,
    start: date | None,
    end: date | None,
) -> list[Dated]:
    visible_contracts = select(Contract.id).where(
        Contract.learner_id == learner.id, scope.contract_condition(principal)
    )
    stmt = select(ContractEvent).where(
        ContractEvent.organisation_id == learner.organisation_id,
        ContractEvent.contract_id.in_(visible_contracts),
    )
    events = await session.scalars(_between(stmt, ContractEvent.on, start, end))
    return [
        (
            TimelineItem(
                date=event.on,
                kind="contract_event",
                summary=_event_summary(event),
                object_type="contract_event",
                object_id=event.id,
                contract_id=event.contract_id,
                details={
                    "event_kind": event.kind,
                    "from_status": event.from_status,
                    "to_status": event.to_status,
                    "from_tutor_id": event.from_tutor_id,
                    "to_tutor_id": event.to_tutor_id,
                    "reason": event.reason,
                    "actor_id": event.actor_id,
                },
            ),
            event.occurred_at,
        )
        for event in events
    ]


async def _follow_up_items(
    session: AsyncSession,
    principal: Principal,
    learner: Learner,
    start: date | None,
    end: date | None,
) -> list[Dated]:
    stmt = select(FollowUpEntry).where(
        FollowUpEntry.learner_id == learner.id, scope.follow_up_entry_condition(principal)
    )
    entries = await session.scalars(_between(stmt, FollowUpEntry.occurred_on, start, end))
    return [
        (
            TimelineItem(
                date=entry.occurred_on,
                kind="follow_up_entry",
                summary=entry.summary,
                object_type="follow_up_entry",
                object_id=entry.id,
                contract_id=entry.contract_id,
                details={
                    "entry_kind": entry.kind,
                    "visibility": entry.visibility,
                    "author_id": entry.author_id,
                    "company_id": entry.company_id,
                    "body": entry.body,
                    "next_step": entry.next_step,
                    "next_step_due_on": entry.next_step_due_on,
                },
            ),
            entry.created_at,
        )
        for entry in entries
    ]


async def _review_items(
    session: AsyncSession,
    principal: Principal,
    learner: Learner,
    start: date | None,
    end: date | None,
) -> list[Dated]:
    """Done reviews only: a planned one is not yet part of the learner's story."""
    stmt = select(Review).where(
        Review.learner_id == learner.id, Review.done_on.is_not(None), review_condition(principal)
    )
    done = await session.scalars(_between(stmt, Review.done_on, start, end))
    return [
        (
            TimelineItem(
                date=review.done_on,
                kind="review_done",
                summary=_review_summary(review),
                object_type="review",
                object_id=review.id,
                contract_id=review.contract_id,
                details={
                    "review_kind": review.kind,
                    "outcome": review.outcome,
                    "summary": review.summary,
                    "scheduled_on": review.scheduled_on,
                    "reviewer_id": review.reviewer_id,
                    "signed_by": [s.get("role") for s in review.signoffs or []],
                },
            ),
            review.created_at,
        )
        for review in done
        if review.done_on is not None
    ]


def _review_summary(review: Review) -> str:
    outcome = f" ({review.outcome})" if review.outcome else ""
    return f"{_REVIEW_KINDS.get(review.kind, review.kind)} done{outcome}"


def _naive(moment: datetime | None) -> datetime:
    # Comparable whatever the engine gave back (all values are UTC).
    return moment.replace(tzinfo=None) if moment is not None else _EPOCH


def _event_summary(event: ContractEvent) -> str:
    why = f": {event.reason}" if event.reason else ""
    if event.kind == "created":
        return f"Contract created{why}"
    if event.kind == "tutor_change":
        return f"Tutor changed{why}"
    return f"Contract {event.from_status or '?'} → {event.to_status or '?'}{why}"
