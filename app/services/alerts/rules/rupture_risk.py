"""``rupture_risk``: an explainable break-risk score on running contracts.

The score is the sum of the weighted factors below, capped at 100; the facts list every
factor, with its value and the points it gave (0 included), so nothing is a black box:

==========================  ====================================================  ==========
factor                      value                                                 points
==========================  ====================================================  ==========
unjustified_absences        unjustified absent half-days, last 30 days            5 each, ≤30
incidents                   ``incident`` follow-up entries, last 90 days          15 each, ≤30
company_at_risk             company flagged sensitive, or broken contracts in     15
                            the last 365 days (``{"sensitive", "breaks"}``)
review_overdue              which of visit_overdue / two_month_interview_missing  10
                            hold (a list)
first_45_days               days in company since the practical start (< 45)      10
fragile                     the learner is flagged fragile                        10
housing_need                ``housing`` in the learner's needs                    5
transport_need              ``transport`` in the learner's needs                  5
under_18                    the learner's age on ``as_of`` (< 18)                 5
no_follow_up                days since the team's last entry (none in 60 days)    5
==========================  ====================================================  ==========

Weights and the warning (50) / critical (75) scores are parameters. ``review_overdue`` is
computed here from the two rules' own conditions (``visit_overdue.overdue``, the two-month
interview check), not from open alerts, so the score does not depend on a previous scan or
on alerts being dismissed; it uses the thresholds of its parameters ``visit_overdue_days`` and
``two_month_interview_days`` (defaults of those rules). One SQL query returns every running
contract with its raw numbers (correlated subqueries); Python adds the points."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AttendanceMark, Company, Contract, FollowUpEntry, Learner
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import (
    absences_threshold,
    common,
    no_follow_up,
    sensitive_company_placement,
    two_month_interview_missing,
    visit_overdue,
)
from app.services.alerts.rules.rupture_risk_score import Factors, score
from app.services.contract_lifecycle import TRIAL_PERIOD_DAYS

CODE = "rupture_risk"
ABSENCE_WINDOW_DAYS, INCIDENT_WINDOW_DAYS, BREAK_WINDOW_DAYS, FOLLOW_UP_DAYS = 30, 90, 365, 60
DEFAULTS: dict[str, Any] = {
    "points_per_unjustified_absence": 5,
    "max_points_absences": 30,
    "points_per_incident": 15,
    "max_points_incidents": 30,
    "points_company_at_risk": 15,
    "points_review_overdue": 10,
    "points_first_45_days": 10,
    "points_fragile": 10,
    "points_housing_need": 5,
    "points_transport_need": 5,
    "points_under_18": 5,
    "points_no_follow_up": 5,
    "warning_score": 50,
    "critical_score": 75,
    "visit_overdue_days": visit_overdue.DEFAULTS["days"],
    "two_month_interview_days": two_month_interview_missing.DEFAULTS["warning_days"],
}


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of = scope.as_of
    people = await common.directory(session, scope.organisation_id)
    absences = (
        select(func.count(AttendanceMark.id))
        .where(
            AttendanceMark.learner_id == Contract.learner_id,
            *absences_threshold.unjustified(as_of, ABSENCE_WINDOW_DAYS),
        )
        .scalar_subquery()
    )
    incidents = (
        select(func.count(FollowUpEntry.id))
        .where(
            FollowUpEntry.learner_id == Contract.learner_id,
            FollowUpEntry.kind == "incident",
            FollowUpEntry.occurred_on > common.days_before(as_of, INCIDENT_WINDOW_DAYS),
            FollowUpEntry.occurred_on <= as_of,
        )
        .scalar_subquery()
    )
    query = (
        select(
            Contract.id,
            Contract.learner_id,
            Contract.company_id,
            Contract.kind,
            Contract.start_date,
            Contract.practical_start_date,
            Learner.fragile,
            Learner.needs,
            Learner.birth_date,
            Company.sensitive,
            absences.label("absences"),
            incidents.label("incidents"),
            sensitive_company_placement.recent_breaks(
                as_of, BREAK_WINDOW_DAYS, Contract.company_id
            ).label("breaks"),
            visit_overdue.last_visit(as_of).label("last_visit_on"),
            visit_overdue.missed_review(as_of).scalar_subquery().label("missed_on"),
            two_month_interview_missing.interview_done(as_of).label("interview_done"),
            no_follow_up.last_team_entry(as_of, people.team_ids, Contract.learner_id).label(
                "last_entry_on"
            ),
            common.learner_referent(),
        )
        .join(Learner, Learner.id == Contract.learner_id)
        .join(Company, Company.id == Contract.company_id)
        .where(
            Contract.organisation_id == scope.organisation_id,
            common.in_scope(scope, Contract.learner_id),
            common.running(as_of),
        )
        .order_by(Contract.id)
    )
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        factors = Factors.from_row(row, as_of, params, FOLLOW_UP_DAYS, TRIAL_PERIOD_DAYS)
        total, listed = score(factors, params)
        reached = common.escalate(total, params["warning_score"], params["critical_score"])
        if reached is None:
            continue
        severity, threshold = reached
        findings.append(
            Finding(
                rule=CODE,
                subject_type="contract",
                subject_id=row.id,
                severity=severity,
                facts={"score": total, "threshold": threshold, "factors": listed},
                learner_id=row.learner_id,
                contract_id=row.id,
                company_id=row.company_id,
                owner_id=people.owner("referent", row.owner_id),
            )
        )
    return findings


def _limits() -> dict[str, tuple[type, float, float]]:
    limits: dict[str, tuple[type, float, float]] = {
        name: (int, 0, 100) for name in DEFAULTS if name.startswith(("points_", "max_points_"))
    }
    limits |= {"warning_score": (int, 1, 100), "critical_score": (int, 1, 100)}
    limits |= {"visit_overdue_days": (int, 1, 365), "two_month_interview_days": (int, 1, 365)}
    return limits


RULE = register(
    Rule(
        code=CODE,
        subject_type="contract",
        severity="warning",
        owner="referent",
        title={
            "fr": "Risque de rupture élevé",
            "en": "High risk of a break",
        },
        explanation={
            "fr": (
                "Score de risque de rupture : {score}/100 (seuil : {threshold}). C'est la somme "
                "plafonnée de facteurs pondérés, chacun listé avec sa contribution : absences "
                "injustifiées, incidents, entreprise sensible ou avec ruptures, visite ou "
                "entretien en retard, 45 premiers jours en entreprise, fragilité, besoins de "
                "logement ou de transport, moins de 18 ans, pas de suivi récent."
            ),
            "en": (
                "Break-risk score: {score}/100 (threshold: {threshold}). It is the capped sum "
                "of weighted factors, each listed with its contribution: unjustified absences, "
                "incidents, sensitive company or one with breaks, visit or interview overdue, "
                "first 45 days in company, fragility, housing or transport needs, under 18, no "
                "recent follow-up."
            ),
        },
        source=(
            "Practice: an explainable score, a documented weighted sum of risk factors "
            "(RULES.md, 'The break-risk score'); the weights are parameters."
        ),
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits=_limits(),
    )
)
