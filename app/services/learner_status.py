"""A learner's status, derived from their enrolments and contracts on a date; never stored.

The rules follow the national apprenticeship dashboard (RULES.md, "Sources and notes") so that
a CFA sees the same count in Relais as there, with one deliberate difference:

* ``referred``: no enrolment has started (and no contract is running).
* ``enrolled_seeking``: enrolled, and no contract has ever started. It stays so while the
  enrolment is open, even past 90 days: the dashboard counts such a learner as dropped out,
  but the ``no_employer_after_window`` alert must still find them *enrolled* to flag them (and
  the CFA may keep them 3 months and more); they become ``dropped_out`` only when the
  enrolment ends.
* ``under_contract``: a contract is running: status signed, filed or registered and
  ``start_date <= as_of <= end_date``. A broken contract counts as running before its break
  date (so that a past ``as_of`` reads the history right); a completed one never does.
* ``between_contracts``: still enrolled, the last contract broken at most 180 days ago (the
  dashboard's *rupturant*); also still enrolled after a contract that ended normally well
  before the session's end (the learner needs a new employer to go on).
* ``completed``: the enrolment ended as ``completed``; or it ended for another or no reason
  while the learner was (or had been) under contract; or the last contract ended within 60
  days of the session's planned end (the dashboard's "end of training").
* ``dropped_out``: the enrolment ended as ``dropped_out`` or ``excluded``; or more than 180
  days passed since a break without a new contract; or the enrolment ended (transferred,
  other, or date passed) without the learner ever having had a contract.

An enrolment without ``end_date`` ends with its cohort's ``end_date``. ``derive_status`` is a
pure function of the history; ``statuses_for`` loads a page of learners in two queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Cohort, Contract, ContractStatus, Enrolment, Learner
from app.services import contract_lifecycle as lifecycle


class LearnerStatus(StrEnum):
    referred = "referred"
    enrolled_seeking = "enrolled_seeking"
    under_contract = "under_contract"
    between_contracts = "between_contracts"
    completed = "completed"
    dropped_out = "dropped_out"


# Contract statuses that mean the contract was concluded (it happened, whatever came after).
HAPPENED = frozenset(
    {ContractStatus.signed, ContractStatus.filed, ContractStatus.registered,
     ContractStatus.broken, ContractStatus.completed}
)
# Labour code L6222-18-2: after a break the CFA keeps the learner 6 months (dashboard: 180 days).
BETWEEN_CONTRACTS_MAX_DAYS = 180
# Dashboard: a contract ending within 60 days of the session's end is the end of the training.
END_OF_TRAINING_WINDOW_DAYS = 60


@dataclass(frozen=True)
class EnrolmentFacts:
    start_date: date
    end_date: date | None = None
    ended_reason: str | None = None
    cohort_end_date: date | None = None

    @property
    def ends_on(self) -> date | None:
        return self.end_date or self.cohort_end_date


@dataclass(frozen=True)
class ContractFacts:
    status: str
    start_date: date
    end_date: date
    break_date: date | None = None


def is_running(contract: ContractFacts, as_of: date) -> bool:
    return lifecycle.is_running(
        contract.status, contract.start_date, contract.end_date, contract.break_date, as_of
    )


def derive_status(
    enrolments: Iterable[EnrolmentFacts], contracts: Sequence[ContractFacts], as_of: date
) -> LearnerStatus:
    started = [e for e in enrolments if e.start_date <= as_of]
    if not started:
        # A contract without a recorded enrolment still makes an apprentice.
        running = any(is_running(c, as_of) for c in contracts)
        return LearnerStatus.under_contract if running else LearnerStatus.referred
    still_open = [e for e in started if e.ends_on is None or as_of < e.ends_on]
    if still_open:
        planned_ends = [e.ends_on for e in still_open if e.ends_on is not None]
        return _while_enrolled(contracts, as_of, max(planned_ends) if planned_ends else None)
    last = max(started, key=lambda e: (e.ends_on or date.min, e.start_date))
    return _after_training(last, contracts)


def _while_enrolled(
    contracts: Sequence[ContractFacts], as_of: date, planned_end: date | None
) -> LearnerStatus:
    if any(is_running(c, as_of) for c in contracts):
        return LearnerStatus.under_contract
    started = [c for c in contracts if c.status in HAPPENED and c.start_date <= as_of]
    if not started:
        return LearnerStatus.enrolled_seeking
    last = max(started, key=lambda c: (c.start_date, c.end_date))
    if last.status == ContractStatus.broken:
        # Without a recorded break date, count from the contract's start (the earliest it broke).
        broke_on = last.break_date or last.start_date
        if (as_of - broke_on).days > BETWEEN_CONTRACTS_MAX_DAYS:
            return LearnerStatus.dropped_out
        return LearnerStatus.between_contracts
    # The last contract ended normally (completed, or its end date passed).
    window = timedelta(days=END_OF_TRAINING_WINDOW_DAYS)
    if planned_end is not None and last.end_date >= planned_end - window:
        return LearnerStatus.completed
    return LearnerStatus.between_contracts


def _after_training(last: EnrolmentFacts, contracts: Sequence[ContractFacts]) -> LearnerStatus:
    if last.ended_reason == "completed":
        return LearnerStatus.completed
    if last.ended_reason in ("dropped_out", "excluded"):
        return LearnerStatus.dropped_out
    # Transferred, other, or the end date simply passed: judge by the history on the last day.
    ended_on = last.ends_on or last.start_date
    at_end = _while_enrolled(contracts, ended_on, ended_on)
    if at_end in (LearnerStatus.enrolled_seeking, LearnerStatus.dropped_out):
        return LearnerStatus.dropped_out
    return LearnerStatus.completed


# --- loading -------------------------------------------------------------------------------


async def load_histories(
    session: AsyncSession, organisation_id: str, learner_ids: Sequence[str]
) -> tuple[dict[str, list[EnrolmentFacts]], dict[str, list[ContractFacts]]]:
    """Enrolments and contracts of many learners: one query each, whatever their number."""
    enrolments: dict[str, list[EnrolmentFacts]] = defaultdict(list)
    contracts: dict[str, list[ContractFacts]] = defaultdict(list)
    if not learner_ids:
        return enrolments, contracts
    ids = list(set(learner_ids))
    enrolment_rows = await session.execute(
        select(
            Enrolment.learner_id,
            Enrolment.start_date,
            Enrolment.end_date,
            Enrolment.ended_reason,
            Cohort.end_date,
        )
        .outerjoin(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.organisation_id == organisation_id, Enrolment.learner_id.in_(ids))
    )
    for learner_id, start, end, reason, cohort_end in enrolment_rows:
        enrolments[learner_id].append(EnrolmentFacts(start, end, reason, cohort_end))
    contract_rows = await session.execute(
        select(
            Contract.learner_id,
            Contract.status,
            Contract.start_date,
            Contract.end_date,
            Contract.break_date,
        ).where(Contract.organisation_id == organisation_id, Contract.learner_id.in_(ids))
    )
    for learner_id, status, start, end, broke_on in contract_rows:
        contracts[learner_id].append(ContractFacts(status, start, end, broke_on))
    return enrolments, contracts


async def statuses_for(
    session: AsyncSession, organisation_id: str, learner_ids: Sequence[str], as_of: date
) -> dict[str, LearnerStatus]:
    enrolments, contracts = await load_histories(session, organisation_id, learner_ids)
    return {
        learner_id: derive_status(
            enrolments.get(learner_id, []), contracts.get(learner_id, []), as_of
        )
        for learner_id in learner_ids
    }


def prefilter(status: LearnerStatus, as_of: date) -> ColumnElement[bool]:
    """A SQL condition every learner of ``status`` on ``as_of`` meets (not always only them):
    it narrows a status filter, which ``derive_status`` then checks row by row."""
    started = exists(
        select(Enrolment.id).where(
            Enrolment.learner_id == Learner.id, Enrolment.start_date <= as_of
        )
    )
    running = exists(
        select(Contract.id).where(
            Contract.learner_id == Learner.id, lifecycle.running_condition(as_of)
        )
    )
    had_contract = exists(
        select(Contract.id).where(
            Contract.learner_id == Learner.id,
            Contract.start_date <= as_of,
            Contract.status.in_([s.value for s in HAPPENED]),
        )
    )
    if status == LearnerStatus.referred:
        return ~started & ~running
    if status == LearnerStatus.under_contract:
        return running
    if status == LearnerStatus.enrolled_seeking:
        return started & ~had_contract
    if status == LearnerStatus.between_contracts:
        return started & had_contract
    return started
