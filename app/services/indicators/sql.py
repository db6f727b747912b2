"""SQL shared by the indicator families: the engine-specific bits (date differences, month
keys), the common shape of a "facts" row, and the scope/grouping columns added around it.

Every family builds a SELECT with the columns of ``FACT_COLUMNS`` (one row per record behind
the indicator); ``facts`` wraps it with programme, owner and referent and the caller's scope.
Dates are bound parameters computed in Python wherever an offset is needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Integer,
    Select,
    String,
    Subquery,
    case,
    cast,
    func,
    literal,
    null,
    select,
)
from sqlalchemy.orm import aliased

from app.core.principal import Principal
from app.models import Cohort, Company, Enrolment, Learner
from app.services import scope

# record_id, learner_id, contract_id, company_id, cohort_id, on (event date, for months),
# hit (1/0 for a rate's numerator, NULL for counts), days (for medians), rule, severity.
FACT_COLUMNS = (
    "record_id",
    "learner_id",
    "contract_id",
    "company_id",
    "cohort_id",
    "on",
    "hit",
    "days",
    "rule",
    "severity",
)

# Typed NULLs: PostgreSQL must know what sum(hit) or avg(days) adds when a family has none.
NULL_TYPES: dict[str, Any] = {"on": Date, "hit": Integer, "days": Float}


@dataclass(frozen=True)
class Window:
    principal: Principal
    start: date
    end: date
    dialect: str  # "sqlite" | "postgresql"
    team_ids: tuple[str, ...] = ()

    @property
    def organisation_id(self) -> str:
        return self.principal.organisation_id


def days_between(later: Any, earlier: Any, dialect: str, timestamps: bool = False) -> Any:
    """``later - earlier`` in days: SQLite has no date arithmetic (julianday), PostgreSQL
    subtracts dates to an integer and timestamps to an interval (epoch seconds / 86400)."""
    if dialect == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    if timestamps:
        return func.extract("epoch", later - earlier) / 86400.0
    return later - earlier


def month_key(day: Any, dialect: str) -> Any:
    if dialect == "sqlite":
        return func.strftime("%Y-%m", day)
    return func.to_char(day, "YYYY-MM")


def flag(condition: ColumnElement[bool]) -> Any:
    """A condition as 1/0, summable on both engines."""
    return cast(case((condition, 1), else_=0), Integer)


def learner_cohort(learner_id: Any, as_of: date | None = None) -> Any:
    """The cohort of the learner's latest enrolment (started by ``as_of`` when given): a
    learner's cohort, and a contract's when it names none."""
    enrolment = aliased(Enrolment)
    started = enrolment.start_date <= as_of if as_of is not None else literal(True)
    return (
        select(enrolment.cohort_id)
        .where(enrolment.learner_id == learner_id, started)
        .order_by(enrolment.start_date.desc(), enrolment.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def columns(**given: Any) -> list[Any]:
    """The fact columns in order, NULL for those a family does not have."""
    return [
        (
            cast(null(), NULL_TYPES.get(name, String)) if given.get(name) is None else given[name]
        ).label(name)
        for name in FACT_COLUMNS
    ]


def facts(inner: Select[Any], window: Window) -> Subquery:
    """The family's rows with programme, owner (the company's company-relations owner) and
    referent (the learner's referent), narrowed to the caller's scope."""
    raw = inner.subquery("raw")
    principal = window.principal
    query = (
        select(
            *raw.c,
            Cohort.programme_id.label("programme_id"),
            Company.owner_id.label("owner_id"),
            Learner.referent_id.label("referent_id"),
        )
        .outerjoin(Cohort, Cohort.id == raw.c.cohort_id)
        .outerjoin(Company, Company.id == raw.c.company_id)
        .outerjoin(Learner, Learner.id == raw.c.learner_id)
    )
    if not principal.sees_whole_organisation:
        # A referent counts only their learners: rows about no learner are not theirs.
        query = query.where(raw.c.learner_id.in_(scope.visible_learner_ids(principal)))
    return query.subquery("facts")
