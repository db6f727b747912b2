"""``no_follow_up``: an enrolled learner with no follow-up entry by the CFA's team in the last
60 days.

"By staff" means written by a member of the team (admin, coordinator, company relations,
referent, staff: ``common.TEAM_ROLES``), not by a tutor, the learner, a prescriber or a
machine client. A learner enrolled for less than 60 days is not flagged yet: the count starts
at the enrolment (the earliest open one) or at the last entry, whichever is later."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import FollowUpEntry, Learner
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "no_follow_up"
DEFAULTS: dict[str, Any] = {"days": 60}


def last_team_entry(as_of: date, team_ids: tuple[str, ...], learner_id: Any) -> Any:
    """SQL: the date of the learner's last entry written by the team, by ``as_of``."""
    return (
        select(func.max(FollowUpEntry.occurred_on))
        .where(
            FollowUpEntry.learner_id == learner_id,
            FollowUpEntry.author_id.in_(team_ids),
            FollowUpEntry.occurred_on <= as_of,
        )
        .scalar_subquery()
    )


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of, days = scope.as_of, params["days"]
    people = await common.directory(session, scope.organisation_id)
    enrolled = common.open_enrolments(scope)
    last = last_team_entry(as_of, people.team_ids, Learner.id)
    bound = common.days_before(as_of, days)
    query = (
        select(
            Learner.id,
            enrolled.c.enrolled_on,
            last.label("last_entry_on"),
            common.learner_referent(),
        )
        .join(enrolled, enrolled.c.learner_id == Learner.id)
        .where(
            Learner.organisation_id == scope.organisation_id,
            enrolled.c.enrolled_on <= bound,
            or_(last.is_(None), last <= bound),
        )
        .order_by(Learner.id)
    )
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        since = max(row.enrolled_on, row.last_entry_on or row.enrolled_on)
        findings.append(
            Finding(
                rule=CODE,
                subject_type="learner",
                subject_id=row.id,
                severity="info",
                facts={
                    "days_without_follow_up": (as_of - since).days,
                    "threshold_days": days,
                    "last_follow_up_on": common.iso(row.last_entry_on),
                    "enrolled_on": common.iso(row.enrolled_on),
                },
                learner_id=row.id,
                owner_id=people.owner("referent", row.owner_id),
            )
        )
    return findings


RULE = register(
    Rule(
        code=CODE,
        subject_type="learner",
        severity="info",
        owner="referent",
        title={
            "fr": "Pas de suivi récent",
            "en": "No recent follow-up",
        },
        explanation={
            "fr": (
                "Aucune entrée de suivi par l'équipe depuis {days_without_follow_up} jours "
                "(dernière : {last_follow_up_on} ; inscription le {enrolled_on} ; seuil : "
                "{threshold_days} jours). Prévoir un point de suivi formel."
            ),
            "en": (
                "No follow-up entry by the team for {days_without_follow_up} days (last: "
                "{last_follow_up_on}; enrolled on {enrolled_on}; threshold: {threshold_days} "
                "days). Plan a formal follow-up point."
            ),
        },
        source="Seed: regular, formal follow-up points.",
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"days": (int, 1, 365)},
    )
)
