"""What the rules share: the running-contract condition in SQL, enrolment windows, the last
contract of each learner, owner resolution, and small pure helpers for facts.

Dates are bound parameters computed in Python (``as_of - timedelta(days=60)``) and compared
with columns, never SQL date functions: the same query then runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    exists,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import KeyedColumnElement

from app.models import (
    Cohort,
    Company,
    Contract,
    ContractStatus,
    Enrolment,
    Learner,
    Role,
    User,
    cohort_referents,
)
from app.services.alerts.catalogue import OwnerKind, Scope, Severity
from app.services.contract_lifecycle import IN_FORCE
from app.services.learner_status import HAPPENED

# Contract statuses of a contract not yet over: from draft to registered.
NEW_OR_LIVE = (
    ContractStatus.draft.value,
    ContractStatus.signed.value,
    ContractStatus.filed.value,
    ContractStatus.registered.value,
)
# The CFA's own team: their follow-up entries count as "follow-up by staff".
TEAM_ROLES = frozenset(
    {Role.admin, Role.coordinator, Role.company_relations, Role.referent, Role.staff}
)
APPRENTICESHIP = "apprenticeship"


def days_before(as_of: date, days: int) -> date:
    """``as_of`` minus ``days``, clamped at the calendar's ends (huge thresholds stay valid)."""
    try:
        return as_of - timedelta(days=days)
    except OverflowError:
        return date.min if days > 0 else date.max


def days_after(as_of: date, days: int) -> date:
    return days_before(as_of, -days)


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def escalate(value: float, warning: float, critical: float) -> tuple[Severity, float] | None:
    """The severity reached by ``value`` (warning at ``warning``, critical at ``critical``)
    and the threshold crossed; None below both."""
    if value >= critical:
        return "critical", critical
    if value >= warning:
        return "warning", warning
    return None


# --- SQL fragments ---------------------------------------------------------------------------


def running(as_of: date, contract: Any = Contract) -> ColumnElement[bool]:
    """SQL twin of ``contract_lifecycle.is_running`` (and ``learner_status.is_running``), for
    ``Contract`` or an alias of it: signed, filed or registered within its dates, or broken
    with a break date after ``as_of``. Never NULL, so it may be negated."""
    return and_(
        contract.start_date <= as_of,
        contract.end_date >= as_of,
        or_(
            contract.status.in_([s.value for s in IN_FORCE]),
            and_(
                contract.status == ContractStatus.broken.value,
                contract.break_date.is_not(None),
                contract.break_date > as_of,
            ),
        ),
    )


def learner_has_running_contract(as_of: date, learner_id: Any) -> ColumnElement[bool]:
    other = aliased(Contract)
    return exists(select(other.id).where(other.learner_id == learner_id, running(as_of, other)))


def in_scope(scope: Scope, learner_id: Any) -> ColumnElement[bool]:
    """Narrow to the scope's learners (a change's subjects), or keep everything."""
    if scope.learner_ids is None:
        return true()
    return learner_id.in_(sorted(set(scope.learner_ids)))


def open_enrolments(scope: Scope) -> Subquery:
    """Per learner with an enrolment open on ``as_of`` (started, not ended; an enrolment
    without end date ends with its cohort, as in ``learner_status``): the earliest start of
    those enrolments, ``enrolled_on``."""
    as_of = scope.as_of
    ends_on = func.coalesce(Enrolment.end_date, Cohort.end_date)
    return (
        select(Enrolment.learner_id, func.min(Enrolment.start_date).label("enrolled_on"))
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(
            Enrolment.organisation_id == scope.organisation_id,
            Enrolment.start_date <= as_of,
            or_(ends_on.is_(None), ends_on > as_of),
            in_scope(scope, Enrolment.learner_id),
        )
        .group_by(Enrolment.learner_id)
        .subquery("enrolled")
    )


