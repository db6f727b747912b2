"""``contract_ending_soon``: a running contract ending within 60 days with no
``end_of_contract`` review scheduled (nor already done)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Contract, Learner, Review
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "contract_ending_soon"
DEFAULTS: dict[str, Any] = {"within_days": 60}


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of, within = scope.as_of, params["within_days"]
    people = await common.directory(session, scope.organisation_id)
    planned = exists(
        select(Review.id).where(
            Review.contract_id == Contract.id,
            Review.kind == "end_of_contract",
            or_(Review.scheduled_on.is_not(None), Review.done_on.is_not(None)),
        )
    )
    query = (
        select(
            Contract.id,
            Contract.learner_id,
            Contract.company_id,
            Contract.end_date,
            common.learner_referent(),
        )
        .join(Learner, Learner.id == Contract.learner_id)
        .where(
            Contract.organisation_id == scope.organisation_id,
            common.in_scope(scope, Contract.learner_id),
            common.running(as_of),
            Contract.end_date <= common.days_after(as_of, within),
            ~planned,
        )
        .order_by(Contract.id)
    )
    return [
        Finding(
            rule=CODE,
            subject_type="contract",
            subject_id=row.id,
            severity="info",
            facts={
                "days_to_end": (row.end_date - as_of).days,
                "threshold_days": within,
                "end_date": common.iso(row.end_date),
            },
            learner_id=row.learner_id,
            contract_id=row.id,
            company_id=row.company_id,
            owner_id=people.owner("referent", row.owner_id),
        )
        for row in (await session.execute(query)).all()
    ]


RULE = register(
    Rule(
        code=CODE,
        subject_type="contract",
        severity="info",
        owner="referent",
        title={
            "fr": "Fin de contrat proche : planifier le bilan",
            "en": "Contract ending soon: plan the end review",
        },
        explanation={
            "fr": (
                "Le contrat se termine le {end_date}, dans {days_to_end} jours (seuil : "
                "{threshold_days} jours), et aucun bilan de fin de contrat n'est planifié. "
                "Préparer le bilan et le passage d'apprenti·e à salarié·e."
            ),
            "en": (
                "The contract ends on {end_date}, in {days_to_end} days (threshold: "
                "{threshold_days} days), and no end-of-contract review is scheduled. Plan the "
                "review and the move from apprentice to employee."
            ),
        },
        source="Seed: plan the end review and the move from apprentice to employee.",
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"within_days": (int, 1, 365)},
    )
)
