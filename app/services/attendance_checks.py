"""The rules of an attendance mark, shared by single marks and the register: a well-formed slot
and status, a learner the caller sees and who is enrolled on the day, and who may record it.

Who records depends on where the learner should be that day (the cohort calendar): on a
``company`` day, the learner's tutor (on a contract running that day) or the CFA's office
(admin, coordinator, staff); on any other day (``cfa``, ``off``, or no calendar), the CFA: its
office and the learner's referent, never the tutor. Company relations and read-only roles
record nothing. Checks work on many learners at once, so a register costs a few queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Forbidden
from app.models import CalendarDay, Cohort, Contract, Enrolment, Learner, Role, Tutor
from app.services import scope
from app.services.contract_lifecycle import running_condition
from app.services.organisations import local_today

OFFICE = frozenset({Role.admin, Role.coordinator, Role.staff})
RECORDERS = OFFICE | {Role.referent, Role.tutor}
EARLIEST = date(2000, 1, 1)
# Tomorrow is accepted: a client a few time zones away may already be there.
GRACE = timedelta(days=1)
Loc = list[str | int]


def error(loc: Loc, msg: str) -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": "value_error"}


def slot_errors(half_day: str, session_label: str, day: date, loc: Loc) -> list[dict[str, Any]]:
    errors = []
    if half_day == "session" and not session_label:
        errors.append(error([*loc, "session_label"], "A session mark names its session."))
    if half_day != "session" and session_label:
        errors.append(error([*loc, "session_label"], "Only a `session` mark has a label."))
    if day < EARLIEST:
        errors.append(error([*loc, "day"], f"Not before {EARLIEST}."))
    return errors


def status_errors(values: dict[str, Any], day: date, today: date, loc: Loc) -> list[dict[str, Any]]:
    """``values`` holds the mark's final status and minutes."""
    status, minutes = values["status"], values.get("minutes")
    errors = []
    if status == "late" and minutes is None:
        errors.append(error([*loc, "minutes"], "A late mark says how many minutes late."))
    if status != "late" and minutes is not None:
        errors.append(error([*loc, "minutes"], "Only a late mark has minutes."))
    if status != "excused" and day > today + GRACE:
        errors.append(
            error([*loc, "status"], f"{day} is ahead: only an excused absence is recorded early.")
        )
    return errors


async def today(session: AsyncSession, principal: Principal) -> date:
    return await local_today(session, principal.organisation_id)


def as_role(principal: Principal, role: Role) -> Principal:
    """The same caller seen through one of their roles only."""
    return Principal(
        kind=principal.kind,
        id=principal.id,
        organisation_id=principal.organisation_id,
        roles=frozenset({role}),
    )


def check_may_record_at_all(principal: Principal) -> None:
    if not principal.has_any(RECORDERS):
        raise Forbidden("Your role reads attendance but may not record it.")


async def visible_learners(
    session: AsyncSession, principal: Principal, learner_ids: Iterable[str]
) -> set[str]:
    rows = await session.scalars(
        select(Learner.id).where(
            Learner.id.in_(sorted(set(learner_ids))), scope.learner_condition(principal)
        )
    )
    return set(rows)


async def enrolled_cohorts(
    session: AsyncSession, principal: Principal, learner_ids: Iterable[str], day: date
) -> dict[str, list[str]]:
    """Per learner, the cohorts they are enrolled in on ``day`` (latest enrolment first). An
    enrolment without end date ends with its cohort; the last day counts."""
    ends_on = func.coalesce(Enrolment.end_date, Cohort.end_date)
    rows = await session.execute(
        select(Enrolment.learner_id, Enrolment.cohort_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Enrolment.organisation_id == principal.organisation_id,
            Enrolment.learner_id.in_(sorted(set(learner_ids))),
            Enrolment.start_date <= day,
            or_(ends_on.is_(None), ends_on >= day),
        )
        .order_by(Enrolment.start_date.desc(), Enrolment.id)
    )
    found: dict[str, list[str]] = {}
    for learner_id, cohort_id in rows.all():
        found.setdefault(learner_id, []).append(cohort_id)
    return found


async def cohort_exists(session: AsyncSession, principal: Principal, cohort_id: str) -> bool:
    found = await session.scalar(
        select(Cohort.id).where(
            Cohort.id == cohort_id, Cohort.organisation_id == principal.organisation_id
        )
    )
    return found is not None


async def day_kind(session: AsyncSession, cohort_id: str | None, day: date) -> str:
    """``cfa``, ``company`` or ``off`` from the cohort calendar; ``cfa`` when none says."""
    if cohort_id is None:
        return "cfa"
    kind = await session.scalar(
        select(CalendarDay.kind).where(CalendarDay.cohort_id == cohort_id, CalendarDay.day == day)
    )
    return kind or "cfa"


async def _tutored_on(
    session: AsyncSession, principal: Principal, learner_ids: Sequence[str], day: date
) -> set[str]:
    mine = select(Tutor.id).where(
        Tutor.organisation_id == principal.organisation_id, Tutor.user_id == principal.id
    )
    rows = await session.scalars(
        select(Contract.learner_id).where(
            Contract.organisation_id == principal.organisation_id,
            Contract.learner_id.in_(sorted(set(learner_ids))),
            Contract.tutor_id.in_(mine),
            running_condition(day),
        )
    )
    return set(rows)


async def forbidden_rows(
    session: AsyncSession,
    principal: Principal,
    cohort_id: str | None,
    day: date,
    learner_ids: Sequence[str],
) -> tuple[str, list[int]]:
    """The kind of ``day`` and the indexes of ``learner_ids`` the caller may not record."""
    kind = await day_kind(session, cohort_id, day)
    if principal.has_any(OFFICE):
        return kind, []
    allowed: set[str] = set()
    if kind == "company" and Role.tutor in principal.roles:
        allowed = await _tutored_on(session, principal, learner_ids, day)
    if kind != "company" and Role.referent in principal.roles:
        referent = as_role(principal, Role.referent)
        allowed = await visible_learners(session, referent, learner_ids)
    return kind, [i for i, learner_id in enumerate(learner_ids) if learner_id not in allowed]


def refusal(kind: str, day: date) -> str:
    if kind == "company":
        return (
            f"{day} is a company day: the learner's tutor (on a contract running that day) or "
            "the CFA's office records it."
        )
    return f"{day} is a CFA day: the CFA's office or the learner's referent records it."


async def check_may_record(
    session: AsyncSession, principal: Principal, learner_id: str, cohort_id: str | None, day: date
) -> None:
    kind, refused = await forbidden_rows(session, principal, cohort_id, day, [learner_id])
    if refused:
        raise Forbidden(refusal(kind, day))
