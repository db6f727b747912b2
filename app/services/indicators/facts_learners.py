"""Learner indicators: one row per learner behind the value (see ``sql.FACT_COLUMNS``).

``learners_seeking`` is the SQL form of ``learner_status.derive_status`` for
``enrolled_seeking``: an enrolment open on ``to`` (started, and its end, or its cohort's end
when it has none, after ``to``: ``still_open``) and no contract that happened (``HAPPENED``)
with a start by ``to`` (a running contract is one of those, so ``under_contract`` is excluded
too). ``tests/test_indicators_learners.py`` checks it against ``statuses_for``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import aliased

from app.models import Cohort, Contract, Enrolment, FollowUpEntry, Learner
from app.services.alerts.rules.common import days_before, last_contract_id
from app.services.indicators.facts_contracts import STARTED
from app.services.indicators.sql import Window, columns, days_between, flag, learner_cohort

COVERAGE_DAYS = 60  # the same window as the no_follow_up alert


def enrolled_on(window: Window) -> Any:
    enrolment, cohort = aliased(Enrolment), aliased(Cohort)
    ends_on = func.coalesce(enrolment.end_date, cohort.end_date)
    return exists(
        select(enrolment.id)
        .join(cohort, cohort.id == enrolment.cohort_id)
        .where(
            enrolment.learner_id == Learner.id,
            enrolment.start_date <= window.end,
            ends_on > window.end,
        )
    )


def _learners(window: Window, *conditions: Any, **given: Any) -> Select[Any]:
    last = aliased(Contract, name="last_contract")
    given.setdefault("contract_id", last.id)
    given.setdefault("company_id", last.company_id)
    return (
        select(
            *columns(
                record_id=Learner.id,
                learner_id=Learner.id,
                cohort_id=learner_cohort(Learner.id, window.end),
                **given,
            )
        )
        .select_from(Learner)
        .outerjoin(last, last.id == last_contract_id(window.end, Learner.id))
        .where(Learner.organisation_id == window.organisation_id, *conditions)
    )


def learners_seeking(window: Window) -> Select[Any]:
    contract = aliased(Contract)
    had_contract = exists(
        select(contract.id).where(
            contract.learner_id == Learner.id,
            contract.status.in_(STARTED),
            contract.start_date <= window.end,
        )
    )
    return _learners(window, enrolled_on(window), ~had_contract)


def follow_up_coverage(window: Window) -> Select[Any]:
    entry = aliased(FollowUpEntry)
    covered = exists(
        select(entry.id).where(
            entry.learner_id == Learner.id,
            entry.author_id.in_(window.team_ids or ("",)),
            entry.occurred_on > days_before(window.end, COVERAGE_DAYS),
            entry.occurred_on <= window.end,
        )
    )
    return _learners(window, enrolled_on(window), hit=flag(covered))


def median_days_to_contract(window: Window) -> Select[Any]:
    first, contract = aliased(Contract, name="first_contract"), aliased(Contract)
    # A correlated subquery on the learner index: a window-function ranking joined back is
    # no faster on PostgreSQL and scans the ranked rows per learner on SQLite.
    first_id = (
        select(contract.id)
        .where(contract.learner_id == Learner.id, contract.status.in_(STARTED))
        .order_by(contract.start_date, contract.id)
        .limit(1)
        .scalar_subquery()
    )
    enrolment = (
        select(Enrolment.learner_id, func.min(Enrolment.start_date).label("enrolled_on"))
        .where(Enrolment.organisation_id == window.organisation_id)
        .group_by(Enrolment.learner_id)
        .subquery("first_enrolment")
    )
    delay = days_between(first.start_date, enrolment.c.enrolled_on, window.dialect)
    return (
        select(
            *columns(
                record_id=Learner.id,
                learner_id=Learner.id,
                contract_id=first.id,
                company_id=first.company_id,
                cohort_id=func.coalesce(first.cohort_id, learner_cohort(Learner.id)),
                on=first.start_date,
                days=case((delay < 0, 0), else_=delay),
            )
        )
        .select_from(Learner)
        .join(first, first.id == first_id)
        .join(enrolment, enrolment.c.learner_id == Learner.id)
        .where(
            Learner.organisation_id == window.organisation_id,
            first.start_date >= window.start,
            first.start_date <= window.end,
        )
    )
