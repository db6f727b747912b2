"""Attendance rates of a learner, a cohort (with one line per learner) or everything the caller
sees, over a window of days: counts in SQL (one GROUP BY), rates from the counts.

As INDICATORS.md: ``absence_rate`` is (absent + excused) / marks and
``unjustified_absence_rate`` is unjustified absent / marks; a rate without marks is null,
never 0. Only marks the caller may see are counted."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import ValidationFailed, not_found
from app.models import AttendanceMark, Learner
from app.schemas.attendance import AttendanceCounts, AttendanceRates, LearnerAttendance
from app.services import attendance_checks as checks
from app.services import scope
from app.services.attendance import attendance

STATUSES = ("present", "absent", "late", "excused")


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _columns() -> list[Any]:
    mark = AttendanceMark
    late_minutes = func.coalesce(mark.minutes, 0)
    return [
        func.count(mark.id).label("marks"),
        *(_count(mark.status == status).label(status) for status in STATUSES),
        _count(and_(mark.status == "absent", mark.justified.is_(false()))).label(
            "unjustified_absent"
        ),
        func.coalesce(func.sum(case((mark.status == "late", late_minutes), else_=0)), 0).label(
            "late_minutes"
        ),
    ]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _counts(row: Any) -> dict[str, Any]:
    counts: dict[str, Any] = {name: int(getattr(row, name) or 0) for name in ("marks", *STATUSES)}
    counts["unjustified_absent"] = int(row.unjustified_absent or 0)
    counts["late_minutes"] = int(row.late_minutes or 0)
    counts["absence_rate"] = _rate(counts["absent"] + counts["excused"], counts["marks"])
    counts["unjustified_absence_rate"] = _rate(counts["unjustified_absent"], counts["marks"])
    return counts


async def rates(
    session: AsyncSession,
    principal: Principal,
    learner_id: str | None,
    cohort_id: str | None,
    from_: date | None,
    to: date | None,
) -> AttendanceRates:
    if from_ is not None and to is not None and to < from_:
        raise ValidationFailed.on(["query", "to"], "to is before from.")
    if learner_id is not None:
        seen = await session.scalar(
            select(Learner.id).where(Learner.id == learner_id, scope.learner_condition(principal))
        )
        if seen is None:
            raise not_found("learner", learner_id)
    if cohort_id is not None and not await checks.cohort_exists(session, principal, cohort_id):
        raise not_found("cohort", cohort_id)
    filters = {"learner_id": learner_id, "cohort_id": cohort_id, "from": from_, "to": to}
    marks = attendance.filter(select(*_columns()), filters).where(attendance.condition(principal))
    totals = (await session.execute(marks)).one()
    learners = None
    if cohort_id is not None:
        rows = await session.execute(
            marks.add_columns(AttendanceMark.learner_id)
            .group_by(AttendanceMark.learner_id)
            .order_by(AttendanceMark.learner_id)
        )
        learners = [
            LearnerAttendance(learner_id=row.learner_id, **_counts(row)) for row in rows.all()
        ]
    return AttendanceRates(
        from_=from_,
        to=to,
        learner_id=learner_id,
        cohort_id=cohort_id,
        totals=AttendanceCounts(**_counts(totals)),
        learners=learners,
    )
