"""``contract_not_filed``: a contract still ``draft`` or ``signed`` more than 5 days after its
start (the employer must send it to the OPCO within 5 working days).

By default calendar days count (``as_of - start_date > max_days``); with ``working_days`` on,
Mondays to Fridays after the start up to ``as_of`` count instead (public holidays are not
known to Relais and count as working days). SQL keeps the contracts past the calendar bound,
which every working-day count also needs; Python counts the working days of those rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Contract, ContractStatus
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "contract_not_filed"
UNFILED = (ContractStatus.draft.value, ContractStatus.signed.value)
DEFAULTS: dict[str, Any] = {"max_days": 5, "working_days": False}


def working_days_between(start: date, end: date) -> int:
    """Mondays to Fridays in (start, end]: the days after the start, up to ``end``."""
    if end <= start:
        return 0
    total = (end - start).days
    weeks, rest = divmod(total, 7)
    count = weeks * 5
    day = start + timedelta(days=weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        count += day.weekday() < 5
    return count


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of = scope.as_of
    max_days, working = int(params["max_days"]), bool(params["working_days"])
    people = await common.directory(session, scope.organisation_id)
    query = (
        select(
            Contract.id,
            Contract.learner_id,
            Contract.company_id,
            Contract.status,
            Contract.start_date,
        )
        .where(
            Contract.organisation_id == scope.organisation_id,
            common.in_scope(scope, Contract.learner_id),
            Contract.status.in_(UNFILED),
            Contract.start_date < common.days_before(as_of, max_days),
        )
        .order_by(Contract.id)
    )
    findings: list[Finding] = []
    for row in (await session.execute(query)).all():
        calendar_days = (as_of - row.start_date).days
        days = working_days_between(row.start_date, as_of) if working else calendar_days
        if days <= max_days:
            continue
        findings.append(
            Finding(
                rule=CODE,
                subject_type="contract",
                subject_id=row.id,
                severity="critical",
                facts={
                    "days_since_start": days,
                    "threshold_days": max_days,
                    "day_count": "working" if working else "calendar",
                    "start_date": common.iso(row.start_date),
                    "status": row.status,
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
        severity="critical",
        owner="staff",
        title={
            "fr": "Contrat non transmis à l'OPCO",
            "en": "Contract not filed with the OPCO",
        },
        explanation={
            "fr": (
                "Contrat commencé le {start_date} et toujours au statut « {status} » "
                "{days_since_start} jours après (délai : {threshold_days} jours). L'employeur "
                "doit transmettre le contrat à l'OPCO dans les 5 jours ouvrables qui suivent "
                "son début ; un contrat non déposé n'est pas financé."
            ),
            "en": (
                "Contract started on {start_date} and still '{status}' {days_since_start} days "
                "later (limit: {threshold_days} days). The employer must send the contract to "
                "the OPCO within 5 working days of its start; an unfiled contract is not "
                "funded."
            ),
        },
        source=(
            "Labour code D6224-1: the employer sends the contract to the OPCO within 5 working "
            "days of its start (calendar days by default; working days as a parameter)."
        ),
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={"max_days": (int, 0, 90), "working_days": (bool, 0, 1)},
    )
)
