"""The records an auditor reads in the Qualiopi evidence pack: one SELECT per list, in the
caller's scope, with plain columns (ids, dates, statuses: what proves, not what describes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select, true
from sqlalchemy.orm import aliased

from app.models import (
    Alert,
    Cohort,
    CohortKeyDate,
    Company,
    Contract,
    ContractEvent,
    FollowUpEntry,
    Learner,
    Review,
    Tutor,
)
from app.services import scope
from app.services.alerts.rules.common import days_after
from app.services.contract_lifecycle import running_condition
from app.services.indicators.facts_activity import instant
from app.services.indicators.facts_contracts import STARTED
from app.services.indicators.sql import Window, days_between

# A SELECT of plain columns (typed per column count by SQLAlchemy 2.1: any arity here).
Query = Select[*tuple[Any, ...]]


def _visible_learner(win: Window, column: Any) -> ColumnElement[bool]:
    if win.principal.sees_whole_organisation:
        return true()
    return column.in_(scope.visible_learner_ids(win.principal))


def _entries(win: Window, *conditions: Any) -> Query:
    return select(
        FollowUpEntry.id,
        FollowUpEntry.learner_id,
        FollowUpEntry.contract_id,
        FollowUpEntry.company_id,
        FollowUpEntry.kind,
        FollowUpEntry.occurred_on,
        FollowUpEntry.author_id,
    ).where(
        scope.follow_up_entry_condition(win.principal),
        FollowUpEntry.occurred_on >= win.start,
        FollowUpEntry.occurred_on <= win.end,
        *conditions,
    )


def breaks(win: Window) -> Query:
    return select(
        Contract.id,
        Contract.learner_id,
        Contract.company_id,
        Contract.start_date,
        Contract.practical_start_date,
        Contract.break_date,
        Contract.break_initiator,
    ).where(
        scope.contract_condition(win.principal),
        Contract.status == "broken",
        Contract.break_date >= win.start,
        Contract.break_date <= win.end,
    )


def alerts(win: Window) -> Query:
    start, after = instant(win.start), instant(days_after(win.end, 1))
    handling = days_between(Alert.resolved_at, Alert.opened_at, win.dialect, timestamps=True)
    return select(
        Alert.id,
        Alert.rule,
        Alert.severity,
        Alert.status,
        Alert.learner_id,
        Alert.owner_id,
        Alert.opened_at,
        Alert.resolved_at,
        handling.label("handling_days"),
    ).where(
        Alert.organisation_id == win.organisation_id,
        _visible_learner(win, Alert.learner_id),
        or_(
            and_(Alert.opened_at >= start, Alert.opened_at < after),
            and_(Alert.resolved_at >= start, Alert.resolved_at < after),
        ),
    )


def team_entries(win: Window) -> Query:
    return _entries(win, FollowUpEntry.author_id.in_(win.team_ids or ("",)))


def key_dates(win: Window) -> Query:
    return (
        select(
            CohortKeyDate.id,
            CohortKeyDate.cohort_id,
            Cohort.name.label("cohort"),
            CohortKeyDate.kind,
            CohortKeyDate.label,
            CohortKeyDate.start_date,
            CohortKeyDate.end_date,
        )
        .join(Cohort, Cohort.id == CohortKeyDate.cohort_id)
        .where(
            CohortKeyDate.organisation_id == win.organisation_id,
            CohortKeyDate.start_date <= win.end,
            CohortKeyDate.end_date >= win.start,
        )
    )


def reviews_done(win: Window, *kinds: str) -> Query:
    kind = Review.kind.in_(kinds) if kinds else true()
    return (
        select(
            Review.id,
            Review.contract_id,
            Review.learner_id,
            Review.kind,
            Review.scheduled_on,
            Review.done_on,
            Review.outcome,
            Review.locked_at.label("grid_signed_at"),
        )
        .join(Contract, Contract.id == Review.contract_id)
        .where(
            scope.contract_condition(win.principal),
            kind,
            Review.done_on >= win.start,
            Review.done_on <= win.end,
        )
    )


def tutor_changes(win: Window) -> Query:
    return (
        select(
            ContractEvent.id,
            ContractEvent.contract_id,
            ContractEvent.from_tutor_id,
            ContractEvent.to_tutor_id,
            ContractEvent.on,
        )
        .join(Contract, Contract.id == ContractEvent.contract_id)
        .where(
            scope.contract_condition(win.principal),
            ContractEvent.kind == "tutor_change",
            ContractEvent.on >= win.start,
            ContractEvent.on <= win.end,
        )
    )


def disabled_learner_ids(win: Window) -> Query:
    # ``needs`` is a JSON list of fixed words: the quoted word is found in its text form on
    # both engines, without engine-specific JSON operators.
    return select(Learner.id).where(
        Learner.organisation_id == win.organisation_id,
        cast(Learner.needs, String).like('%"disability"%'),
        _visible_learner(win, Learner.id),
    )


def disabled_learners(win: Window) -> Query:
    entry, review = aliased(FollowUpEntry), aliased(Review)
    last_entry = (
        select(func.max(entry.occurred_on))
        .where(
            entry.learner_id == Learner.id,
            entry.author_id.in_(win.team_ids or ("",)),
            entry.occurred_on <= win.end,
        )
        .scalar_subquery()
    )
    reviews = (
        select(func.count(review.id))
        .where(
            review.learner_id == Learner.id, review.done_on >= win.start, review.done_on <= win.end
        )
        .scalar_subquery()
    )
    return select(
        Learner.id,
        last_entry.label("last_team_entry_on"),
        reviews.label("reviews_done_in_window"),
    ).where(Learner.id.in_(disabled_learner_ids(win)))


def companies(win: Window) -> Query:
    running = (
        select(func.count(Contract.id))
        .where(Contract.company_id == Company.id, running_condition(win.end))
        .scalar_subquery()
    )
    return select(
        Company.id,
        Company.name,
        Company.siret,
        Company.owner_id,
        running.label("running_contracts"),
    ).where(scope.company_condition(win.principal))


def tutors(win: Window) -> Query:
    return select(
        Tutor.id, Tutor.company_id, Tutor.first_name, Tutor.last_name, Tutor.job_title
    ).where(scope.tutor_condition(win.principal))


def company_contacts(win: Window) -> Query:
    return _entries(win, FollowUpEntry.kind == "company_contact")


def contracts_ended(win: Window) -> Query:
    return select(
        Contract.id,
        Contract.learner_id,
        Contract.company_id,
        Contract.status,
        Contract.start_date,
        Contract.end_date,
    ).where(
        scope.contract_condition(win.principal),
        Contract.status.in_(STARTED),
        Contract.end_date >= win.start,
        Contract.end_date <= win.end,
    )


def post_contract_entries(win: Window) -> Query:
    return _entries(win, FollowUpEntry.kind == "post_contract")
