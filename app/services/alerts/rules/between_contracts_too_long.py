"""``between_contracts_too_long``: a learner still enrolled after a break, without a new
running contract, for too long (the dashboard's *rupturant*).

Rows come from ``common.without_running_contract``; the last contract (latest start, as in
``learner_status``) must be broken, and broken during the open enrolment (a break before the
enrolment started is an earlier training: ``no_employer_after_window`` counts from the
enrolment instead). Days count from the break date (the start date if none was recorded)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ContractStatus
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "between_contracts_too_long"
DEFAULTS: dict[str, Any] = {"warning_days": 120, "critical_days": 180}


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    warning, critical = params["warning_days"], params["critical_days"]
    people = await common.directory(session, scope.organisation_id)
    rows = common.without_running_contract(scope)
    last = rows.last
    broke_on = func.coalesce(last.break_date, last.start_date)
    query = rows.query.where(
        last.status == ContractStatus.broken.value,
        broke_on >= rows.enrolled.c.enrolled_on,
        broke_on <= common.days_before(scope.as_of, min(warning, critical)),
    )
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        broken_on = row.break_date or row.start_date
        days = (scope.as_of - broken_on).days
        reached = common.escalate(days, warning, critical)
        if reached is None:
            continue
        severity, threshold = reached
        findings.append(
            Finding(
                rule=CODE,
                subject_type="learner",
                subject_id=row.id,
                severity=severity,
                facts={
                    "days_since_break": days,
                    "threshold_days": threshold,
                    "broken_on": common.iso(broken_on),
                    "enrolled_on": common.iso(row.enrolled_on),
                },
                learner_id=row.id,
                contract_id=row.contract_id,
                company_id=row.company_id,
                owner_id=people.owner("company_owner", row.company_owner_id),
            )
        )
    return findings


RULE = register(
    Rule(
        code=CODE,
        subject_type="learner",
        severity="warning",
        owner="company_owner",
        title={
            "fr": "Rupturant·e sans nouveau contrat depuis trop longtemps",
            "en": "Too long between contracts after a break",
        },
        explanation={
            "fr": (
                "Contrat rompu le {broken_on}, toujours inscrit·e et sans nouveau contrat en "
                "cours depuis {days_since_break} jours (seuil : {threshold_days} jours). Après "
                "une rupture, le CFA garde l'apprenant·e 6 mois au plus pour trouver un nouvel "
                "employeur."
            ),
            "en": (
                "Contract broken on {broken_on}; still enrolled with no new running contract "
                "for {days_since_break} days (threshold: {threshold_days} days). After a "
                "break, the CFA keeps the learner at most 6 months to find a new employer."
            ),
        },
        source=(
            "Labour code L6222-18-2: after a break the CFA keeps the learner at most 6 months "
            "to find a new employer."
        ),
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"warning_days": (int, 1, 730), "critical_days": (int, 1, 730)},
    )
)
