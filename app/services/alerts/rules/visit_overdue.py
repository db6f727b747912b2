"""``visit_overdue``: a running contract whose company visit is late.

Holds when either (a) the contract has run for ``days`` (90) or more with no review of kind
``visit`` done in the last ``days`` days (a visit done on ``as_of - days + 1`` or later
counts), or (b) a review of any kind on the contract was scheduled before ``as_of`` and is
still not done (a planned visit or review that did not happen is as late as a missing one)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Contract, Learner, Review
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "visit_overdue"
DEFAULTS: dict[str, Any] = {"days": 90}


def last_visit(as_of: date) -> Any:
    """SQL: the date of the contract's (``Contract``) last visit done by ``as_of``."""
    return (
        select(func.max(Review.done_on))
        .where(Review.contract_id == Contract.id, Review.kind == "visit", Review.done_on <= as_of)
        .scalar_subquery()
    )


def missed_review(as_of: date) -> Any:
    """SQL: the contract's earliest review scheduled before ``as_of`` and not done."""
    return (
        select(Review.scheduled_on)
        .where(
            Review.contract_id == Contract.id,
            Review.scheduled_on < as_of,
            Review.done_on.is_(None),
        )
        .order_by(Review.scheduled_on, Review.id)
        .limit(1)
    )


def overdue(as_of: date, days: int, visit: Any, missed: Any) -> ColumnElement[bool]:
    """SQL: the rule's condition, given ``last_visit`` and ``missed_review`` expressions."""
    bound = common.days_before(as_of, days)
    return or_(
        and_(Contract.start_date <= bound, or_(visit.is_(None), visit <= bound)),
        missed.is_not(None),
    )


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of, days = scope.as_of, params["days"]
    people = await common.directory(session, scope.organisation_id)
    visit = last_visit(as_of)
    missed = missed_review(as_of)
    missed_on = missed.scalar_subquery()
    missed_kind = missed.with_only_columns(Review.kind).scalar_subquery()
    query = (
        select(
            Contract.id,
            Contract.learner_id,
            Contract.company_id,
            Contract.start_date,
            visit.label("last_visit_on"),
            missed_on.label("missed_on"),
            missed_kind.label("missed_kind"),
            common.learner_referent(),
        )
        .join(Learner, Learner.id == Contract.learner_id)
        .where(
            Contract.organisation_id == scope.organisation_id,
            common.in_scope(scope, Contract.learner_id),
            common.running(as_of),
            overdue(as_of, days, visit, missed_on),
        )
        .order_by(Contract.id)
    )
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        running_days = (as_of - row.start_date).days
        no_recent_visit = running_days >= days and (
            row.last_visit_on is None or (as_of - row.last_visit_on).days >= days
        )
        reasons = (["no_recent_visit"] if no_recent_visit else []) + (
            ["missed_scheduled_review"] if row.missed_on is not None else []
        )
        findings.append(
            Finding(
                rule=CODE,
                subject_type="contract",
                subject_id=row.id,
                severity="warning",
                facts={
                    "reasons": reasons,
                    "days_running": running_days,
                    "threshold_days": days,
                    "last_visit_on": common.iso(row.last_visit_on),
                    "days_since_last_visit": (
                        (as_of - row.last_visit_on).days if row.last_visit_on else None
                    ),
                    "missed_review_kind": row.missed_kind,
                    "missed_review_scheduled_on": common.iso(row.missed_on),
                },
                learner_id=row.learner_id,
                contract_id=row.id,
                company_id=row.company_id,
                owner_id=people.owner("referent", row.owner_id),
            )
        )
    return findings


RULE = register(
    Rule(
        code=CODE,
        subject_type="contract",
        severity="warning",
        owner="referent",
        title={
            "fr": "Visite en entreprise en retard",
            "en": "Company visit overdue",
        },
        explanation={
            "fr": (
                "Contrat en cours depuis {days_running} jours ; dernière visite faite : "
                "{last_visit_on} (une visite est attendue tous les {threshold_days} jours) ; "
                "rendez-vous prévu et non réalisé : {missed_review_scheduled_on}."
            ),
            "en": (
                "Contract running for {days_running} days; last visit done: {last_visit_on} "
                "(a visit is expected every {threshold_days} days); scheduled review not held: "
                "{missed_review_scheduled_on}."
            ),
        },
        source=(
            "Practice: company visits are compulsory in most CFAs; Qualiopi (follow-up of the "
            "learner in company)."
        ),
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"days": (int, 1, 365)},
    )
)
