"""``trial_period_check``: an apprenticeship nearing the end of its 45-day free-break period
with no contact with the company yet.

Days in company are calendar days since ``practical_start_date`` (the contract's start when
none is recorded), as ``contract_lifecycle.within_trial_period`` counts them: day 0 is the
first day, so day 45 is already past the period. The rule holds from day 30 to day 44. A
contact is a follow-up entry on the learner tied to this contract or its company, or a review
of the contract done, on or after the practical start."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Contract, FollowUpEntry, Learner, Review
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common
from app.services.contract_lifecycle import TRIAL_PERIOD_DAYS

CODE = "trial_period_check"
DEFAULTS: dict[str, Any] = {"from_day": 30, "trial_period_days": TRIAL_PERIOD_DAYS}


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of = scope.as_of
    from_day, period = params["from_day"], params["trial_period_days"]
    people = await common.directory(session, scope.organisation_id)
    practical_start = func.coalesce(Contract.practical_start_date, Contract.start_date)
    entry = exists(
        select(FollowUpEntry.id).where(
            FollowUpEntry.learner_id == Contract.learner_id,
            or_(
                FollowUpEntry.contract_id == Contract.id,
                FollowUpEntry.company_id == Contract.company_id,
            ),
            FollowUpEntry.occurred_on >= practical_start,
            FollowUpEntry.occurred_on <= as_of,
        )
    )
    review = exists(
        select(Review.id).where(
            Review.contract_id == Contract.id,
            Review.done_on >= practical_start,
            Review.done_on <= as_of,
        )
    )
    query = (
        select(
            Contract.id,
            Contract.learner_id,
            Contract.company_id,
            Contract.practical_start_date,
            Contract.start_date,
            common.learner_referent(),
        )
        .join(Learner, Learner.id == Contract.learner_id)
        .where(
            Contract.organisation_id == scope.organisation_id,
            common.in_scope(scope, Contract.learner_id),
            Contract.kind == common.APPRENTICESHIP,
            common.running(as_of),
            practical_start <= common.days_before(as_of, from_day),
            practical_start > common.days_before(as_of, period),
            ~entry,
            ~review,
        )
        .order_by(Contract.id)
    )
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        started = row.practical_start_date or row.start_date
        days = (as_of - started).days
        findings.append(
            Finding(
                rule=CODE,
                subject_type="contract",
                subject_id=row.id,
                severity="warning",
                facts={
                    "days_in_company": days,
                    "threshold_days": from_day,
                    "trial_period_days": period,
                    "days_left": period - days,
                    "practical_start_date": common.iso(started),
                    "practical_start_recorded": row.practical_start_date is not None,
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
            "fr": "Période d'essai : faire un point avec l'entreprise",
            "en": "Trial period: check in with the company",
        },
        explanation={
            "fr": (
                "{days_in_company} jours en entreprise depuis le {practical_start_date} et "
                "aucun échange avec l'entreprise ni bilan depuis : il reste {days_left} jours "
                "sur les {trial_period_days} premiers jours pendant lesquels chaque partie peut "
                "rompre librement. Faire un point avant la fin de cette période."
            ),
            "en": (
                "{days_in_company} days in company since {practical_start_date} and no "
                "contact with the company nor review since: {days_left} days remain of the "
                "first {trial_period_days} days during which either side may break freely. "
                "Check in before the period ends."
            ),
        },
        source=(
            "Labour code L6222-18: during the first 45 days of practical training in company "
            "either side may break freely; practice: check in before day 45."
        ),
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"from_day": (int, 0, 365), "trial_period_days": (int, 1, 365)},
    )
)
