"""Contract indicators: one row per contract behind the value (see ``sql.FACT_COLUMNS``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.models import Contract, ContractEvent, ContractStatus, Review
from app.services.alerts.rules.common import days_before
from app.services.contract_lifecycle import TRIAL_PERIOD_DAYS, running_condition
from app.services.indicators.sql import Window, columns, days_between, flag, learner_cohort
from app.services.learner_status import HAPPENED
from app.services.scope import contract_condition

STARTED = sorted(s.value for s in HAPPENED)
TWO_MONTHS = 60


def _contracts(window: Window, *conditions: Any, **given: Any) -> Select[Any]:
    given.setdefault("on", Contract.start_date)
    return (
        select(
            *columns(
                record_id=Contract.id,
                learner_id=Contract.learner_id,
                contract_id=Contract.id,
                company_id=Contract.company_id,
                cohort_id=func.coalesce(Contract.cohort_id, learner_cohort(Contract.learner_id)),
                **given,
            )
        )
        .select_from(Contract)
        .where(contract_condition(window.principal), *conditions)
    )


def _started_in_window(window: Window) -> tuple[Any, ...]:
    return (
        Contract.status.in_(STARTED),
        Contract.start_date >= window.start,
        Contract.start_date <= window.end,
    )


def _broken_by(window: Window) -> Any:
    # Without a recorded break date the break is taken as known (it is in the status).
    return and_(
        Contract.status == ContractStatus.broken.value,
        or_(Contract.break_date.is_(None), Contract.break_date <= window.end),
    )


def active_contracts(window: Window) -> Select[Any]:
    return _contracts(window, running_condition(window.end), on=None)


def owner_load(window: Window) -> Select[Any]:
    return active_contracts(window)


def contracts_started(window: Window) -> Select[Any]:
    return _contracts(window, *_started_in_window(window))


def rupture_rate(window: Window) -> Select[Any]:
    return _contracts(window, *_started_in_window(window), hit=flag(_broken_by(window)))


def early_rupture_rate(window: Window) -> Select[Any]:
    first_day = func.coalesce(Contract.practical_start_date, Contract.start_date)
    early = and_(
        _broken_by(window),
        Contract.break_date.is_not(None),
        days_between(Contract.break_date, first_day, window.dialect) < TRIAL_PERIOD_DAYS,
    )
    return _contracts(window, *_started_in_window(window), hit=flag(early))


def two_month_interview_on_time_rate(window: Window) -> Select[Any]:
    review = aliased(Review)
    on_time = exists(
        select(review.id).where(
            review.contract_id == Contract.id,
            review.kind == "two_month_interview",
            review.done_on.is_not(None),
            days_between(review.done_on, Contract.start_date, window.dialect) <= TWO_MONTHS,
        )
    )
    return _contracts(
        window,
        *_started_in_window(window),
        Contract.kind == "apprenticeship",
        Contract.start_date <= days_before(window.end, TWO_MONTHS),
        hit=flag(on_time),
    )


def filing_delay_median_days(window: Window) -> Select[Any]:
    # The first filing of each contract (a rejected file may be filed again).
    filed = (
        select(ContractEvent.contract_id, func.min(ContractEvent.on).label("filed_on"))
        .where(
            ContractEvent.organisation_id == window.organisation_id,
            ContractEvent.kind == "transition",
            ContractEvent.to_status == ContractStatus.filed.value,
        )
        .group_by(ContractEvent.contract_id)
        .subquery("filed")
    )
    return _contracts(
        window,
        filed.c.filed_on >= window.start,
        filed.c.filed_on <= window.end,
        on=filed.c.filed_on,
        days=days_between(filed.c.filed_on, Contract.start_date, window.dialect),
    ).join(filed, filed.c.contract_id == Contract.id)


def completion_rate(window: Window) -> Select[Any]:
    return _contracts(
        window,
        Contract.status.in_(STARTED),
        Contract.end_date >= window.start,
        Contract.end_date <= window.end,
        on=Contract.end_date,
        hit=flag(Contract.status == ContractStatus.completed.value),
    )
