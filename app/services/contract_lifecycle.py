"""The contract lifecycle, written once: which status may follow which, on which date, and the
pure rules derived from the dates (running today, practical start, trial period).

No database here: the service layer and the alert rules call these with plain values, so the
same answer is given everywhere (DOMAIN.md "Contract lifecycle")."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, or_

from app.models.contract import Contract, ContractStatus

S = ContractStatus

# Every legal move. ``broken``, ``completed`` and ``cancelled`` are final.
TRANSITIONS: dict[ContractStatus, tuple[ContractStatus, ...]] = {
    S.draft: (S.signed, S.cancelled),
    S.signed: (S.filed, S.broken, S.cancelled),
    S.filed: (S.registered, S.rejected, S.broken, S.cancelled),
    S.registered: (S.broken, S.completed, S.cancelled),
    # The OPCO refused the file: correct it and file again, or give up.
    S.rejected: (S.filed, S.cancelled),
    S.broken: (),
    S.completed: (),
    S.cancelled: (),
}

# Statuses in which a contract binds both parties: once it has started it can only end by a
# break or by completion, never by a cancellation.
IN_FORCE = (S.signed, S.filed, S.registered)
FINAL = tuple(status for status, targets in TRANSITIONS.items() if not targets)

BREAK_INITIATORS = ("employer", "learner", "mutual", "other")
# Labour code L6222-18: either side may break freely during the first 45 days in company.
TRIAL_PERIOD_DAYS = 45
# The state's contract tool: practical training starts at most 3 months after the contract.
MAX_PRACTICAL_START_MONTHS = 3


def date_refusal(
    current: ContractStatus, target: ContractStatus, on: date, start_date: date, end_date: date
) -> str | None:
    """Why a move the table allows is refused on this date, or None when it is fine."""
    if target == S.cancelled and current in IN_FORCE and on >= start_date:
        return (
            f"The contract started on {start_date.isoformat()}: it can no longer be cancelled; "
            "record a break instead."
        )
    if target == S.broken and on < start_date:
        return (
            f"The contract starts on {start_date.isoformat()}: before that, cancel it rather "
            "than break it."
        )
    if target == S.broken and on > end_date:
        return f"The contract ended on {end_date.isoformat()}: it cannot be broken after its end."
    if target == S.completed and on < end_date:
        return (
            f"The contract ends on {end_date.isoformat()}: it cannot be completed earlier; "
            "an early end is a break."
        )
    return None


def allowed_targets(
    current: ContractStatus, on: date, start_date: date, end_date: date
) -> list[ContractStatus]:
    """The statuses a contract in ``current`` may move to on date ``on``."""
    return [
        target
        for target in TRANSITIONS[current]
        if date_refusal(current, target, on, start_date, end_date) is None
    ]


def refusal(
    current: ContractStatus, target: ContractStatus, on: date, start_date: date, end_date: date
) -> str | None:
    """Why ``current`` -> ``target`` on ``on`` is illegal, or None when it is legal."""
    if target not in TRANSITIONS[current]:
        if not TRANSITIONS[current]:
            return f"A {current.value} contract is final: its status can no longer change."
        return f"A {current.value} contract cannot become {target.value}."
    return date_refusal(current, target, on, start_date, end_date)


def is_running(
    status: str, start_date: date, end_date: date, break_date: date | None, today: date
) -> bool:
    """In force today: within its dates, and signed, filed or registered, or broken with a
    break that takes effect after today (the break date is the first day out of contract).
    Keep in step with ``running_condition`` in ``app.services.contracts`` (the SQL twin)."""
    if not start_date <= today <= end_date:
        return False
    if status in IN_FORCE:
        return True
    return status == S.broken and break_date is not None and today < break_date


def within_trial_period(
    kind: str, start_date: date, practical_start_date: date | None, break_date: date
) -> bool | None:
    """Whether a break falls in the first 45 days in company (L6222-18). Counted in calendar
    days from the practical start (the contract start when unknown). Only apprenticeships have
    this statutory period; for other kinds it depends on the employment contract: None."""
    if kind != "apprenticeship":
        return None
    first_day = practical_start_date or start_date
    # A difference, not a sum: no overflow near date.max.
    return break_date - first_day < timedelta(days=TRIAL_PERIOD_DAYS)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the end of a shorter month (30 Nov + 3 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_practical_start(start_date: date) -> date:
    try:
        return add_months(start_date, MAX_PRACTICAL_START_MONTHS)
    except ValueError:  # past year 9999
        return date.max


def running_condition(today: date) -> ColumnElement[bool]:
    """SQL twin of ``is_running``; never NULL, so it may be negated."""
    return and_(
        Contract.start_date <= today,
        Contract.end_date >= today,
        or_(
            Contract.status.in_([s.value for s in IN_FORCE]),
            and_(
                Contract.status == ContractStatus.broken.value,
                Contract.break_date.is_not(None),
                Contract.break_date > today,
            ),
        ),
    )
