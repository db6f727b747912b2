"""``no_employer_after_window``: a learner in training without an employer for too long.

Rows come from ``common.without_running_contract`` (enrolled, no running contract). The days
without contract count from the earliest open enrolment's start, or from the end of the last
contract when it ended normally during that enrolment. A learner whose last contract broke
during the enrolment is left to ``between_contracts_too_long`` (a break has its own window);
one whose last contract broke before the enrolment started counts from the enrolment."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ContractStatus
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "no_employer_after_window"
DEFAULTS: dict[str, Any] = {"warning_days": 60, "critical_days": 90}


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    warning, critical = params["warning_days"], params["critical_days"]
    people = await common.directory(session, scope.organisation_id)
    rows = common.without_running_contract(scope)
    # Necessary, not sufficient: the count may start later than the enrolment (see above).
    bound = common.days_before(scope.as_of, min(warning, critical))
    query = rows.query.where(rows.enrolled.c.enrolled_on <= bound)
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        since = row.enrolled_on
        if row.status == ContractStatus.broken.value:
            if (row.break_date or row.start_date) >= row.enrolled_on:
                continue
        elif row.status is not None and row.end_date >= since:
            since = row.end_date
        days = (scope.as_of - since).days
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
                    "days_without_contract": days,
                    "threshold_days": threshold,
                    "enrolled_on": common.iso(row.enrolled_on),
                    "without_contract_since": common.iso(since),
                },
                learner_id=row.id,
                owner_id=people.owner("referent", row.referent_id),
            )
        )
    return findings


RULE = register(
    Rule(
        code=CODE,
        subject_type="learner",
        severity="warning",
        owner="referent",
        title={
            "fr": "Apprenant·e en formation sans employeur",
            "en": "Learner in training without an employer",
        },
        explanation={
            "fr": (
                "Sans contrat en cours depuis {days_without_contract} jours (depuis le "
                "{without_contract_since} ; inscription le {enrolled_on}), seuil de "
                "{threshold_days} jours atteint. Un jeune peut commencer sa formation en CFA "
                "sans employeur pendant 3 mois au plus ; au-delà de 90 jours le tableau de bord "
                "national le compte comme abandon."
            ),
            "en": (
                "No running contract for {days_without_contract} days (since "
                "{without_contract_since}; enrolled on {enrolled_on}), reaching the "
                "{threshold_days}-day threshold. A young person may start training at a CFA "
                "without an employer for at most 3 months; after 90 days the national "
                "dashboard counts them as dropped out."
            ),
        },
        source=(
            "Labour code L6222-12-1 (at most 3 months in a CFA without an employer); national "
            "apprenticeship dashboard: dropped out after 90 days without a contract."
        ),
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"warning_days": (int, 1, 730), "critical_days": (int, 1, 730)},
    )
)
