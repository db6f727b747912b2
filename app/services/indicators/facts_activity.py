"""Reviews, attendance and alerts: one row per review, mark or alert behind the value.

Alert times are timestamps: the window ``[from, to]`` covers ``from`` 00:00 UTC up to the
end of ``to`` (UTC), and their days are fractional."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from app.models import Alert, AttendanceMark, Contract, Review
from app.services.alerts.rules.common import days_after
from app.services.indicators.sql import Window, columns, days_between, flag, learner_cohort
from app.services.scope import contract_condition

VISIT_GRACE_DAYS = 7
LIVE = ("open", "acknowledged")


def _reviews(window: Window, *conditions: Any, **given: Any) -> Select[Any]:
    return (
        select(
            *columns(
                record_id=Review.id,
                learner_id=Review.learner_id,
                contract_id=Review.contract_id,
                company_id=Contract.company_id,
                cohort_id=func.coalesce(Contract.cohort_id, learner_cohort(Contract.learner_id)),
                **given,
            )
        )
        .select_from(Review)
        .join(Contract, Contract.id == Review.contract_id)
        .where(contract_condition(window.principal), *conditions)
    )


def visits_on_time_rate(window: Window) -> Select[Any]:
    on_time = and_(
        Review.done_on.is_not(None),
        days_between(Review.done_on, Review.scheduled_on, window.dialect) <= VISIT_GRACE_DAYS,
    )
    return _reviews(
        window,
        Review.kind == "visit",
        Review.scheduled_on >= window.start,
        Review.scheduled_on <= window.end,
        on=Review.scheduled_on,
        hit=flag(on_time),
    )


def _marks(window: Window, numerator: Any) -> Select[Any]:
    return (
        select(
            *columns(
                record_id=AttendanceMark.id,
                learner_id=AttendanceMark.learner_id,
                cohort_id=func.coalesce(
                    AttendanceMark.cohort_id, learner_cohort(AttendanceMark.learner_id)
                ),
                on=AttendanceMark.day,
                hit=flag(numerator),
            )
        )
        .select_from(AttendanceMark)
        .where(
            AttendanceMark.organisation_id == window.organisation_id,
            AttendanceMark.day >= window.start,
            AttendanceMark.day <= window.end,
        )
    )


def absence_rate(window: Window) -> Select[Any]:
    return _marks(window, AttendanceMark.status.in_(("absent", "excused")))


def unjustified_absence_rate(window: Window) -> Select[Any]:
    return _marks(
        window, and_(AttendanceMark.status == "absent", AttendanceMark.justified.is_(False))
    )


def instant(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _alerts(window: Window, *conditions: Any, **given: Any) -> Select[Any]:
    return (
        select(
            *columns(
                record_id=Alert.id,
                learner_id=Alert.learner_id,
                contract_id=Alert.contract_id,
                company_id=func.coalesce(Alert.company_id, Contract.company_id),
                cohort_id=learner_cohort(Alert.learner_id),
                rule=Alert.rule,
                severity=Alert.severity,
                **given,
            )
        )
        .select_from(Alert)
        .outerjoin(Contract, Contract.id == Alert.contract_id)
        .where(Alert.organisation_id == window.organisation_id, *conditions)
    )


def alerts_open(window: Window) -> Select[Any]:
    after_end = instant(days_after(window.end, 1))
    # Open on ``to``: opened by then, and still live, or closed only after ``to``.
    return _alerts(
        window,
        Alert.opened_at < after_end,
        or_(
            Alert.status.in_(LIVE),
            and_(Alert.resolved_at.is_not(None), Alert.resolved_at >= after_end),
        ),
    )


def alert_resolution_median_days(window: Window) -> Select[Any]:
    return _alerts(
        window,
        Alert.status == "resolved",
        Alert.resolved_at >= instant(window.start),
        Alert.resolved_at < instant(days_after(window.end, 1)),
        on=Alert.resolved_at,
        days=days_between(Alert.resolved_at, Alert.opened_at, window.dialect, timestamps=True),
    )
