"""``two_month_interview_missing``: a running apprenticeship past its first two months with no
``two_month_interview`` review done (by ``as_of``).

Only running contracts: once a contract has ended or broken, the interview can no longer be
held and the flag would never clear. Days count from the contract's ``start_date``; the
severity is critical from ``critical_days`` (75) on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Contract, Learner, Review
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "two_month_interview_missing"
KIND = "two_month_interview"
DEFAULTS: dict[str, Any] = {"warning_days": 60, "critical_days": 75}


def interview_done(as_of: Any) -> Any:
    """SQL: the contract (``Contract``) has its two-month interview done by ``as_of``."""
    return exists(
        select(Review.id).where(
            Review.contract_id == Contract.id,
            Review.kind == KIND,
            Review.done_on.is_not(None),
            Review.done_on <= as_of,
        )
    )


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of = scope.as_of
    warning, critical = params["warning_days"], params["critical_days"]
    people = await common.directory(session, scope.organisation_id)
    query = (
        select(
            Contract.id,
            Contract.learner_id,
            Contract.company_id,
            Contract.start_date,
            common.learner_referent(),
        )
        .join(Learner, Learner.id == Contract.learner_id)
        .where(
            Contract.organisation_id == scope.organisation_id,
            common.in_scope(scope, Contract.learner_id),
            Contract.kind == common.APPRENTICESHIP,
            common.running(as_of),
            Contract.start_date <= common.days_before(as_of, min(warning, critical)),
            ~interview_done(as_of),
        )
        .order_by(Contract.id)
    )
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        days = (as_of - row.start_date).days
        reached = common.escalate(days, warning, critical)
        if reached is None:
            continue
        severity, threshold = reached
        findings.append(
            Finding(
                rule=CODE,
                subject_type="contract",
                subject_id=row.id,
                severity=severity,
                facts={
                    "days_since_start": days,
                    "threshold_days": threshold,
                    "start_date": common.iso(row.start_date),
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
            "fr": "Entretien des deux mois non réalisé",
            "en": "Two-month interview not held",
        },
        explanation={
            "fr": (
                "Contrat commencé le {start_date}, il y a {days_since_start} jours (seuil : "
                "{threshold_days} jours), sans entretien des deux mois réalisé avec "
                "l'apprenti·e, l'employeur et le maître d'apprentissage. Ce n'est pas une "
                "échéance légale, mais c'est la preuve habituelle pour les indicateurs 12 et "
                "13 de Qualiopi."
            ),
            "en": (
                "Contract started on {start_date}, {days_since_start} days ago (threshold: "
                "{threshold_days} days), with no two-month interview held with the apprentice, "
                "employer and tutor. Not a legal deadline, but the usual proof for Qualiopi "
                "indicators 12 and 13."
            ),
        },
        source=(
            "Practice, not a legal deadline: an early evaluation interview with apprentice, "
            "employer and tutor is the usual proof for Qualiopi indicators 12 (preventing "
            "breaks) and 13 (CFA/company coordination)."
        ),
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"warning_days": (int, 1, 365), "critical_days": (int, 1, 365)},
    )
)