def last_contract_id(as_of: date, learner_id: Any) -> ColumnElement[Any]:
    """SQL: the id of the learner's last contract that happened (signed or further, started
    by ``as_of``): the latest start, as ``learner_status`` picks it. A correlated subquery
    on the learner index (SQLite would scan a joined window-function subquery per row)."""
    contract = aliased(Contract)
    return (
        select(contract.id)
        .where(
            contract.learner_id == learner_id,
            contract.status.in_([s.value for s in HAPPENED]),
            contract.start_date <= as_of,
        )
        .order_by(contract.start_date.desc(), contract.end_date.desc(), contract.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def referent_of(learner_id: Any, referent_id: Any) -> ColumnElement[Any]:
    """The learner's referent when active, else an active referent of the cohort of their
    latest enrolment (lowest id among several), else NULL (the coordinator, in Python).
    Aliases inside, so that the subqueries never correlate with the caller's own tables."""
    user, enrolment = aliased(User), aliased(Enrolment)
    direct = select(user.id).where(user.id == referent_id, user.active.is_(True))
    via_cohort = (
        select(cohort_referents.c.user_id)
        .join(enrolment, enrolment.cohort_id == cohort_referents.c.cohort_id)
        .join(user, user.id == cohort_referents.c.user_id)
        .where(enrolment.learner_id == learner_id, user.active.is_(True))
        .order_by(enrolment.start_date.desc(), cohort_referents.c.user_id)
        .limit(1)
    )
    return func.coalesce(direct.scalar_subquery(), via_cohort.scalar_subquery())


def learner_referent(name: str = "owner_id") -> KeyedColumnElement[Any]:
    return referent_of(Learner.id, Learner.referent_id).label(name)


def company_owner(
    owner_id: Any = Company.owner_id, name: str = "owner_id"
) -> KeyedColumnElement[Any]:
    """The company's owner (company relations) when active, else NULL (the coordinator)."""
    user = aliased(User)
    active = select(user.id).where(user.id == owner_id, user.active.is_(True))
    return active.scalar_subquery().label(name)


@dataclass(frozen=True)
class WithoutContract:
    """The query of ``without_running_contract`` and its subqueries, to add conditions on."""

    query: Select[Any]
    enrolled: Subquery
    last: Any  # an alias of Contract: the last contract, NULL columns when none


def without_running_contract(scope: Scope) -> WithoutContract:
    """Learners enrolled on ``as_of`` with no running contract, with their enrolment start,
    referent, and last contract (NULLs when none) and its company's owner: the rows of
    ``no_employer_after_window`` and ``between_contracts_too_long``."""
    enrolled = open_enrolments(scope)
    last = aliased(Contract, name="last_contract")
    query = (
        select(
            Learner.id,
            learner_referent("referent_id"),
            enrolled.c.enrolled_on,
            last.id.label("contract_id"),
            last.status,
            last.start_date,
            last.end_date,
            last.break_date,
            last.company_id,
            company_owner(Company.owner_id, "company_owner_id"),
        )
        .join(enrolled, enrolled.c.learner_id == Learner.id)
        .outerjoin(last, last.id == last_contract_id(scope.as_of, Learner.id))
        .outerjoin(Company, Company.id == last.company_id)
        .where(
            Learner.organisation_id == scope.organisation_id,
            in_scope(scope, Learner.id),
            ~learner_has_running_contract(scope.as_of, Learner.id),
        )
        .order_by(Learner.id)
    )
    return WithoutContract(query, enrolled, last)


# --- people ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Directory:
    """The organisation's people the rules fall back on, loaded once per rule evaluation."""

    coordinator_id: str | None
    staff_id: str | None
    team_ids: tuple[str, ...]  # every team member, active or not (their entries still count)

    def owner(self, kind: OwnerKind, resolved: str | None = None) -> str | None:
        """``resolved`` (the referent or company owner found in SQL), else the first active
        staff member for staff rules, else the first active coordinator."""
        if resolved:
            return resolved
        if kind == "staff" and self.staff_id:
            return self.staff_id
        return self.coordinator_id


async def directory(session: AsyncSession, organisation_id: str) -> Directory:
    # Roles are a JSON list: filtered here rather than with engine-specific JSON operators.
    rows: Sequence[Any] = (
        await session.execute(
            select(User.id, User.roles, User.active)
            .where(User.organisation_id == organisation_id)
            .order_by(User.created_at, User.id)
        )
    ).all()

    def first(role: Role) -> str | None:
        return next((r.id for r in rows if r.active and role in (r.roles or [])), None)

    team = tuple(r.id for r in rows if TEAM_ROLES & set(r.roles or []))
    return Directory(first(Role.coordinator), first(Role.staff), team)
