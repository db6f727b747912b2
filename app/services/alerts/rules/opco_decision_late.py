"""``opco_decision_late``: a contract ``filed`` for more than 20 days without the OPCO's
decision.

The filing date is the latest transition to ``filed`` in the contract's history by ``as_of``
(a contract filed again after a rejection counts from the new filing). A contract whose
history has no such event (rows written without the API) counts from its start date."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Contract, ContractEvent, ContractStatus
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "opco_decision_late"
DEFAULTS: dict[str, Any] = {"max_days": 20}


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of, max_days = scope.as_of, params["max_days"]
    people = await common.directory(session, scope.organisation_id)
    filed_on = (
        select(func.max(ContractEvent.on))
        .where(
            ContractEvent.contract_id == Contract.id,
            ContractEvent.to_status == ContractStatus.filed.value,
            ContractEvent.on <= as_of,
        )
        .scalar_subquery()
    )
    counted_from = func.coalesce(filed_on, Contract.start_date)
    query = (
        select(
            Contract.id,
            Contract.learner_id,
            Contract.company_id,
            Contract.start_date,
            filed_on.label("filed_on"),
        )
        .where(
            Contract.organisation_id == scope.organisation_id,
            common.in_scope(scope, Contract.learner_id),
            Contract.status == ContractStatus.filed.value,
            counted_from < common.days_before(as_of, max_days),
        )
        .order_by(Contract.id)
    )
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        since = row.filed_on or row.start_date
        findings.append(
            Finding(
                rule=CODE,
                subject_type="contract",
                subject_id=row.id,
                severity="warning",
                facts={
                    "days_since_filed": (as_of - since).days,
                    "threshold_days": max_days,
                    "filed_on": common.iso(row.filed_on),
                    "counted_from": common.iso(since),
                },
                learner_id=row.learner_id,
                contract_id=row.id,
                company_id=row.company_id,
                owner_id=people.owner("staff"),
            )
        )
    return findings


RULE = register(
    Rule(
        code=CODE,
        subject_type="contract",
        severity="warning",
        owner="staff",
        title={
            "fr": "Décision de l'OPCO en retard",
            "en": "OPCO decision overdue",
        },
        explanation={
            "fr": (
                "Contrat déposé auprès de l'OPCO depuis {days_since_filed} jours (depuis le "
                "{counted_from} ; délai : {threshold_days} jours) sans décision. L'OPCO statue "
                "dans les 20 jours suivant un dossier complet et son silence vaut refus : "
                "relancer."
            ),
            "en": (
                "Contract filed with the OPCO {days_since_filed} days ago (since "
                "{counted_from}; limit: {threshold_days} days) without a decision. The OPCO "
                "decides within 20 days of a complete file and silence means refusal: chase "
                "it."
            ),
        },
        source=(
            "Decree 2019-1489: the OPCO decides within 20 days of a complete file, silence "
            "meaning refusal."
        ),
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"max_days": (int, 1, 180)},
    )
)
