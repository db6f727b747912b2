"""``absences_threshold``: too many unjustified absent half-days in the last 30 days.

Counted: attendance marks with status ``absent`` and ``justified`` false, dated in the 30
days ending on ``as_of`` (``as_of - 29`` to ``as_of``). A ``session`` mark counts as one
half-day; ``late`` and ``excused`` marks do not count."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AttendanceMark, Learner
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "absences_threshold"
DEFAULTS: dict[str, Any] = {"warning_count": 4, "critical_count": 8, "window_days": 30}


def unjustified(as_of: date, window_days: int) -> tuple[ColumnElement[bool], ...]:
    """SQL: the conditions of an unjustified absence in the window ending on ``as_of``."""
    return (
        AttendanceMark.status == "absent",
        AttendanceMark.justified.is_(false()),
        AttendanceMark.day > common.days_before(as_of, window_days),
        AttendanceMark.day <= as_of,
    )


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    warning, critical = params["warning_count"], params["critical_count"]
    window = params["window_days"]
    people = await common.directory(session, scope.organisation_id)
    counted = (
        select(AttendanceMark.learner_id, func.count(AttendanceMark.id).label("absences"))
        .where(
            AttendanceMark.organisation_id == scope.organisation_id,
            common.in_scope(scope, AttendanceMark.learner_id),
            *unjustified(scope.as_of, window),
        )
        .group_by(AttendanceMark.learner_id)
        .having(func.count(AttendanceMark.id) >= min(warning, critical))
        .subquery("counted")
    )
    query = (
        select(Learner.id, counted.c.absences, common.learner_referent())
        .join(counted, counted.c.learner_id == Learner.id)
        .where(Learner.organisation_id == scope.organisation_id)
        .order_by(Learner.id)
    )
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        reached = common.escalate(row.absences, warning, critical)
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
                    "unjustified_absences": row.absences,
                    "threshold": threshold,
                    "window_days": window,
                    "since": common.iso(common.days_before(scope.as_of, window - 1)),
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
        severity="warning",
        owner="referent",
        title={
            "fr": "Absences injustifiées répétées",
            "en": "Repeated unjustified absences",
        },
        explanation={
            "fr": (
                "{unjustified_absences} demi-journées d'absence injustifiée sur les "
                "{window_days} derniers jours (depuis le {since} ; seuil : {threshold}). Les "
                "absences sont le premier signe d'une rupture."
            ),
            "en": (
                "{unjustified_absences} unjustified absent half-days in the last {window_days} "
                "days (since {since}; threshold: {threshold}). Absences are the first sign of "
                "a break."
            ),
        },
        source="Practice: absences are the first sign of a break.",
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={
            "warning_count": (int, 1, 100),
            "critical_count": (int, 1, 100),
            "window_days": (int, 1, 365),
        },
    )
)
