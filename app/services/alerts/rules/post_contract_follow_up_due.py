"""``post_contract_follow_up_due``: a learner whose contract was ``completed`` 30, 90 or 180
days ago (± 7 days) and who has no ``post_contract`` follow-up entry for that checkpoint.

Each checkpoint needs its own entry: an entry counts for the first checkpoint from the
contract's end on, and for a later one from the day after the previous checkpoint's window
closed (for 90: from day 38). Reading "no entry since the end" literally, one entry at day 30
would silence the 90- and 180-day checkpoints, which the seed asks for. With several
completed contracts in a window, the latest one counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Contract, ContractStatus, FollowUpEntry, Learner
from app.services.alerts.catalogue import Finding, Rule, Scope, register
from app.services.alerts.rules import common

CODE = "post_contract_follow_up_due"
DEFAULTS: dict[str, Any] = {
    "first_days": 30,
    "second_days": 90,
    "third_days": 180,
    "tolerance_days": 7,
}


def checkpoint(
    ended_on: date, as_of: date, checkpoints: list[int], tolerance: int
) -> tuple[int, date] | None:
    """The checkpoint whose window ``as_of`` is in, and the day from which an entry counts."""
    elapsed = (as_of - ended_on).days
    previous: int | None = None
    found: tuple[int, date] | None = None
    for days in checkpoints:
        if abs(elapsed - days) <= tolerance:
            after_previous = timedelta(days=previous + tolerance + 1) if previous else None
            since = ended_on + after_previous if after_previous else ended_on
            found = (days, since)
        previous = days
    return found


async def evaluate(session: AsyncSession, scope: Scope, params: dict[str, Any]) -> list[Finding]:
    as_of, tolerance = scope.as_of, params["tolerance_days"]
    checkpoints = sorted({params["first_days"], params["second_days"], params["third_days"]})
    people = await common.directory(session, scope.organisation_id)
    windows = [
        Contract.end_date.between(
            common.days_before(as_of, days + tolerance), common.days_before(as_of, days - tolerance)
        )
        for days in checkpoints
    ]
    last_entry = (
        select(func.max(FollowUpEntry.occurred_on))
        .where(
            FollowUpEntry.learner_id == Contract.learner_id,
            FollowUpEntry.kind == "post_contract",
            FollowUpEntry.occurred_on <= as_of,
        )
        .scalar_subquery()
    )
    query = (
        select(
            Contract.id,
            Contract.learner_id,
            Contract.company_id,
            Contract.end_date,
            last_entry.label("last_entry_on"),
            common.learner_referent(),
        )
        .join(Learner, Learner.id == Contract.learner_id)
        .where(
            Contract.organisation_id == scope.organisation_id,
            common.in_scope(scope, Contract.learner_id),
            Contract.status == ContractStatus.completed.value,
            or_(*windows),
        )
        .order_by(Contract.learner_id, Contract.end_date.desc(), Contract.id)
    )
    findings: dict[str, Finding] = {}
    seen: set[str] = set()
    for row in (await session.execute(query)).all():
        if row.learner_id in seen:
            continue  # an earlier row was the learner's latest completed contract
        seen.add(row.learner_id)
        due = checkpoint(row.end_date, as_of, checkpoints, tolerance)
        if due is None:
            continue
        days, since = due
        if row.last_entry_on is not None and row.last_entry_on >= since:
            continue
        findings[row.learner_id] = Finding(
            rule=CODE,
            subject_type="learner",
            subject_id=row.learner_id,
            severity="info",
            facts={
                "days_since_end": (as_of - row.end_date).days,
                "checkpoint_days": days,
                "tolerance_days": tolerance,
                "contract_ended_on": common.iso(row.end_date),
                "last_post_contract_entry_on": common.iso(row.last_entry_on),
            },
            learner_id=row.learner_id,
            contract_id=row.id,
            company_id=row.company_id,
            owner_id=people.owner("referent", row.owner_id),
        )
    return list(findings.values())


RULE = register(
    Rule(
        code=CODE,
        subject_type="learner",
        severity="info",
        owner="referent",
        title={
            "fr": "Suivi après contrat à faire",
            "en": "Post-contract follow-up due",
        },
        explanation={
            "fr": (
                "Contrat terminé le {contract_ended_on}, il y a {days_since_end} jours : le "
                "point de suivi à {checkpoint_days} jours (± {tolerance_days}) n'est pas encore "
                "noté (dernier suivi après contrat : {last_post_contract_entry_on}). Suivre "
                "l'insertion de l'apprenant·e dans l'emploi."
            ),
            "en": (
                "Contract completed on {contract_ended_on}, {days_since_end} days ago: the "
                "{checkpoint_days}-day follow-up (± {tolerance_days}) is not recorded yet "
                "(last post-contract entry: {last_post_contract_entry_on}). Follow the "
                "learner into employment."
            ),
        },
        source="Seeds: follow the learner into employment for the first months.",
        defaults=DEFAULTS,
        evaluate=evaluate,
        limits={
            "first_days": (int, 1, 730),
            "second_days": (int, 1, 730),
            "third_days": (int, 1, 730),
            "tolerance_days": (int, 0, 60),
        },
    )
)
