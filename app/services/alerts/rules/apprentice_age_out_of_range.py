"""``apprentice_age_out_of_range``: an apprenticeship (not over: draft to registered, ending
on or after ``as_of``) whose learner is under 16 or 30 or older on its start date.

The age is computed in SQL from date parts (``extract`` works on both engines) so that only
the contracts out of range come back; Python recomputes it for the facts. A learner without
a birth date is not flagged (nothing to check). The legal exceptions (15 after collège; no
upper limit with RQTH, for top-level athletes or a business creation) are for a human."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, extract, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Contract, Learner
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "apprentice_age_out_of_range"
DEFAULTS: dict[str, Any] = {"min_age": 16, "max_age": 29}


def age_at(birth: Any, day: Any) -> ColumnElement[Any]:
    """SQL: whole years from ``birth`` to ``day`` (one less before the birthday)."""
    years = extract("year", day) - extract("year", birth)
    day_of_year = extract("month", day) * 100 + extract("day", day)
    birthday = extract("month", birth) * 100 + extract("day", birth)
    return years - case((day_of_year < birthday, 1), else_=0)


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    youngest, oldest = params["min_age"], params["max_age"]
    people = await common.directory(session, scope.organisation_id)
    age = age_at(Learner.birth_date, Contract.start_date)
    query = (
        select(
            Contract.id,
            Contract.learner_id,
            Contract.company_id,
            Contract.start_date,
            Learner.birth_date,
        )
        .join(Learner, Learner.id == Contract.learner_id)
        .where(
            Contract.organisation_id == scope.organisation_id,
            common.in_scope(scope, Contract.learner_id),
            Contract.kind == common.APPRENTICESHIP,
            Contract.status.in_(common.NEW_OR_LIVE),
            Contract.end_date >= scope.as_of,
            Learner.birth_date.is_not(None),
            (age < youngest) | (age > oldest),
        )
        .order_by(Contract.id)
    )
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        years = common.age_on(row.birth_date, row.start_date)
        findings.append(
            Finding(
                rule=CODE,
                subject_type="contract",
                subject_id=row.id,
                severity="warning",
                facts={
                    "age_at_start": years,
                    "min_age": youngest,
                    "max_age": oldest,
                    "birth_date": common.iso(row.birth_date),
                    "start_date": common.iso(row.start_date),
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
            "fr": "Âge de l'apprenti·e hors des limites",
            "en": "Apprentice's age out of range",
        },
        explanation={
            "fr": (
                "Âge de l'apprenti·e au début du contrat, le {start_date} : {age_at_start} ans "
                "(limites : {min_age} à {max_age} ans). Vérifier si une exception s'applique : "
                "15 ans après la classe de 3e ; pas de limite d'âge avec une RQTH, pour un·e "
                "sportif·ve de haut niveau ou un projet de création d'entreprise."
            ),
            "en": (
                "The apprentice is {age_at_start} at the contract's start on {start_date} "
                "(limits: {min_age} to {max_age}). Check whether an exception applies: 15 "
                "after finishing collège; no age limit with RQTH, for top-level athletes or a "
                "business creation."
            ),
        },
        source=(
            "Labour code L6222-1: 16 to 29 at the start (15 after finishing collège; no limit "
            "with RQTH, top-level athletes, business creation)."
        ),
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"min_age": (int, 14, 30), "max_age": (int, 16, 99)},
    )
)
