"""``tutor_overloaded``: a tutor (*maître d'apprentissage*) with more than 2 running
apprenticeship contracts at once.

R6223-6 allows 2 apprentices plus 1 repeating a year; Relais does not know who repeats, so
the third running apprenticeship raises the flag for a human to check. With a scope, the
tutors of the scope's learners' contracts are evaluated (counting all their contracts)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.models import Company, Contract, Tutor
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "tutor_overloaded"
DEFAULTS: dict[str, Any] = {"max_apprentices": 2}


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of, most = scope.as_of, params["max_apprentices"]
    people = await common.directory(session, scope.organisation_id)

    def running_apprenticeship(contract: Any) -> tuple[Any, ...]:
        return (
            contract.organisation_id == scope.organisation_id,
            contract.kind == common.APPRENTICESHIP,
            contract.tutor_id.is_not(None),
            common.running(as_of, contract),
        )

    # Aliases: the subqueries must not correlate with the outer query's contracts.
    counted, touched = aliased(Contract), aliased(Contract)
    overloaded = (
        select(counted.tutor_id)
        .where(*running_apprenticeship(counted))
        .group_by(counted.tutor_id)
        .having(func.count(counted.id) > most)
    )
    if scope.learner_ids is not None:
        mine = select(touched.tutor_id).where(common.in_scope(scope, touched.learner_id))
        overloaded = overloaded.where(counted.tutor_id.in_(mine))
    query = (
        select(Tutor.id, Tutor.company_id, Contract.id.label("contract_id"), common.company_owner())
        .join(Contract, Contract.tutor_id == Tutor.id)
        .join(Company, Company.id == Tutor.company_id)
        .where(*running_apprenticeship(Contract), Tutor.id.in_(overloaded))
        .order_by(Tutor.id, Contract.id)
    )
    contracts: dict[str, list[str]] = defaultdict(list)
    tutors: dict[str, Any] = {}
    for row in (await session.execute(query)).all():
        contracts[row.id].append(row.contract_id)
        tutors[row.id] = row
    return [
        Finding(
            rule=CODE,
            subject_type="tutor",
            subject_id=tutor_id,
            severity="warning",
            facts={
                "running_apprenticeships": len(contracts[tutor_id]),
                "threshold": most,
                "contract_ids": contracts[tutor_id],
            },
            company_id=row.company_id,
            owner_id=people.owner("company_owner", row.owner_id),
        )
        for tutor_id, row in tutors.items()
    ]


RULE = register(
    Rule(
        code=CODE,
        subject_type="tutor",
        severity="warning",
        owner="company_owner",
        title={
            "fr": "Maître d'apprentissage avec trop d'apprentis",
            "en": "Tutor following too many apprentices",
        },
        explanation={
            "fr": (
                "Ce maître d'apprentissage suit {running_apprenticeships} contrats "
                "d'apprentissage en cours en même temps (maximum : {threshold}). Le code du "
                "travail permet 2 apprentis plus 1 redoublant : vérifier la situation."
            ),
            "en": (
                "This tutor follows {running_apprenticeships} running apprenticeship contracts "
                "at once (maximum: {threshold}). The labour code allows 2 apprentices plus 1 "
                "repeating one: check the situation."
            ),
        },
        source=(
            "Labour code R6223-6: a maître d'apprentissage follows at most 2 apprentices plus "
            "1 repeating one."
        ),
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"max_apprentices": (int, 1, 20)},
    )
)
