"""Manual alerts: any user (but a read-only auditor) flags a subject they can see: a worrying
call, a conflict. The subject must be visible to them (else 404, as if it did not exist); the
alert goes to the owner they name, or is routed like a rule alert: the learner's referent, else
the company's owner, else the organisation's coordinator."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import ValidationFailed, not_found
from app.models import Alert, Company, Learner
from app.schemas.alert import AlertCreate
from app.services import records
from app.services.alerts.reconcile import first_coordinator
from app.services.alerts.workflow import SUBJECTS, event, may_write_at_all, team_member
from app.services.organisations import local_today

MANUAL = "manual"
DUE_IN_DAYS = 7


def _links(subject_type: str, subject: Any) -> tuple[str | None, str | None, str | None]:
    """The (learner, contract, company) a subject belongs to."""
    if subject_type == "learner":
        return subject.id, None, None
    if subject_type == "contract":
        return subject.learner_id, subject.id, subject.company_id
    if subject_type == "company":
        return None, None, subject.id
    return None, None, subject.company_id  # a tutor: their company


async def _default_owner(
    session: AsyncSession, principal: Principal, learner_id: str | None, company_id: str | None
) -> str | None:
    if learner_id is not None:
        referent = await session.scalar(select(Learner.referent_id).where(Learner.id == learner_id))
        if owner := await team_member(session, principal, referent):
            return owner
    if company_id is not None:
        company_owner = await session.scalar(
            select(Company.owner_id).where(Company.id == company_id)
        )
        if owner := await team_member(session, principal, company_owner):
            return owner
    return await first_coordinator(session, principal.organisation_id)


async def create(session: AsyncSession, principal: Principal, data: AlertCreate) -> Alert:
    may_write_at_all(principal)
    model, visible = SUBJECTS[data.subject_type]
    subject = await session.scalar(
        select(model).where(model.id == data.subject_id, visible(principal))
    )
    if subject is None:
        raise not_found(data.subject_type, data.subject_id)
    learner_id, contract_id, company_id = _links(data.subject_type, subject)
    if data.owner_id is None:
        owner_id = await _default_owner(session, principal, learner_id, company_id)
    elif (owner_id := await team_member(session, principal, data.owner_id)) is None:
        raise ValidationFailed.on(
            ["body", "owner_id"], "Not an active member of the organisation's team."
        )
    due_on = data.due_on
    if due_on is None:
        today = await local_today(session, principal.organisation_id)
        due_on = today + timedelta(days=DUE_IN_DAYS)
    raised_by = None if principal.kind == "system" else principal.id
    alert = Alert(
        rule=MANUAL,
        subject_type=data.subject_type,
        subject_id=subject.id,
        learner_id=learner_id,
        contract_id=contract_id,
        company_id=company_id,
        severity=data.severity,
        status="open",
        owner_id=owner_id,
        due_on=due_on,
        facts={},
        title=data.title,
        explanation=data.explanation,
        raised_by_id=raised_by,
    )
    alert = await records.create(session, principal, alert, "alert")
    event(session, principal, alert, "opened", data={"owner_id": owner_id, "raised_by": raised_by})
    await session.flush()
    return alert
