"""``sensitive_company_placement``: a contract not over (draft to registered, ending on or
after ``as_of``) at a company flagged ``sensitive``, or at a company with 2 or more other
contracts broken in the last 365 days (break date in ``(as_of - 365, as_of]``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.models import Company, Contract, ContractStatus
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "sensitive_company_placement"
DEFAULTS: dict[str, Any] = {"min_breaks": 2, "window_days": 365}


def recent_breaks(as_of: date, window_days: int, company_id: Any, but: Any = None) -> Any:
    """SQL: the company's contracts broken in the window (other than ``but``)."""
    broken = aliased(Contract)
    query = select(func.count(broken.id)).where(
        broken.company_id == company_id,
        broken.status == ContractStatus.broken.value,
        broken.break_date > common.days_before(as_of, window_days),
        broken.break_date <= as_of,
    )
    if but is not None:
        query = query.where(broken.id != but)
    return query.scalar_subquery()


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of, least, window = scope.as_of, params["min_breaks"], params["window_days"]
    people = await common.directory(session, scope.organisation_id)
    breaks = recent_breaks(as_of, window, Contract.company_id, Contract.id)
    query = (
        select(
            Contract.id,
            Contract.learner_id,
            Contract.company_id,
            Contract.status,
            Company.sensitive,
            Company.sensitive_reason,
            breaks.label("breaks"),
            common.company_owner(),
        )
        .join(Company, Company.id == Contract.company_id)
        .where(
            Contract.organisation_id == scope.organisation_id,
            common.in_scope(scope, Contract.learner_id),
            Contract.status.in_(common.NEW_OR_LIVE),
            Contract.end_date >= as_of,
            or_(Company.sensitive.is_(True), breaks >= least),
        )
        .order_by(Contract.id)
    )
    return [
        Finding(
            rule=CODE,
            subject_type="contract",
            subject_id=row.id,
            severity="warning",
            facts={
                "company_sensitive": bool(row.sensitive),
                "sensitive_reason": row.sensitive_reason,
                "breaks_last_year": row.breaks,
                "threshold_breaks": least,
                "window_days": window,
                "contract_status": row.status,
            },
            learner_id=row.learner_id,
            contract_id=row.id,
            company_id=row.company_id,
            owner_id=people.owner("company_owner", row.owner_id),
        )
        for row in (await session.execute(query)).all()
    ]


RULE = register(
    Rule(
        code=CODE,
        subject_type="contract",
        severity="warning",
        owner="company_owner",
        title={
            "fr": "Placement dans une entreprise sensible",
            "en": "Placement at a sensitive company",
        },
        explanation={
            "fr": (
                "Entreprise signalée sensible : {company_sensitive} ({sensitive_reason}) ; "
                "ruptures sur les {window_days} derniers jours : {breaks_last_year} (seuil : "
                "{threshold_breaks}). Agir tôt : prévoir un point avec l'entreprise et le "
                "maître d'apprentissage."
            ),
            "en": (
                "Company flagged sensitive: {company_sensitive} ({sensitive_reason}); breaks "
                "in the last {window_days} days: {breaks_last_year} (threshold: "
                "{threshold_breaks}). Act early: plan a check-in with the company and the tutor."
            ),
        },
        source="Seed: note sensitive companies (turnover, tension) and act early.",
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"min_breaks": (int, 1, 50), "window_days": (int, 1, 1095)},
    )
)
